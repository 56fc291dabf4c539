"""Server limits: the session cap, the idle timeout, and tabs that leave nothing behind."""

import asyncio
import gc
import weakref

import pytest
from starlette.websockets import WebSocketDisconnect

from app.session import Session
from app.settings import Settings

FAST = {"max_frames_per_second": 1000.0}


async def live_pumps() -> list[asyncio.Task]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "nnp-pump" and not t.done()]


@pytest.mark.parametrize("settings", [Settings(max_sessions=2, **FAST)])
def test_over_the_cap_a_tab_is_told_the_server_is_full_and_the_others_go_on(client, connect):
    tabs = [connect(), connect()]
    for tab in tabs:
        tab.frame()
    with client.websocket_connect("/ws") as socket:
        banner = socket.receive_text()
        assert 'class="banner banner-error"' in banner and "The server is full" in banner
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_text()
    assert closed.value.code == 1013
    for tab in tabs:
        assert tab.roundtrip("step", unit="batch").header["step"] == 1


@pytest.mark.parametrize("settings", [Settings(max_sessions=1, **FAST)])
def test_a_closed_tab_frees_its_place(client, connect):
    with client.websocket_connect("/ws") as socket:
        socket.receive_bytes()
    connect().frame()


@pytest.mark.parametrize("settings", [Settings(idle_timeout=0.2, **FAST)])
def test_an_idle_tab_is_told_and_disconnected(app, client):
    with client.websocket_connect("/ws") as socket:
        socket.receive_bytes()
        banner = socket.receive_text()
        assert "banner-warning" in banner and "idle" in banner
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_text()
    assert closed.value.code == 1000
    assert not app.state.sessions


def test_closed_tabs_leave_no_task_and_no_session_behind(app, client, connect):
    tabs = [connect(query) for query in ("", "dataset=spiral&hidden=8,8", "n_points=5000")]
    for tab in tabs:
        tab.frame()
        tab.send("speed", epochs_per_frame=100)  # long, sliced work in flight at close
        tab.send("play")
    tab.frame()
    sessions = [weakref.ref(session) for session in app.state.sessions]
    assert len(sessions) == 3 and len(client.portal.call(live_pumps)) == 3
    for tab in tabs:
        tab.socket.__exit__(None, None, None)
    for _ in range(100):  # a cancelled pump ends on its next turn of the event loop
        if not client.portal.call(live_pumps):
            break
    assert client.portal.call(live_pumps) == []
    assert not app.state.sessions
    gc.collect()
    assert all(ref() is None for ref in sessions)


def test_a_failing_session_is_logged_and_its_tab_closed_with_an_internal_error(
    client, monkeypatch, caplog
):
    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(Session, "_frame", broken)
    with client.websocket_connect("/ws") as socket, pytest.raises(WebSocketDisconnect) as closed:
        socket.receive_bytes()
    assert closed.value.code == 1011
    assert "session pump failed" in caplog.text and "boom" in caplog.text
