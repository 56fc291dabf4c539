"""Real services on loopback for the classroom across processes: a ``redis-server``
and ``nn-playground`` processes (and nginx, for the test that goes through it),
each on a free 127.0.0.1 port with its own temporary config and folders, never
the system's services or their default ports. scripts/test installs the
binaries; a test is skipped, saying why, only where one truly is missing."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.app.conftest import Frame, FrameReader

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30  # bound on a service coming up: a hang fails instead of stalling
RECEIVE_SECONDS = 30
MAX_MESSAGES = 300
LEAD_POLL_SECONDS = 0.1
NGINX_SITE = ROOT / "deploy" / "nginx.conf"  # the deployment's own, with this test's ports
NGINX_MAIN = """{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/site.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        pytest.skip(f"{name} is not installed (scripts/test installs it with apt-get)")
    return found


def wait_until(ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        assert time.monotonic() < deadline, f"{what} did not start"
        time.sleep(0.05)


def _answers(check: Callable[[], Any]) -> bool:
    try:
        check()
    except (OSError, httpx.HTTPError):
        return False
    return True


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server: no persistence, loopback only, its own folder."""
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    process = subprocess.Popen(
        [
            binary("redis-server"),
            *("--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
        ],
        stdout=subprocess.DEVNULL,
    )

    def ping() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            assert conn.recv(16).startswith(b"+PONG")

    wait_until(lambda: process.poll() is None and _answers(ping), "redis-server")
    yield f"redis://127.0.0.1:{port}/0"
    stop(process)


class Server:
    """One ``nn-playground`` process on a free loopback port."""

    def __init__(self, redis_url: str, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "NNP_ROOM_STATUS_SECONDS": "0.2", "NNP_MAX_FRAMES_PER_SECOND": "200"}
        self._log = (folder / f"server-{self.port}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "--port", str(self.port), "--redis", redis_url],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_until(
            lambda: (
                self.process.poll() is None and _answers(lambda: httpx.get(self.url, timeout=2))
            ),
            f"nn-playground on port {self.port}",
        )

    def stop(self) -> None:
        stop(self.process)
        self._log.close()


@pytest.fixture
def servers(redis_url: str, tmp_path: Path) -> Iterator[list[Server]]:
    """Two app processes sharing the Redis (per test: one test kills one)."""
    started = [Server(redis_url, tmp_path) for _ in range(2)]
    yield started
    for server in started:
        server.stop()


def start_class(base: str, query: str = "?dataset=xor") -> tuple[str, str]:
    """Start a class on ``base``; its code and the lecturer's key."""
    response = httpx.post(f"{base}/rooms", data={"query": query}, timeout=10)
    assert response.status_code == 303, response.text
    return response.headers["location"].removeprefix("/r/"), response.cookies["nnp_lecturer"]


class Socket:
    """A room's websocket as a page uses it: frames acked, fragments kept."""

    def __init__(self, base: str, code: str, key: str | None = None) -> None:
        url = base.replace("http", "ws", 1) + f"/r/{code}/ws"
        headers = {"Cookie": f"nnp_lecturer={key}"} if key else None
        self._context = connect(
            url, additional_headers=headers, open_timeout=10, close_timeout=1, max_size=None
        )
        self.connection: ClientConnection = self._context.__enter__()
        self.texts: list[str] = []
        self.read = FrameReader()  # this page's: delta maps build on its earlier frames

    def send(self, kind: str, **fields: Any) -> None:
        self.connection.send(json.dumps({"type": kind, **fields}))

    def receive(self) -> str | Frame:
        message = self.connection.recv(timeout=RECEIVE_SECONDS)
        return self.read(message) if isinstance(message, bytes) else message

    def frame(self, ack: bool = True) -> Frame:
        for _ in range(MAX_MESSAGES):
            message = self.receive()
            if isinstance(message, Frame):
                if ack:
                    self.send("ack", frame=message.header["frame"])
                return message
            self.texts.append(message)
        raise AssertionError(f"no frame among {MAX_MESSAGES} messages")

    def frame_where(self, wanted: Callable[[Frame], bool]) -> Frame:
        """The first frame (each acked) that ``wanted`` accepts."""
        for _ in range(MAX_MESSAGES):
            frame = self.frame()
            if wanted(frame):
                return frame
        raise AssertionError(f"no wanted frame among {MAX_MESSAGES}")

    def waiting_frames(self) -> list[Frame]:
        """The frames that have arrived (acked), without waiting for more."""
        frames = []
        while True:
            try:
                message = self.connection.recv(timeout=0)
            except TimeoutError:
                return frames
            if isinstance(message, bytes):
                frames.append(self.read(message))
                self.send("ack", frame=frames[-1].header["frame"])

    def fragment(self, needle: str) -> str:
        """The next fragment containing ``needle`` (frames on the way are acked)."""
        for _ in range(MAX_MESSAGES):
            message = self.receive()
            if isinstance(message, Frame):
                self.send("ack", frame=message.header["frame"])
            elif needle in message:
                return message
        raise AssertionError(f"no fragment with {needle!r}")

    def close(self) -> None:
        self._context.__exit__(None, None, None)


def lead_until(lecturer: Socket, student: Socket, wanted: Callable[[Frame], bool]) -> Frame:
    """Wait for a student's frame that ``wanted`` accepts, while the lecturer's page
    acks its own frames as a page does (a follower catching up waits for the leader's
    next frame, which waits for the lecturer's ack)."""
    for _ in range(MAX_MESSAGES):
        found = [frame for frame in student.waiting_frames() if wanted(frame)]
        if found:
            return found[0]
        try:
            message = lecturer.connection.recv(timeout=LEAD_POLL_SECONDS)
        except TimeoutError:
            continue
        if isinstance(message, bytes):
            lecturer.send("ack", frame=lecturer.read(message).header["frame"])
    raise AssertionError(f"no wanted frame after {MAX_MESSAGES} polls")


@pytest.fixture
def sockets() -> Iterator[Callable[..., Socket]]:
    opened: list[Socket] = []

    def open_socket(base: str, code: str, key: str | None = None) -> Socket:
        opened.append(Socket(base, code, key))
        return opened[-1]

    yield open_socket
    for opened_socket in opened:
        opened_socket.close()


@pytest.fixture
def nginx(servers: list[Server], tmp_path: Path) -> Iterator[str]:
    """Real nginx on a free loopback port, proxying to both app processes (websocket
    upgrades included), with its config rendered for this test's ports."""
    executable = binary("nginx")
    port = free_port()
    folder = tmp_path / "nginx"
    folder.mkdir()
    site = NGINX_SITE.read_text()
    upstreams = "\n    ".join(f"server 127.0.0.1:{s.port};" for s in servers)
    site = site.replace("server app:8000;", upstreams).replace(
        "listen 80;", f"listen 127.0.0.1:{port};"
    )
    (folder / "site.conf").write_text(site)
    # As root (CI), workers would switch to a user who cannot enter this test's folder.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(NGINX_MAIN.format(user=user, dir=folder))
    process = subprocess.Popen(
        [executable, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until(
        lambda: process.poll() is None and _answers(lambda: httpx.get(base, timeout=2)), "nginx"
    )
    yield base
    stop(process)
