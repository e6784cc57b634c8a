"""python -m demo_portal [--host H] [--port N]: serve the demo portal and print its URL."""

from __future__ import annotations

import argparse
import time

from demo_portal.server import PortalServer
from demo_portal.site import build_demo_site


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_portal", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args()
    with PortalServer(build_demo_site(), host=args.host, port=args.port) as portal:
        print(portal.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
