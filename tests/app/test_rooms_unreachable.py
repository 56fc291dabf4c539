"""With ``--redis`` pointing at a Redis that does not answer, single tabs keep
working and every room page says clearly why classes are unavailable."""

import socket

import pytest

from app.cli import build_parser
from app.settings import Settings
from tests.app.conftest import FAST


def _closed_port() -> int:
    with socket.socket() as probe:  # bound, then released: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def settings() -> Settings:
    return Settings(redis_url=f"redis://127.0.0.1:{_closed_port()}/0", **FAST)


def test_single_tabs_work_and_room_pages_say_redis_is_unreachable(client, tab):
    assert client.get("/").status_code == 200
    assert tab.roundtrip("step", unit="epoch").header["epoch"] == 1  # a tab trains as ever
    started = client.post("/rooms", data={"query": ""}, follow_redirects=False)
    assert started.status_code == 503 and "cannot reach its Redis" in started.text
    for path in ("/r/ACDEFG", "/join?code=ACDEFG", "/r/ACDEFG/qr.svg"):
        page = client.get(path)
        assert page.status_code == 503 and "cannot reach its Redis" in page.text
    with client.websocket_connect("/r/ACDEFG/ws") as room:
        assert "Single playground tabs still work" in room.receive_text()


def test_redis_is_chosen_by_flag_or_environment_variable():
    url = "redis://127.0.0.1:7/0"
    assert build_parser().parse_args(["--redis", url]).redis == url
    assert Settings.from_env({"NNP_REDIS_URL": url}).redis_url == url
    assert Settings.from_env({}).redis_url == ""  # rooms in the process by default
