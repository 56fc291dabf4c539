"""A light websocket client for the benches: hundreds of tabs in one process.

It drives websockets' sans-I/O ``ClientProtocol`` from a plain ``asyncio.Protocol``:
a frame is handled in the callback that reads its bytes, with no task, queue or
timer per message. The library's asyncio client (a ``recv`` under ``wait_for``
per message) cost ~0.5 ms of client CPU per frame, so on a 2-core box the
clients, not the server, set the frame rate; a real class's browsers are on
other machines. For the same reason the client processes run uvloop (``run``),
the server's event loop: with asyncio's own, a client took ~0.14 ms of CPU a
frame at 400 tabs, against ~0.10 ms.
"""

import asyncio
import re
import time
import zlib
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, TypeVar, cast

import uvloop
from websockets.client import ClientProtocol
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

MAX_FRAME = 2**22
T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on uvloop: how a client process of the benches runs its tabs."""
    return uvloop.run(main)


COMPRESSED, STREAMED, STREAM_START = 1, 2, 4  # a frame's flags (docs/protocol.md)


# The two fields the benches read, found without parsing the header: a full frame's
# header holds the whole history, and json.loads of it took most of a client's CPU.
_FRAME = re.compile(rb'"frame":(\d+)')
_RATE = re.compile(rb'"learning_rate":([-+.0-9eE]+)')


class FrameHeaders:
    """One connection's reader of frame headers (docs/protocol.md: magic, version,
    flags, header length, then the body). A frame compressed on its own has only
    its header inflated; a streamed one is inflated whole, as the stream's next
    part. Gives ``{"frame": n, "learning_rate": rate or None}`` (None: the header
    carries no config)."""

    def __init__(self) -> None:
        self._stream: Any = None

    def __call__(self, message: bytes) -> dict:
        flags, length = message[5], int.from_bytes(message[6:10], "little")
        body = message[10:]
        if flags & STREAM_START:
            self._stream = zlib.decompressobj()
        if flags & STREAMED:
            body = self._stream.decompress(body)
        elif flags & COMPRESSED:
            body = zlib.decompressobj().decompress(body, length)
        header = body[:length]
        rate = _RATE.search(header)
        return {
            "frame": int(_FRAME.search(header)[1]),
            "learning_rate": float(rate[1]) if rate else None,
        }


OnFrame = Callable[["Tab", bytes, float], None]
OnText = Callable[["Tab", str], None]


class Tab(asyncio.Protocol):
    """One tab's socket: ``on_frame(tab, frame, arrived)`` for each binary frame
    (``arrived``: ``time.monotonic()`` when its bytes came), ``on_text(tab, text)``
    for each HTML fragment; ``send`` writes a control message."""

    def __init__(self, url: str, on_frame: OnFrame, on_text: OnText | None = None) -> None:
        self._ws = ClientProtocol(parse_uri(url), max_size=MAX_FRAME)
        self._on_frame, self._on_text = on_frame, on_text
        self.header = FrameHeaders()  # this connection's: its frames may be one stream
        self._transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.request = self._ws.connect()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's TCP transport is not an asyncio.Transport subclass, yet writes as one.
        self._transport = cast(asyncio.Transport, transport)
        self._ws.send_request(self.request)
        self._flush()

    def data_received(self, data: bytes) -> None:
        arrived = time.monotonic()
        self._ws.receive_data(data)
        for event in self._ws.events_received():
            if isinstance(event, Response):
                if event.status_code == 101:
                    self.opened.set_result(None)
                else:
                    self.opened.set_exception(ConnectionError(f"HTTP {event.status_code}"))
            elif event.opcode is Opcode.BINARY:
                self._on_frame(self, event.data, arrived)
            elif event.opcode is Opcode.TEXT and self._on_text:
                self._on_text(self, event.data.decode())
        self._flush()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed before the handshake"))
        if not self.closed.done():
            self.closed.set_result(None)

    def send(self, text: str) -> None:
        self._ws.send_text(text.encode())
        self._flush()

    def close(self) -> None:
        if self._transport:
            self._transport.close()

    def _flush(self) -> None:
        for data in self._ws.data_to_send():
            if data and self._transport and not self._transport.is_closing():
                self._transport.write(data)


async def open_tab(
    url: str,
    on_frame: OnFrame,
    on_text: OnText | None = None,
    headers: Iterable[tuple[str, str]] = (),
) -> Tab:
    """A connected tab (the handshake done), with extra request ``headers`` (cookies)."""
    uri = parse_uri(url)

    def make() -> Tab:
        tab = Tab(url, on_frame, on_text)
        for name, value in headers:
            tab.request.headers[name] = value
        return tab

    _, tab = await asyncio.get_running_loop().create_connection(make, uri.host, uri.port)
    await asyncio.wait_for(tab.opened, 30)
    return tab
