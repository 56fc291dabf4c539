"""What a visit costs on the wire: everything once, then only the page itself.

Bytes as Chromium counts them (headers and compressed bodies of every HTTP
response), so the budgets are exact, not timings. The websocket's frames are
the lesson itself and are not counted.
"""

import pytest
from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

FIRST_VISIT_BYTES = 1_500_000
REPEAT_VISIT_BYTES = 50_000
PLOTLY_GZIPPED_BYTES = 400_000  # about 0.5 MB: a first visit that counts less missed Plotly


def visit(page: Page, url: str) -> int:
    """Open the page, wait for its first frame, and return the bytes its responses took."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: list[int] = []
    cdp.on("Network.loadingFinished", lambda event: sizes.append(event["encodedDataLength"]))
    page.goto(url)
    # The first frame needs every script, so every response has finished by then.
    page.wait_for_function("Number(document.getElementById('playground').dataset.frame) > 0")
    cdp.detach()
    return sum(sizes)


def test_a_first_visit_fits_its_budget_and_a_repeat_visit_fetches_only_the_page(page, server):
    first = visit(page, f"{server.url}/")
    repeat = visit(page.context.new_page(), f"{server.url}/")  # same browser cache
    print(f"first visit {first} bytes, repeat visit {repeat} bytes")
    assert PLOTLY_GZIPPED_BYTES < first <= FIRST_VISIT_BYTES
    assert 0 < repeat <= REPEAT_VISIT_BYTES
