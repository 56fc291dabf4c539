"""Browser tests: a real server on a free 127.0.0.1 port, driven through Debian's chromium.

Playwright cannot download its own browsers here, so the launch arguments point
it at /usr/bin/chromium (scripts/test installs it when missing).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
STARTUP_SECONDS = 30


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test does it)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``uvicorn --factory app.main:create_app`` in a subprocess on 127.0.0.1."""

    def __init__(self, port: int | None = None, env: dict[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.env = env or {}  # extra environment variables (``NNP_*`` settings)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **self.env})
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.read() == b"ok":
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer /healthz within {STARTUP_SECONDS} s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server().start()
    yield running
    running.stop()


@pytest.fixture
def own_server() -> Iterator[Server]:
    """A server for one test alone, which it may stop and restart on the same port."""
    running = Server().start()
    yield running
    running.stop()


@pytest.fixture
def impatient_server() -> Iterator[Server]:
    """A server of its own that disconnects a tab after 3 s without a message."""
    running = Server(env={"NNP_IDLE_TIMEOUT": "3"}).start()
    yield running
    running.stop()


@dataclass
class Playground:
    """The page under test, with what it logged and requested since it opened."""

    page: Page
    base_url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    sent: list[dict] = field(default_factory=list)  # control messages, acks left out

    def open(self, query: str = "") -> "Playground":
        """Load the page (``query`` like ``"?dataset=spiral"``) and wait for its first frame."""
        self.page.goto(f"{self.base_url}/{query}")
        self.wait_for_frame_after(0)
        return self

    @property
    def frame(self) -> int:
        return int(self.page.locator("#playground").get_attribute("data-frame") or 0)

    @property
    def resets(self) -> int:
        return int(self.page.locator("#playground").get_attribute("data-resets") or 0)

    @property
    def epoch(self) -> int:
        return int(self.page.locator("#epoch").inner_text().replace(",", ""))

    @property
    def step(self) -> int:
        return int(self.page.locator("#step-count").inner_text())

    def wait_for_frame_after(self, frame: int) -> int:
        """Wait until a frame numbered above ``frame`` has been drawn; return its number."""
        self.page.wait_for_function(
            "n => Number(document.getElementById('playground').dataset.frame) > n", arg=frame
        )
        return self.frame

    def wait_for_epoch(self, at_least: int) -> int:
        self.page.wait_for_function(
            "n => Number(document.getElementById('epoch').textContent.replace(',', '')) >= n",
            arg=at_least,
        )
        return self.epoch

    def wait_until_paused(self) -> None:
        self.page.wait_for_function(
            "document.getElementById('playground').dataset.playing === 'false'"
        )

    def output_image(self) -> str:
        """The map the big output chart shows now (a data URL of its picture)."""
        return self.page.evaluate("document.getElementById('output-chart').layout.images[0].source")

    def weights(self) -> list[float]:
        """Every link's weight, as drawn in the network diagram."""
        return self.page.eval_on_selector_all(
            "#links .link-hit", "paths => paths.map(p => Number(p.dataset.weight))"
        )

    def record_sent(self, payload: str | bytes) -> None:
        message = json.loads(payload)
        if message.get("type") != "ack":
            message.pop("HEADERS", None)
            self.sent.append(message)

    def press(self, button_id: str) -> int:
        """Click a button and wait for the frame it causes; return that frame's number."""
        before = self.frame
        self.page.click(f"#{button_id}")
        return self.wait_for_frame_after(before)


@pytest.fixture
def playground(page: Page, server: Server) -> Iterator[Playground]:
    """The page, watched; whatever a test does, the page must log no error."""
    watched = Playground(page, server.url)
    page.on("console", lambda m: m.type == "error" and watched.console_errors.append(m.text))
    page.on("pageerror", lambda e: watched.console_errors.append(str(e)))
    page.on("request", lambda r: watched.requests.append(r.url))
    page.on("websocket", lambda ws: ws.on("framesent", watched.record_sent))
    page.set_default_timeout(30_000)  # a cold server compiles its kernels on first use
    yield watched
    assert watched.console_errors == []


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where a test saves its screenshots: ``NNP_SCREENSHOTS`` when set (e.g. ``docs``,
    to refresh the pictures the docs show), else a temporary folder, so a test run
    never rewrites a tracked file."""
    folder = os.environ.get("NNP_SCREENSHOTS")
    return Path(folder).resolve() if folder else tmp_path
