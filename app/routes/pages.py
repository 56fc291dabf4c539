"""Full HTML documents: the playground page, and a health check."""

import base64
import re
from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from app.error_slots import place
from app.export_scripts import SCRIPTS
from app.lessons import Lesson
from app.page_query import Opened, read_query
from app.url_state import config_to_query
from engine.activations import ACTIVATIONS, OUTPUT_ACTIVATIONS
from engine.config import ExperimentConfig
from engine.datasets import AXIS_LABELS, DATASETS
from engine.errors import InputError
from engine.features import FEATURES, transform
from engine.initializers import INITIALIZERS
from engine.losses import LOSSES
from engine.optimizers import OPTIMIZERS
from engine.regularization import REGULARIZERS
from engine.snapshot import EXTENT, grid_points

router = APIRouter()

# TensorFlow Playground's menus, so its users find the same choices.
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
REGULARIZATION_RATES = (0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10)
# Early stopping's patience in epochs; the menu's blank choice is "off" (None).
PATIENCES = (10, 20, 50)
# Epochs per frame; fractions are slow motion (that share of an epoch per frame).
SPEEDS = (0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100)
# The page's +/- buttons stop where the reference does; a URL may ask for more.
PAGE_MAX_LAYERS = 6
PAGE_MAX_NEURONS = 8

# "lectures attended (0–12)": a title and the units that [-6, 6] stands for.
UNITS = re.compile(r"(?P<title>.+) \((?P<lo>-?[\d.]+)–(?P<hi>-?[\d.]+)\)")

THUMBNAIL_POINTS = 160
THUMBNAIL_GRID = 24
THUMBNAIL_SEED = 0


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    """The playground, its controls set from the URL's config (and lesson step)."""
    lessons: dict[str, Lesson] = request.app.state.lessons
    query = read_query(request.query_params, lessons)
    context = page_context(query.config, query.error, lessons, query.opened)
    # Always asked again: the page names this release's hashed asset URLs.
    return request.app.state.templates.TemplateResponse(
        request, "index.html", context, headers={"Cache-Control": "no-cache"}
    )


@router.get("/healthz", response_class=PlainTextResponse)
def healthz() -> str:
    """Liveness for load balancers and Docker's HEALTHCHECK."""
    return "ok"


def page_context(
    config: ExperimentConfig,
    error: InputError | None,
    lessons: Mapping[str, Lesson],
    opened: Opened | None = None,
) -> dict[str, Any]:
    """Everything index.html needs: the config, the menus' choices, thumbnails, lessons."""
    return {
        "config": config,
        "errors": _error_slots(error),
        "query": config_to_query(config),
        "choices": {
            "problem": ["classification", "regression"],
            "activation": list(ACTIVATIONS),
            "output": list(OUTPUT_ACTIVATIONS),
            "loss": list(LOSSES),
            "init": list(INITIALIZERS),
            "optimizer": list(OPTIMIZERS),
            "regularization": list(REGULARIZERS),
            "learning_rate": _with_current(LEARNING_RATES, config.learning_rate),
            "regularization_rate": _with_current(REGULARIZATION_RATES, config.regularization_rate),
            "early_stopping": _with_current(PATIENCES, config.early_stopping),
            "speed": SPEEDS,
        },
        "datasets": list(DATASETS.values()),
        "scripts": list(SCRIPTS.values()),
        "features": {
            group: [f for f in FEATURES.values() if f.group == group]
            for group in ("cartesian", "polar")
        },
        "lessons": list(lessons.values()),
        "page_data": {
            "defaults": ExperimentConfig().model_dump(),
            "initial": config.model_dump(),
            "max_layers": PAGE_MAX_LAYERS,
            "max_neurons": PAGE_MAX_NEURONS,
            "dataset_problem": {d.name: d.problem for d in DATASETS.values()},
            "axes": {name: [axis(x), axis(y)] for name, (x, y) in AXIS_LABELS.items()},
            "feature_labels": {f.name: f.label for f in FEATURES.values()},
            "thumbnails": thumbnails(),
            "lessons": {name: lesson_data(lesson) for name, lesson in lessons.items()},
            "lesson": {"name": opened.lesson, "step": opened.number} if opened else None,
        },
    }


def _error_slots(error: InputError | None) -> dict[str, str]:
    """A bad URL's error, keyed by the control it belongs beside (else ``general``)."""
    if error is None:
        return {}
    slot, message = place(error)
    return {slot: message}


def lesson_data(lesson: Lesson) -> dict[str, Any]:
    """What the page's lesson card and controls need of a lesson (static/js/lessons.js)."""
    return {
        "title": lesson.title,
        "steps": [
            {
                "title": step.title,
                "say": step.say,
                "ask": step.ask,
                "hide": step.hide,
                "lock": step.lock,
                "speed": step.speed,
                "config": step.config.model_dump(),
            }
            for step in lesson.steps
        ],
    }


def axis(label: str) -> dict[str, Any]:
    """An output-chart axis for a dataset's label: its title and, when the label names
    them, the units the plane's [-6, 6] maps onto (the chart's tick labels)."""
    match = UNITS.fullmatch(label)
    if match is None:
        return {"title": label, "units": None}
    return {"title": match["title"], "units": [float(match["lo"]), float(match["hi"])]}


def _with_current(menu: tuple[float, ...], current: float | None) -> list[float]:
    """The menu, plus the current value when a URL chose one off the list (None is
    the menu's blank choice, not a value of the list)."""
    return sorted({*menu, *([] if current is None else [current])})


@cache
def thumbnails() -> dict[str, Any]:
    """Dataset and feature thumbnails from the engine's own generators, as uint8 maps.

    Encoded like the frames' maps (``lo + v / 255 · (hi − lo)``, base64), so the
    page draws them with the same code as the live neuron tiles.
    """
    datasets = {}
    for dataset in DATASETS.values():
        X, y = dataset.make(THUMBNAIL_POINTS, 0.0, np.random.default_rng(THUMBNAIL_SEED))
        datasets[dataset.name] = {
            "points": _quantise(X, -EXTENT, EXTENT),
            "labels": _quantise(y, -1.0, 1.0),
        }
    plane = grid_points(THUMBNAIL_GRID)
    features = {}
    for name in FEATURES:
        values = transform(plane, [name])[:, 0]
        lo, hi = float(values.min()), float(values.max())
        features[name] = {"map": _quantise(values, lo, hi), "range": [lo, hi]}
    return {"grid": THUMBNAIL_GRID, "datasets": datasets, "features": features}


def _quantise(values: np.ndarray, lo: float, hi: float) -> str:
    """Values in [lo, hi] as base64 uint8 (clipped), row-major."""
    scaled = (np.clip(values, lo, hi) - lo) / ((hi - lo) or 1.0) * 255
    return base64.b64encode(np.round(scaled).astype(np.uint8).tobytes()).decode("ascii")
