"""What the tests build on: fixture files, loopback portals, crawls of them."""
