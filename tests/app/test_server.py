"""Against a real uvicorn on 127.0.0.1: the stream, the cap, and clean disconnects."""

import asyncio
import contextlib
import json
import logging
import time
import urllib.request

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.settings import Settings

SETTINGS = Settings(max_sessions=2, max_frames_per_second=1000.0)


def ws_url(live_server, query: str = "") -> str:
    return live_server.url.replace("http", "ws", 1) + "/ws?" + query


async def live_pumps() -> int:
    return sum(t.get_name() == "nnp-pump" and not t.done() for t in asyncio.all_tasks())


def test_healthz_answers_ok(live_server):
    with urllib.request.urlopen(live_server.url + "/healthz", timeout=5) as response:
        assert response.read() == b"ok"


@pytest.mark.parametrize("settings", [SETTINGS])
def test_tabs_stream_frames_and_leave_nothing_behind(live_server, frame_reader):
    with contextlib.ExitStack() as stack:
        queries = ("", "dataset=spiral&hidden=8,8")
        tabs = [stack.enter_context(connect(ws_url(live_server, q))) for q in queries]
        stream_from(tabs, frame_reader)
        assert live_server.call(live_pumps()) == 2
    wait_for_no_sessions(live_server)


def wait_for_no_sessions(live_server) -> None:
    """The server ends every pump and forgets every session of a closed tab (within 5 s)."""
    deadline = time.monotonic() + 5
    while live_server.call(live_pumps()) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert live_server.call(live_pumps()) == 0
    assert not live_server.app.state.sessions


def stream_from(tabs, frame_reader) -> None:
    readers = {tab: frame_reader() for tab in tabs}
    for tab in tabs:
        first = readers[tab](tab.recv(timeout=10))
        assert first.header["reset"] is True and "train_points" in first.raw
        tab.send(json.dumps({"type": "ack", "frame": first.header["frame"]}))
        tab.send(json.dumps({"type": "play"}))
    for tab in tabs:
        epochs = []
        for _ in range(5):
            frame = readers[tab](tab.recv(timeout=10))
            epochs.append(frame.header["epoch"])
            tab.send(json.dumps({"type": "ack", "frame": frame.header["frame"]}))
        assert epochs == sorted(epochs) and epochs[-1] >= 5


@pytest.mark.parametrize("settings", [SETTINGS])
def test_over_the_cap_a_tab_is_closed_with_try_again_later(live_server):
    with contextlib.ExitStack() as stack:
        tabs = [stack.enter_context(connect(ws_url(live_server))) for _ in range(2)]
        for tab in tabs:
            tab.recv(timeout=10)
        with connect(ws_url(live_server)) as extra:
            assert "The server is full" in extra.recv(timeout=10)
            with pytest.raises(ConnectionClosed) as closed:
                extra.recv(timeout=10)
        assert closed.value.rcvd.code == 1013
        for tab in tabs:  # the tabs already in are unaffected
            tab.send(json.dumps({"type": "config", "learning_rate": "oops"}))
            assert 'id="error-learning_rate"' in tab.recv(timeout=10)


@pytest.mark.parametrize("settings", [SETTINGS])
def test_a_tab_that_breaks_the_protocol_with_an_answer_on_its_way_goes_quietly(live_server, caplog):
    server_log = logging.getLogger("uvicorn.error")
    server_log.addHandler(caplog.handler)
    try:
        with connect(ws_url(live_server)) as tab:
            tab.recv(timeout=10)
            with tab.send_context():  # one write: the server reads both before it answers
                tab.protocol.send_text(b'{"type": "dance"}')
                tab.protocol.send_text(b"\xff\xfe")  # not UTF-8: the server closes with 1007
            with pytest.raises(ConnectionClosed) as closed:
                for _ in range(10):
                    tab.recv(timeout=10)
        assert closed.value.sent.code == 1007
        wait_for_no_sessions(live_server)
    finally:
        server_log.removeHandler(caplog.handler)
    assert "Exception in ASGI application" not in caplog.text
    assert "session pump failed" not in caplog.text
