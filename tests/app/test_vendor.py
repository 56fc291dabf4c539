"""The vendored files are exactly the pinned npm releases (static/vendor/README.md)."""

import hashlib
from pathlib import Path

import pytest

VENDOR = Path(__file__).resolve().parents[2] / "static" / "vendor"

PINNED = {
    # htmx.org 2.0.11, package/dist/htmx.min.js
    "htmx.min.js": "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717",
    # htmx-ext-ws 2.0.4, package/dist/ws.min.js
    "ws.min.js": "896afc2936ded7a56373edf16ce75b0fe9bf49c03d1f55aee9baa94cb87c8d3e",
    # plotly.js-cartesian-dist-min 4.1.1, package/plotly-cartesian.min.js
    "plotly-cartesian.min.js": "79542150855a52c567260e3137095dbe2b744e6d702a5cabe67da246942fba7a",
}


@pytest.mark.parametrize(("name", "sha256"), PINNED.items())
def test_vendored_file_matches_pinned_release(name: str, sha256: str) -> None:
    assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == sha256


@pytest.mark.parametrize(("name", "sha256"), PINNED.items())
def test_vendor_readme_names_the_pinned_hash(name: str, sha256: str) -> None:
    readme = (VENDOR / "README.md").read_text()
    assert name in readme and sha256 in readme
