"""Fixtures for the server tests: an app per test, a tab that speaks the protocol,
and a frame reader written from docs/protocol.md (not from app/frames.py), so
the tests check the format the page relies on rather than the encoder's own idea
of it."""

import asyncio
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import numpy as np
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app import rate_limit
from app.main import create_app
from app.settings import Settings

# Fast frames so the tests do not wait on the 20-per-second cap.
FAST = {"max_frames_per_second": 1000.0}
# A bound on waiting for the server, far above any real wait: a hang fails, it does not stall.
RECEIVE_SECONDS = 30
MAX_TEXTS_BEFORE_FRAME = 100


@dataclass
class Frame:
    header: dict[str, Any]
    raw: dict[str, np.ndarray]  # arrays as the page has them (uint8 codes, deltas added; float32)
    values: dict[str, np.ndarray]  # uint8 maps decoded to floats
    size: int  # bytes on the wire
    compressed: bool


COMPRESSED, STREAMED, STREAM_START = 1, 2, 4  # the flags (docs/protocol.md)


class Inflater:
    """One page's side of the frames' compression: a frame on its own, or the next
    part of the page's zlib stream (one per page, started again by STREAM_START)."""

    def __init__(self) -> None:
        self._stream: Any = None

    def __call__(self, data: bytes) -> tuple[int, bytes]:
        """The frame's flags and body, decompressed."""
        flags = data[5]
        assert flags in (0, COMPRESSED, STREAMED, STREAMED | STREAM_START), flags
        if flags & STREAM_START:
            self._stream = zlib.decompressobj()
        if flags & STREAMED:
            assert self._stream is not None, "a streamed frame before its stream started"
            return flags, self._stream.decompress(data[10:])
        return flags, zlib.decompress(data[10:]) if flags & COMPRESSED else data[10:]


class FrameReader:
    """One page's frame reader. A delta map is added (mod 256) to the codes of the
    last frame that carried its name, so the reader keeps those, as the page does."""

    def __init__(self) -> None:
        self.maps: dict[str, np.ndarray] = {}
        self.inflate = Inflater()

    def __call__(self, data: bytes) -> Frame:
        """Decode one binary frame, asserting every layout rule of the protocol."""
        magic, version, _, length = struct.unpack_from("<4sBBI", data)
        assert magic == b"NNPF" and version == 2
        flags, body = self.inflate(data)
        header = json.loads(body[:length].decode("utf-8"))
        section = body[length:]
        raw, values, end, starts = {}, {}, 0, set()
        for entry in header["arrays"]:
            dtype = np.dtype(entry["dtype"])
            count = int(np.prod(entry["shape"]))
            offset = entry["offset"]
            # Back to back in order, or sharing an earlier array's bytes exactly.
            assert offset >= end or offset in starts, entry
            starts.add(offset)
            end = max(end, offset + count * dtype.itemsize)
            assert offset + count * dtype.itemsize <= len(section), entry
            array = np.frombuffer(section, dtype, count, offset).reshape(entry["shape"])
            if entry.get("delta"):
                assert dtype == np.uint8 and entry["name"] in self.maps, entry
                array = array + self.maps[entry["name"]]  # uint8: mod 256
            raw[entry["name"]] = array
            if dtype == np.uint8:
                self.maps[entry["name"]] = array
                values[entry["name"]] = _decode(array, entry)
        return Frame(header, raw, values, len(data), flags != 0)


def _decode(codes: np.ndarray, entry: dict[str, Any]) -> np.ndarray:
    """``lo + v / 255 · (hi − lo)``, with one range or one per first-axis slice."""
    if "ranges" in entry:
        bounds = np.array(entry["ranges"], dtype=float).reshape(len(codes), 2)
        lo = bounds[:, 0].reshape(-1, *[1] * (codes.ndim - 1))
        hi = bounds[:, 1].reshape(lo.shape)
    else:
        lo, hi = entry["range"]
    return lo + codes / 255.0 * (hi - lo)


class Tab:
    """A browser tab, as the tests drive it: send messages, read frames and fragments."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.texts: list[str] = []
        self.read = FrameReader()

    def send(self, kind: str, **fields: Any) -> None:
        self.socket.send_text(json.dumps({"type": kind, **fields}))

    def receive(self) -> str | Frame:
        message = self._next()
        assert message["type"] == "websocket.send", message
        if message.get("bytes") is not None:
            return self.read(message["bytes"])
        return message["text"]

    def until_closed(self, limit: int = MAX_TEXTS_BEFORE_FRAME) -> tuple[list[str], int]:
        """The fragments sent until the server closes the socket, and the close code."""
        texts = []
        for _ in range(limit):
            message = self._next()
            if message["type"] == "websocket.close":
                return texts, message["code"]
            if message.get("text") is not None:
                texts.append(message["text"])
        raise AssertionError(f"not closed after {limit} messages")

    def _next(self) -> dict[str, Any]:
        return self.socket.portal.call(_receive_within, self.socket, RECEIVE_SECONDS)

    def frame(self, ack: bool = True) -> Frame:
        """The next frame (text fragments before it are kept in ``texts``), acked."""
        for _ in range(MAX_TEXTS_BEFORE_FRAME):
            message = self.receive()
            if isinstance(message, Frame):
                if ack:
                    self.send("ack", frame=message.header["frame"])
                return message
            self.texts.append(message)
        raise AssertionError(f"no frame among {MAX_TEXTS_BEFORE_FRAME} messages: {self.texts}")

    def text(self) -> str:
        """The next text fragment; fails on a frame, which would be out of turn here."""
        message = self.receive()
        assert isinstance(message, str), f"expected a fragment, got frame {message.header}"
        return message

    def roundtrip(self, kind: str, **fields: Any) -> Frame:
        """Send a message that owes a frame, and return that frame."""
        self.send(kind, **fields)
        return self.frame()


async def _receive_within(socket: Any, seconds: float) -> Any:
    with anyio.fail_after(seconds):
        return await socket._send_rx.receive()


@pytest.fixture
def settings() -> Settings:
    return Settings(**FAST)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


@pytest.fixture
def connect(client: TestClient) -> Iterator[Callable[..., Tab]]:
    """``connect("dataset=spiral")`` opens a tab; all are closed after the test."""
    opened = []

    def open_tab(query: str = "") -> Tab:
        session = client.websocket_connect(f"/ws?{query}")
        opened.append(session)
        return Tab(session.__enter__())

    yield open_tab
    for session in reversed(opened):
        session.__exit__(None, None, None)


@pytest.fixture
def tab(connect: Callable[..., Tab]) -> Tab:
    """A tab that has received (and acked) its first frame."""
    tab = connect()
    tab.first = tab.frame()
    return tab


@pytest.fixture
def frame_reader() -> Callable[[], FrameReader]:
    """Makes a reader per page: ``read = frame_reader()``, then ``read(data)``."""
    return FrameReader


@dataclass
class LiveServer:
    url: str  # http://127.0.0.1:PORT
    app: FastAPI
    loop: asyncio.AbstractEventLoop

    def call(self, coroutine: Any) -> Any:
        """Run a coroutine on the server's event loop and return its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    """A real uvicorn on 127.0.0.1 and a free port, in a thread of this process."""
    app = create_app(settings)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws_per_message_deflate=False
    )
    server = uvicorn.Server(config)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),))
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield LiveServer(f"http://127.0.0.1:{port}", app, loop)
    server.should_exit = True
    thread.join(timeout=10)
    loop.close()


class ManualTime:
    """The rate limit's clock: each reading is ``step`` seconds after the last (messages
    arrive that far apart, however fast the test sends them), and a test may jump it."""

    def __init__(self, step: float = 0.02) -> None:
        self.now, self.step = 1000.0, step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def manual_time(monkeypatch: pytest.MonkeyPatch) -> ManualTime:
    """The rate limit's time, in the test's hands."""
    time = ManualTime()
    monkeypatch.setattr(rate_limit, "monotonic", time)
    return time
