"""Static files: hashed URLs cached for a year, gzipped once, the page never cached."""

import gzip
import json
import re
from pathlib import Path

import pytest

from app import assets as assets_module
from app.assets import IMMUTABLE

STATIC = Path(__file__).resolve().parents[2] / "static"
PLOTLY = "vendor/plotly-cartesian.min.js"


def hashed_urls(client) -> list[str]:
    """Every asset URL the page names: scripts, styles and the import map's targets."""
    html = client.get("/").text
    named = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    (import_map,) = re.findall(r'<script type="importmap">(.*?)</script>', html, re.S)
    return named + list(json.loads(import_map)["imports"].values())


def test_every_url_the_page_names_is_hashed_and_cached_for_a_year(client):
    urls = hashed_urls(client)
    assert any(url.startswith("/static/" + PLOTLY + "?v=") for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == IMMUTABLE, url
        path = url.removeprefix("/static/").split("?")[0]
        assert response.content == (STATIC / path).read_bytes(), url


def test_the_import_map_covers_every_module_the_modules_import(client):
    (import_map,) = re.findall(r'<script type="importmap">(.*?)</script>', client.get("/").text)
    mapped = json.loads(import_map)["imports"]
    for module in (STATIC / "js").glob("*.js"):
        for target in re.findall(r'from "\./([^"]+)"', module.read_text()):
            assert mapped[f"/static/js/{target}"].startswith(f"/static/js/{target}?v=")


def test_the_page_preloads_every_module_at_its_hashed_url(client):
    html = client.get("/").text
    (import_map,) = re.findall(r'<script type="importmap">(.*?)</script>', html)
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)
    assert sorted(preloaded) == sorted(json.loads(import_map)["imports"].values())


def test_assets_go_gzipped_to_browsers_that_take_it_and_plain_to_the_rest(client):
    url = next(u for u in hashed_urls(client) if PLOTLY in u)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert packed.num_bytes_downloaded < len(packed.content) / 2
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == packed.content == (STATIC / PLOTLY).read_bytes()
    assert plain.headers["content-type"] == "text/javascript; charset=utf-8"


def test_each_file_is_compressed_once_however_often_it_is_asked_for(client, monkeypatch):
    calls = []
    original = gzip.compress

    def counting(data, *args, **kwargs):
        calls.append(len(data))
        return original(data, *args, **kwargs)

    monkeypatch.setattr(assets_module.gzip, "compress", counting)
    url = next(u for u in hashed_urls(client) if u.startswith("/static/css/"))
    bodies = {client.get(url).content for _ in range(3)}
    assert len(bodies) == 1 and len(calls) == 1


@pytest.mark.parametrize("query", ["", "?v=0000000000000000"])
def test_a_plain_or_stale_url_is_served_but_never_cached_as_immutable(client, query):
    response = client.get(f"/static/js/main.js{query}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    again = client.get(
        f"/static/js/main.js{query}", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""


def test_unknown_files_are_not_found(client):
    assert client.get("/static/js/nothing.js").status_code == 404
    assert client.get("/static/../app/main.py").status_code == 404


def test_the_page_is_compressed_and_asked_for_again_on_every_visit(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-encoding"] == "gzip"
    assert response.num_bytes_downloaded < len(response.content) / 3
