"""A class in real browsers: a lecturer and two students, each in their own context."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_presenter import output_map_is_on_screen

pytestmark = pytest.mark.e2e
SIZE = {"width": 1280, "height": 720}
EPOCH_AT_LEAST = "n => Number(document.getElementById('epoch').textContent.replace(',', '')) >= n"
EPOCH_IS = "n => Number(document.getElementById('epoch').textContent.replace(',', '')) === n"
TICKS = "n => (document.getElementById('room-class').textContent.match(/✓/g) || []).length === n"


def epoch(page) -> int:
    return int(page.locator("#epoch").inner_text().replace(",", ""))


def class_of_300_stays_in_its_panel(page) -> bool:
    """With the table's first row copied to 300 (as a tick of a full class would
    send), the Class tab scrolls within the window and the output stays on screen."""
    return page.evaluate(
        """() => {
          const body = document.querySelector('#room-class tbody');
          const row = body.querySelector('tr');
          for (let i = body.rows.length; i < 300; i++) body.append(row.cloneNode(true));
          const bottom = (id) => document.getElementById(id).getBoundingClientRect().bottom;
          const table = document.querySelector('.room-table');
          return bottom('room-panel') <= innerHeight && table.scrollHeight > table.clientHeight
            && bottom('output-chart') <= innerHeight;
        }"""
    )


def test_a_lecturer_leads_two_students_who_follow_read_only(browser, server, screenshots):
    lecturer_context = browser.new_context(viewport=SIZE)
    lecturer = lecturer_context.new_page()
    lecturer.set_default_timeout(30_000)
    lecturer.goto(f"{server.url}/?dataset=spiral&hidden=6,4")
    lecturer.click("#start-class")
    lecturer.wait_for_selector("#room-code")
    code = lecturer.inner_text("#room-code")
    students = []
    for name in ("Ada", "<b>Bob</b>"):
        page = browser.new_context(viewport=SIZE).new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{server.url}/")
        page.fill("#join-code", code.lower())
        page.click("#room-start button[type=submit]:has-text('Join')")
        page.wait_for_selector("#room-status[data-mode=following]")
        page.fill("#room-nickname input", name)
        page.click("#room-nickname button")
        students.append(page)
    lecturer.wait_for_function(
        "[...document.querySelectorAll('.room-nick')].map(e => e.textContent).join('|')"
        " === 'Ada|<b>Bob</b>'"
    )
    assert lecturer.locator(".room-nick").all_inner_texts() == ["Ada", "<b>Bob</b>"]  # escaped
    # Under each name, in small print: the network, the epoch, the test loss, the parameters.
    expect(lecturer.locator(".room-facts").first).to_contain_text("epoch")
    expect(lecturer.locator(".room-facts").first).to_contain_text("params")
    lecturer.click("#step", modifiers=["Shift"])
    for page in students:
        page.wait_for_function(EPOCH_AT_LEAST, arg=1)
        assert page.locator("#room-mode").inner_text().startswith("Following the lecturer")
    # A following student's controls are read-only: a click sends nothing.
    students[0].click("#play", force=True)
    assert epoch(students[0]) == epoch(lecturer) == 1
    # One compact bar: the playground, its output map included, stays in a 1280×720 window.
    lecturer.wait_for_selector("#room-count:has-text('2 students · 2 following · 0 exploring')")
    for page in (lecturer, *students):
        assert output_map_is_on_screen(page)
    lecturer.screenshot(path=str(screenshots / "room-lecturer.png"))
    students[0].screenshot(path=str(screenshots / "room-student.png"))
    # The QR code shows large for the class to scan, and folds away again.
    lecturer.click("#room-qr-show")
    assert lecturer.locator("#room-qr-large img").bounding_box()["height"] >= 300
    lecturer.keyboard.press("Escape")
    assert lecturer.locator("#room-qr-large").is_hidden()
    assert class_of_300_stays_in_its_panel(lecturer)
    lecturer.click("#room-release")
    students[1].click("#room-fork")
    students[1].wait_for_selector("#room-status[data-mode=exploring]")
    students[1].click("#step", modifiers=["Shift"])
    students[1].wait_for_function(EPOCH_AT_LEAST, arg=2)
    assert epoch(lecturer) == 1  # the fork trains on its own
    lecturer.wait_for_selector("#room-class tr.room-exploring")
    # The spotlight: the class, the lecturer included, watches Bob's fork, then the lecturer's run.
    lecturer.click("#room-class tr.room-exploring button:has-text('Spotlight')")
    lecturer.wait_for_function(EPOCH_AT_LEAST, arg=2)
    students[0].wait_for_function(EPOCH_AT_LEAST, arg=2)
    lecturer.click("#room-spotlight-off")
    lecturer.wait_for_function(EPOCH_IS, arg=1)
    students[0].wait_for_function(EPOCH_IS, arg=1)
    # A challenge any fork meets: both students fork, and the leaderboard ranks them.
    lecturer.click(".room-challenge-box summary")
    lecturer.select_option("#room-challenge select[name=dataset]", "spiral")
    lecturer.fill("#room-challenge input[name=threshold]", "0")
    lecturer.click("#room-challenge button[type=submit]")
    students[0].click("#room-fork")
    students[0].wait_for_selector("#room-status[data-mode=exploring]")
    for page in students:
        page.click("#step", modifiers=["Shift"])
    lecturer.wait_for_function(TICKS, arg=2)
    for page in students:
        page.wait_for_selector("#room-goal:has-text('of 2')")
    lecturer.screenshot(path=str(screenshots / "room-challenge.png"))
    places = sorted(page.locator("#room-goal").inner_text() for page in students)
    assert [text.split("place ")[1] for text in places] == ["1 of 2", "2 of 2"]
    lecturer.click("#room-recall")
    students[1].wait_for_selector("#room-status[data-mode=following]")


# Every WebSocket a page opens, so the test can drop one as a network would.
RECORD_SOCKETS = """
window.sockets = [];
const Native = window.WebSocket;
window.WebSocket = class extends Native {
  constructor(...args) {
    super(...args);
    window.sockets.push(this);
  }
};
"""
# Each change of the page's connection state, with the notice it showed.
WATCH_CONNECTION = """() => {
  window.connections = [];
  const root = document.getElementById('playground');
  new MutationObserver(() => window.connections.push(
    `${root.dataset.connected}: ${document.getElementById('connection-text').textContent}`
  )).observe(root, {attributeFilter: ['data-connected']});
}"""


def test_a_lecturers_page_reconnects_by_itself_and_the_class_carries_on(browser, server):
    lecturer_context = browser.new_context(viewport=SIZE)
    lecturer_context.add_init_script(RECORD_SOCKETS)
    lecturer = lecturer_context.new_page()
    lecturer.set_default_timeout(30_000)
    lecturer.goto(f"{server.url}/?dataset=xor")
    lecturer.click("#start-class")
    code = lecturer.inner_text("#room-code")
    student = browser.new_context(viewport=SIZE).new_page()
    student.set_default_timeout(30_000)
    student.goto(f"{server.url}/r/{code}")
    student.wait_for_selector("#room-status[data-mode=following]")
    lecturer.click("#play")
    student.wait_for_function(EPOCH_AT_LEAST, arg=2)
    lecturer.evaluate(WATCH_CONNECTION)
    lecturer.evaluate("window.sockets.at(-1).close(4000, 'dropped')")  # not a deliberate close
    lecturer.wait_for_function("window.connections.at(-1)?.startsWith('true')")
    lost = lecturer.evaluate("window.connections[0]")
    assert lost == "false: Connection to the server lost; reconnecting…"
    assert lecturer.evaluate("window.sockets.length") == 2  # one reconnect, nobody clicked
    # The lecturer leads again, still playing: the student follows on.
    resumed = epoch(lecturer)
    for page in (lecturer, student):
        page.wait_for_function(EPOCH_AT_LEAST, arg=resumed + 3)
    assert lecturer.locator("#pause").is_visible()
