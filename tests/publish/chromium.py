"""What a person sees in headless Chromium: a page loaded at a window size, measured in the page itself.

`--dump-dom` gives the DOM but not the layout; this drives Chromium over its DevTools protocol (a
websocket, through aiohttp) to load a page at 1280×800 and evaluate a JavaScript expression in it, such
as the bounding boxes of the elements on the first screen.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import subprocess
import tempfile
import time
from typing import Any

import aiohttp

FIRST_SCREEN = (1280, 800)
_LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


def chromium_flags(binary: str, profile: str, proxy_port: int) -> list[str]:
    """Chromium with nothing of its own reaching out, every page request through the canary proxy."""
    return [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--mute-audio", "--no-pings",
            "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter",
            f"--user-data-dir={profile}", f"--proxy-server=http://127.0.0.1:{proxy_port}", "--hide-scrollbars"]


class _Session:
    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket, self.ids, self.events = socket, itertools.count(1), []

    async def call(self, method: str, **params) -> dict:
        number = next(self.ids)
        await self.socket.send_json({"id": number, "method": method, "params": params})
        while True:
            message = json.loads((await self.socket.receive()).data)
            if message.get("id") == number:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message.get("method"))

    async def wait_for(self, event: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while event not in self.events:
            message = json.loads((await asyncio.wait_for(self.socket.receive(), deadline - time.monotonic())).data)
            self.events.append(message.get("method"))


async def _measure(websocket_url: str, url: str, expression: str, settle_ms: int) -> Any:
    port = re.search(r":(\d+)/", websocket_url).group(1)
    async with aiohttp.ClientSession() as http:
        async with http.put(f"http://127.0.0.1:{port}/json/new?about:blank") as response:
            target = await response.json(content_type=None)
        async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as socket:
            session = _Session(socket)
            width, height = FIRST_SCREEN
            await session.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                               deviceScaleFactor=1, mobile=False)
            await session.call("Page.enable")
            await session.call("Page.navigate", url=url)
            await session.wait_for("Page.loadEventFired", timeout=30)
            await asyncio.sleep(settle_ms / 1000)
            result = await session.call("Runtime.evaluate", expression=expression, returnByValue=True,
                                        awaitPromise=True)
            if "exceptionDetails" in result:
                raise RuntimeError(result["exceptionDetails"])
            return result["result"].get("value")


def measure(binary: str, proxy_port: int, url: str, expression: str, settle_ms: int = 300) -> Any:
    """Load `url` in a 1280×800 window and return the value of `expression` evaluated in the page."""
    # Chromium's helper processes may still be writing the profile as the browser exits.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        process = subprocess.Popen([*chromium_flags(binary, profile, proxy_port), "--remote-debugging-port=0",
                                    "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            websocket_url = None
            deadline = time.monotonic() + 30
            while websocket_url is None and time.monotonic() < deadline:
                line = process.stderr.readline()
                if not line and process.poll() is not None:
                    break
                match = _LISTENING.search(line)
                websocket_url = match.group(1) if match else None
            assert websocket_url, "chromium did not open its DevTools port"
            return asyncio.run(_measure(websocket_url, url, expression, settle_ms))
        finally:
            process.terminate()
            process.wait(timeout=10)
