"""Points uploaded as CSV (``x1,x2,label``): parsed, checked, and written back.

The rules (delimiters, header, labels, limits) are in docs/formats.md. Every
problem raises ``InputError(KEY, …)`` naming the line and column to fix, and
nothing partial is returned.
"""

import csv
import io
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from engine.datasets import MAX_CUSTOM_POINTS
from engine.errors import InputError
from engine.grid import EXTENT
from engine.registry import lookup

Array = np.ndarray

KEY = "custom_data"  # the error slot of the upload control
MAX_BYTES = 1 << 20  # 5,000 points of full-precision floats take ~250 KB
MAX_POINTS = MAX_CUSTOM_POINTS
MAX_CLASSES = 6
RESCALE_EXTENT = 5.5  # a margin inside the plotted square, so no point sits on its edge
COLUMNS = ("x1", "x2", "label")
DELIMITERS = ("\t", ";", ",")  # in order of preference: see _delimiter
_SHOWN_CHARS = 20  # how much of a bad cell an error message quotes
MAX_NAME_CHARS = 40  # a class name: the legend and the confusion table show it whole


@dataclass(frozen=True)
class ParsedPoints:
    """An upload's points and labels, with what the page needs to describe them."""

    X: Array  # (n, 2) float64
    y: Array  # (n,): ±1 (two classes), 0 … K-1 (3 … 6 classes), or numbers (regression)
    classes: tuple[str, ...]  # label text per class, in label order; () for regression
    header: tuple[str, ...] | None  # the first row, when it named the columns
    outside_plot: bool  # some point lies outside [-6, 6]²: offer rescale_to_plot

    @property
    def n_classes(self) -> int:
        return len(self.classes)


def check_size(n_bytes: int, limit: int = MAX_BYTES) -> None:
    """Refuse an upload by its length alone, before reading or decoding it."""
    if n_bytes > limit:
        raise InputError(
            KEY,
            f"the file is {_size(n_bytes)}; the limit is {_size(limit)} "
            f"({MAX_POINTS:,} points). Upload fewer points.",
        )


def decode(data: bytes) -> str:
    """The text of an uploaded file (UTF-8, with or without a byte-order mark)."""
    check_size(len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(KEY, "the file is not plain text (UTF-8); save it as CSV") from None


def parse_points_csv(text: str, problem: str) -> ParsedPoints:
    """Points and labels from CSV text, for a ``classification`` or ``regression`` problem."""
    check_size(len(text))  # characters ≤ bytes: a huge text fails before encoding
    check_size(len(text.encode()))
    rows = _rows(text.removeprefix("\ufeff"))
    first = next(rows, None)
    if first is None:
        raise InputError(KEY, "the file is empty; write one point per line as x1,x2,label")
    header = None
    if first.value(0) is None or first.value(1) is None:
        header = tuple(cell.strip() for cell in first.cells)
    labeller = lookup(_LABELLERS, problem, "problem")
    points, labels = [], []
    for row in rows if header else itertools.chain([first], rows):
        if len(points) == MAX_POINTS:
            raise InputError(KEY, f"the file has more than {MAX_POINTS:,} points; remove some")
        points.append((row.number(0), row.number(1)))
        labels.append(row.label())
    if header and not points:
        raise InputError(KEY, "the file has only a header line; add points below it")
    if len(points) < 2:
        raise InputError(KEY, "the file needs at least 2 points, one per line as x1,x2,label")
    X = np.array(points)
    y, classes = labeller(labels)
    return ParsedPoints(X, y, classes, header, bool((np.abs(X) > EXTENT).any()))


@dataclass(frozen=True)
class _Row:
    """One non-blank row and the line it ends on, for error messages."""

    cells: list[str]
    line: int
    decimal_comma: bool  # "1,5" means 1.5 (the columns are not comma-separated)

    def value(self, column: int) -> float | None:
        """The cell's number, or None when it is not one."""
        text = self.cells[column].strip()
        if self.decimal_comma:
            text = text.replace(",", ".", 1)
        try:
            return float(text)
        except ValueError:
            return None

    def number(self, column: int) -> float:
        """The cell as a finite number, or an error naming its line and column."""
        cell = self.cells[column]
        value = self.value(column)
        if value is None:
            raise self.error(column, f"{_quote(cell)} is not a number")
        if not math.isfinite(value):
            raise self.error(column, f"{_quote(cell)} is not a finite number")
        return value

    def label(self) -> "_Label":
        cell = self.cells[2].strip()
        if not cell:
            raise self.error(2, "the label is empty")
        return _Label(cell, self.value(2), self)

    def error(self, column: int, message: str) -> InputError:
        return InputError(KEY, f"line {self.line}, column {column + 1}: {message}")


@dataclass(frozen=True)
class _Label:
    text: str
    value: float | None  # None when the text is not a number
    row: _Row


def _rows(text: str) -> Iterator[_Row]:
    """The non-blank rows of the text, each checked to have three cells."""
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are allowed anywhere
            if len(cells) != len(COLUMNS):
                raise InputError(
                    KEY,
                    f"line {reader.line_num}: expected 3 columns (x1, x2, label), "
                    f"found {len(cells)}",
                )
            yield _Row(cells, reader.line_num, decimal_comma=delimiter != ",")
    except csv.Error as error:
        raise InputError(KEY, f"line {reader.line_num}: {error}") from None


def _delimiter(text: str) -> str:
    """The first line's delimiter: a tab if it has one, else a semicolon, else a comma.

    Spreadsheets that write decimal commas separate columns with ";" or tabs,
    so a comma only counts when neither of those is there.
    """
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    return next((d for d in DELIMITERS if d in first_line), ",")


def _classification(labels: list[_Label]) -> tuple[Array, tuple[str, ...]]:
    """Labels to classes, sorted (by value when all are numbers, else by text).

    Two classes become -1 and +1, so 0/1 and -1/+1 files keep their meaning;
    three to six become 0 … K-1, for multi-class problems.
    """
    numeric = all(label.value is not None for label in labels)
    key_of = (lambda lab: lab.value) if numeric else (lambda lab: lab.text)
    texts: dict[float | str, str] = {}
    for label in labels:
        texts.setdefault(key_of(label), label.text)
    keys = sorted(texts)
    if len(keys) == 1:
        raise InputError(
            KEY, f"every point has the label {texts[keys[0]]!r}; a classifier needs two classes"
        )
    if len(keys) > MAX_CLASSES:
        shown = ", ".join(texts[k] for k in keys[: MAX_CLASSES + 1])
        raise InputError(
            KEY,
            f"the file has {len(keys)} different labels ({shown}, …); "
            f"at most {MAX_CLASSES} classes are allowed",
        )
    if long := next((k for k in keys if len(texts[k]) > MAX_NAME_CHARS), None):
        label = next(lab for lab in labels if key_of(lab) == long)
        raise label.row.error(
            2, f"the class name {_quote(label.text)} is longer than {MAX_NAME_CHARS} characters"
        )
    index = {key: i for i, key in enumerate(keys)}
    y = np.array([index[key_of(label)] for label in labels], dtype=float)
    if len(keys) == 2:
        y = 2 * y - 1
    return y, tuple(texts[key] for key in keys)


def _regression(labels: list[_Label]) -> tuple[Array, tuple[str, ...]]:
    """Labels as finite numbers: the targets of a regression."""
    for label in labels:
        if label.value is None or not math.isfinite(label.value):
            raise label.row.error(
                2, f"{_quote(label.text)} is not a number (a regression label must be one)"
            )
    return np.array([label.value for label in labels]), ()


_LABELLERS = {"classification": _classification, "regression": _regression}


def rescale_to_plot(X: Array) -> Array:
    """The points moved and scaled uniformly so their bounding box is centred and
    fits in [-5.5, 5.5]² (the aspect ratio is kept)."""
    low, high = X.min(axis=0), X.max(axis=0)
    half = (high - low).max() / 2
    scale = RESCALE_EXTENT / half if half > 0 else 1.0
    return (X - (low + high) / 2) * scale


def points_csv(X: Array, y: Array, header: bool = True, class_names: Sequence[str] = ()) -> str:
    """Points and labels as CSV text that ``parse_points_csv`` reads back exactly;
    with ``class_names`` (an upload's, in label order) the labels are the names."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(COLUMNS)
    for (x1, x2), label in zip(X.tolist(), y.tolist(), strict=True):
        text = class_names[class_index(label, len(class_names))] if class_names else None
        writer.writerow((repr(x1), repr(x2), text or _label_text(label)))
    return out.getvalue()


def class_index(label: float, classes: int) -> int:
    """A class label's place in label order: -1, +1 for two classes; 0 … K-1 beyond."""
    return int(label + 1) // 2 if classes == 2 else int(label)


def _label_text(value: float) -> str:
    """Whole labels without ".0" (class labels read as 1, -1, 0); others exactly."""
    return str(int(value)) if value.is_integer() else repr(value)


def _quote(cell: str) -> str:
    text = cell.strip()
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + "…"
    return repr(text)


def _size(n_bytes: int) -> str:
    if n_bytes >= 1 << 20:
        return f"{n_bytes / (1 << 20):.1f} MiB"
    return f"{n_bytes / 1024:.0f} KiB"
