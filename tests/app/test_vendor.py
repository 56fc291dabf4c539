"""The vendored files are exactly the pinned npm releases (static/vendor/README.md,
and tests/e2e/vendor/README.md for what only the browser tests use)."""

import hashlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "e2e" / "vendor"

PINNED = {
    # htmx.org 2.0.11, package/dist/htmx.min.js
    VENDOR / "htmx.min.js": "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
    # htmx-ext-ws 2.0.4, package/dist/ws.min.js
    VENDOR / "ws.min.js": "896afc2936ded7a56373edf16ce75b0fe9bf49c03d1f55aee9baa94cb87c8d3e",
    # plotly.js-cartesian-dist-min 4.1.1, package/plotly-cartesian.min.js
    VENDOR
    / "plotly-cartesian.min.js": "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a",
    # axe-core 4.14.1, package/axe.min.js (the accessibility check of the e2e tests)
    TEST_VENDOR / "axe.min.js": "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
}
IDS = [path.name for path in PINNED]


@pytest.mark.parametrize(("path", "sha256"), PINNED.items(), ids=IDS)
def test_vendored_file_matches_pinned_release(path: Path, sha256: str) -> None:
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256


@pytest.mark.parametrize(("path", "sha256"), PINNED.items(), ids=IDS)
def test_vendor_readme_names_the_pinned_hash(path: Path, sha256: str) -> None:
    readme = (path.parent / "README.md").read_text()
    assert path.name in readme and sha256 in readme
