"""A wheel must carry the page and the lessons: every template, static file and built-in
lesson is in pyproject's data-files."""

import tomllib
from pathlib import Path

from app.settings import page_dir

ROOT = Path(__file__).resolve().parents[2]
SHARE = "share/nn-playground/"


def _data_files() -> dict[str, list[str]]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return pyproject["tool"]["setuptools"]["data-files"]


def test_every_page_file_and_lesson_is_installed_with_the_wheel():
    installed = {
        path.relative_to(ROOT)
        for target, patterns in _data_files().items()
        for pattern in patterns
        for path in ROOT.glob(pattern)
        if SHARE + str(path.parent.relative_to(ROOT)) == target
    }
    page_files = {
        path.relative_to(ROOT)
        for folder in ("templates", "static", "lessons")
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and (folder != "lessons" or path.suffix == ".toml")
    }
    assert page_files - installed == set()


def test_a_checkout_serves_the_page_from_beside_the_packages():
    assert page_dir("templates") == ROOT / "templates"
    assert page_dir("static") == ROOT / "static"
