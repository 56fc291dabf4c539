"""A class in real browsers: a lecturer and two students, each in their own context."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e
DOCS = Path(__file__).resolve().parents[2] / "docs"
SIZE = {"width": 1280, "height": 720}
EPOCH_AT_LEAST = "n => Number(document.getElementById('epoch').textContent.replace(',', '')) >= n"


def epoch(page) -> int:
    return int(page.locator("#epoch").inner_text().replace(",", ""))


def test_a_lecturer_leads_two_students_who_follow_read_only(browser, server):
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
    lecturer.click("#step", modifiers=["Shift"])
    for page in students:
        page.wait_for_function(EPOCH_AT_LEAST, arg=1)
        assert page.locator("#room-mode").inner_text().startswith("Following the lecturer")
    # A following student's controls are read-only: a click sends nothing.
    students[0].click("#play", force=True)
    assert epoch(students[0]) == epoch(lecturer) == 1
    lecturer.screenshot(path=str(DOCS / "room-lecturer.png"))
    students[0].screenshot(path=str(DOCS / "room-student.png"))
    lecturer.click("#room-release")
    students[1].click("#room-fork")
    students[1].wait_for_selector("#room-status[data-mode=exploring]")
    students[1].click("#step", modifiers=["Shift"])
    students[1].wait_for_function(EPOCH_AT_LEAST, arg=2)
    assert epoch(lecturer) == 1  # the fork trains on its own
    lecturer.wait_for_selector("#room-class tr.room-exploring")
    lecturer.click("#room-recall")
    students[1].wait_for_selector("#room-status[data-mode=following]")
