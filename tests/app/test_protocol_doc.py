"""docs/protocol.md and the server agree on what a page is told when it is
turned away, and on where an oversized message stops being answered."""

import re
from pathlib import Path

import pytest

from app.cli import TRANSPORT_SIZE_FACTOR
from app.fragments import NOTICES
from app.protocol import MESSAGES
from app.settings import Settings
from engine.trainer import DIVERGED, STOPPED, WAITING

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()


def banner_levels() -> dict[str, str]:
    """What the doc says each banner's level is: ``- `LEVEL`: what, what, …`` lines."""
    section = DOC.split("Banner levels:", 1)[1].split("\n\n", 1)[0]
    return {
        use.strip(): level
        for level, uses in re.findall(r"`(\w+)`: ([^\n]+)", section)
        for use in uses.rstrip(".").split(",")
    }


@pytest.mark.parametrize("settings", [Settings(max_sessions=0, max_frames_per_second=1000.0)])
def test_the_server_full_banner_has_the_documented_level(client):
    with client.websocket_connect("/ws") as socket:
        banner = socket.receive_text()
    assert "The server is full" in banner
    assert f'class="banner banner-{banner_levels()["the server is full"]}"' in banner


def test_every_banner_has_a_documented_level():
    assert banner_levels() == {
        "divergence": "error",
        "the server is full": "error",
        "a flood that closes the tab": "error",  # test_rate_limit checks what is sent
        "an idle disconnect": "warning",  # test_limits checks what is sent
        "early stopping": "info",
        "waiting for points": "info",
    }
    assert NOTICES[DIVERGED][0] == "error" and NOTICES[STOPPED][0] == "info"
    assert NOTICES[WAITING][0] == "info"


@pytest.mark.parametrize("kind", MESSAGES)
def test_every_message_type_has_a_row_in_the_doc(kind):
    page_to_server = DOC.split("## Page → server", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"^\| (`\w+` / )?`{kind}`( / `\w+`)? \|", page_to_server, re.M), kind


def test_the_doc_says_where_oversized_messages_stop_getting_an_error_fragment():
    limit = Settings().max_message_bytes
    transport = limit * TRANSPORT_SIZE_FACTOR
    assert f"{TRANSPORT_SIZE_FACTOR} × `max_message_bytes`" in DOC
    assert f"{transport // 2**20} MiB" in DOC and "1009" in DOC
