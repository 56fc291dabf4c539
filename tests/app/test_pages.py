"""The playground page: controls set from the URL, menus from the registries,
thumbnails from the engine's generators, and nothing fetched from elsewhere."""

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.lessons import built_in_lessons
from app.lessons.controls import CONTROLS
from app.main import create_app
from app.routes.pages import (
    THUMBNAIL_POINTS,
    THUMBNAIL_SEED,
    axis,
    thumbnails,
)
from app.settings import Settings
from engine.activations import ACTIVATIONS
from engine.datasets import DATASETS
from engine.features import FEATURES
from engine.optimizers import OPTIMIZERS

STATIC = Path(__file__).resolve().parents[2] / "static"


class Elements(HTMLParser):
    """Every start tag of a document as (tag, attributes)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def where(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for t, attrs in self.found
            if t == tag and all(attrs.get(k.replace("_", "-")) == v for k, v in wanted.items())
        ]


def page(client, query: str = "") -> Elements:
    response = client.get(f"/{query}")
    assert response.status_code == 200
    return Elements(response.text)


def page_data(client, query: str = "") -> dict:
    html = client.get(f"/{query}").text
    found = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


def selected(client, query: str, name: str) -> str | None:
    html = client.get(f"/{query}").text
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return chosen.group(1) if chosen else None


def test_controls_start_from_the_urls_config(client):
    query = "?dataset=spiral&activation=relu&learning_rate=0.1&batch_norm=true&noise=0.2"
    assert selected(client, query, "activation") == "relu"
    assert selected(client, query, "learning_rate") == "0.1"
    elements = page(client, query)
    assert elements.where("button", data_dataset="spiral")[0]["aria-pressed"] == "true"
    assert elements.where("button", data_dataset="circle")[0]["aria-pressed"] == "false"
    assert "checked" in elements.where("input", name="batch_norm")[0]
    assert {a["value"] for a in elements.where("input", name="noise")} == {"0.2"}


def test_a_learning_rate_off_the_menu_is_added_and_selected(client):
    assert selected(client, "?learning_rate=0.05", "learning_rate") == "0.05"


def test_the_socket_url_carries_the_config(client):
    root = page(client, "?hidden=8,8&dataset=xor").where("div", id="playground")[0]
    assert root["ws-connect"] == "/ws?dataset=xor&hidden=8%2C8"


def test_a_bad_url_renders_the_defaults_with_the_error_beside_its_control(client):
    response = client.get("/?learning_rate=50")
    assert response.status_code == 200
    error = re.search(r'<span id="error-learning_rate"[^>]*>([^<]*)</span>', response.text)
    assert error and "above 0 and at most 10" in error.group(1)
    assert selected(client, "?learning_rate=50", "learning_rate") == "0.03"


def test_an_unknown_url_key_is_reported_in_the_general_slot(client):
    html = client.get("/?colour=red").text
    error = re.search(r'<span id="error-general"[^>]*>([^<]*)</span>', html)
    assert error and error.group(1).startswith("colour:")


@pytest.mark.parametrize(
    ("name", "registry"), [("activation", ACTIVATIONS), ("optimizer", OPTIMIZERS)]
)
def test_menus_offer_exactly_the_registrys_names(client, name, registry):
    html = client.get("/").text
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="([^"]*)"', select) == list(registry)


def test_every_dataset_and_feature_has_a_tile(client):
    elements = page(client)
    assert [a["data-dataset"] for a in elements.where("button", **{"class": "dataset-thumb"})] == [
        *DATASETS
    ]
    tiles = [a["data-feature"] for a in elements.where("button", **{"class": "tile feature-tile"})]
    assert tiles == [*FEATURES]


def test_dataset_thumbnails_come_from_the_engines_generators():
    for name, dataset in DATASETS.items():
        X, y = dataset.make(THUMBNAIL_POINTS, 0.0, np.random.default_rng(THUMBNAIL_SEED))
        encoded = thumbnails()["datasets"][name]
        points = np.frombuffer(base64.b64decode(encoded["points"]), np.uint8).reshape(-1, 2)
        labels = np.frombuffer(base64.b64decode(encoded["labels"]), np.uint8)
        # uint8 over [-6, 6]: one code is 12 / 255 wide, so a point is within half of it.
        np.testing.assert_allclose(points / 255 * 12 - 6, np.clip(X, -6, 6), atol=12 / 255 / 2)
        np.testing.assert_allclose(labels / 255 * 2 - 1, np.clip(y, -1, 1), atol=2 / 255 / 2)


def test_feature_thumbnails_span_each_features_range():
    features = thumbnails()["features"]
    grid = thumbnails()["grid"]
    for name in FEATURES:
        codes = np.frombuffer(base64.b64decode(features[name]["map"]), np.uint8)
        assert codes.size == grid * grid
        assert codes.min() == 0 and codes.max() == 255
    assert features["r"]["range"][0] == pytest.approx(0, abs=0.5)


def test_the_lessons_menu_lists_every_step_of_every_lesson_and_free_play(client):
    elements = page(client)
    buttons = elements.where("button", **{"class": "lesson-step"})
    expected = [
        (name, str(number))
        for name, lesson in built_in_lessons().items()
        for number in range(1, len(lesson.steps) + 1)
    ]
    assert [(b["data-lesson"], b["data-step"]) for b in buttons] == expected
    (free,) = elements.where("button", data_lesson="")
    assert free["aria-current"] == "true"


# Config keys with no control of their own on the page (URL or message only).
NO_CONTROL = {"n_points", "layer_activations", "seed"}


def test_every_lesson_control_names_an_element_of_the_page(client):
    named = {attrs["data-control"] for _, attrs in page(client).found if "data-control" in attrs}
    assert named == set(CONTROLS) - NO_CONTROL


def test_a_lesson_step_in_the_url_starts_from_its_config_and_adds_the_changes(client):
    data = page_data(client, "?lesson=overfitting&step=2&learning_rate=0.01")
    assert data["lesson"] == {"name": "overfitting", "step": 2}
    step = built_in_lessons()["overfitting"].steps[1]
    assert data["initial"] == {**step.config.model_dump(), "learning_rate": 0.01}
    assert data["lessons"]["overfitting"]["steps"][1]["say"] == step.say
    assert selected(client, "?lesson=overfitting&step=2", "learning_rate") == "0.003"


@pytest.mark.parametrize(
    ("query", "says"),
    [("?lesson=nope", "no lesson &#39;nope&#39;"), ("?lesson=overfitting&step=9", "steps 1 … 4")],
)
def test_an_unknown_lesson_step_in_the_url_is_shown_and_the_page_is_free_play(client, query, says):
    response = client.get(f"/{query}&noise=0.2")
    assert says in response.text
    data = page_data(client, f"{query}&noise=0.2")
    assert data["lesson"] is None and data["initial"]["noise"] == 0.2


def test_lesson_text_is_escaped_in_the_menu_and_the_page_data(tmp_path):
    (tmp_path / "evil.toml").write_text(
        'title = "<script>alert(1)</script>"\nabout = "a & b"\n[[steps]]\n'
        'title = "</script><b>x</b>"\nsay = "s"\nask = "a"\n',
        encoding="utf-8",
    )
    with TestClient(create_app(Settings(lessons=tmp_path))) as client:
        html = client.get("/").text
    assert "<script>alert(1)" not in html and "</script><b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_early_stopping_is_a_menu_of_patiences_with_off(client):
    assert selected(client, "", "early_stopping") == ""
    assert selected(client, "?early_stopping=20", "early_stopping") == "20"
    assert selected(client, "?early_stopping=35", "early_stopping") == "35"  # off the list


def test_a_dataset_axis_label_gives_the_output_chart_its_title_and_units():
    assert axis("lectures attended (0–12)") == {"title": "lectures attended", "units": [0, 12]}
    assert axis("income") == {"title": "income", "units": None}


def test_the_page_shell_has_the_lesson_card_and_the_diverged_notes(client):
    elements = page(client)
    assert "hidden" in elements.where("aside", id="lesson-card")[0]  # until a step is open
    # Over the output chart, the network and the representation.
    assert len(elements.where("div", **{"class": "diverged-note"})) == 3


def test_the_page_loads_nothing_from_another_host(client):
    elements = page(client)
    urls = [attrs.get("src") or attrs.get("href") for _, attrs in elements.found]
    urls = [u for u in urls if u and not u.startswith("data:")]
    assert urls, "the page should load its scripts and styles"
    assert all(u.startswith("/") and not u.startswith("//") for u in urls)


def test_every_script_and_style_the_page_names_is_served(client):
    elements = page(client)
    paths = [a["src"] for a in elements.where("script") if a.get("src")]
    paths += [a["href"] for a in elements.where("link", rel="stylesheet")]
    assert "/static/vendor/plotly-cartesian.min.js" in [urlsplit(p).path for p in paths]
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_every_module_import_resolves_to_a_file():
    for module in (STATIC / "js").glob("*.js"):
        for target in re.findall(r'from "(\./[^"]+)"', module.read_text()):
            assert (module.parent / target).is_file(), f"{module.name} imports {target}"


def test_the_health_check_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


def test_the_views_url_keys_are_the_pages_not_the_config(client):
    query = "?present=1&show_test=1&discretize=1&log_scale=1&pair=x1x2,x2&speed=10&noise=0.1"
    html = client.get(query).text
    errors = re.findall(r'<span id="error-[a-z_]+"[^>]*>([^<]+)</span>', html)
    assert errors == []
    assert "noise=0.1" in html and "present" not in html.split("ws-connect=")[1].split(">")[0]
