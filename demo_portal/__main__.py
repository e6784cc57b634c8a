"""python -m demo_portal [--port N] [--test-behaviours]: serve the demo portal and print its URL."""

from __future__ import annotations

import argparse
import time

from demo_portal.server import PortalServer
from demo_portal.site import build_demo_site


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_portal", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--test-behaviours", action="store_true", help="serve the tests' fixture portal")
    args = parser.parse_args()
    site = build_demo_site(with_test_behaviours=args.test_behaviours)
    with PortalServer(site, host=args.host, port=args.port) as portal:
        print(portal.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
