"""The binary frame format (docs/protocol.md): magic, version, flags, JSON header, arrays.

This file knows bytes, not training: it quantises maps to uint8, turns a map
into its difference from the codes a page already has (``delta``), lays the
arrays out back to back with no padding (the page copies each array out of
the section, so none needs an aligned offset), lists them in the header's
``arrays`` table and, when asked, zlib-compresses the header and the arrays
together: each frame on its own, or (``FrameStream``) as the next part of one
stream per page, so a frame's header keys and unchanged maps compress against
the frames before it.
"""

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
from isal import isal_zlib

from app import fast_codes

MAGIC = b"NNPF"
VERSION = 2
PREFIX = struct.Struct("<4sBBI")  # magic, version, flags, header length
COMPRESSED = 1  # the flag: everything after the prefix is one zlib stream
STREAMED = 2  # the flag: everything after the prefix continues the page's zlib stream
STREAM_START = 4  # with STREAMED: a new stream starts here (the page drops the old one)
# Compressed by ISA-L (python-isal), whose deflate makes the same zlib streams
# as zlib for the page's DecompressionStream at twice to four times the speed:
# a default frame through 400 pages' streams in turn took ~24 µs for 1.08 KB,
# where zlib took ~45 µs for 1.2 KB at level 1 with a 16 KB window (the fastest
# zlib setting measured: python -m bench.compression).
ZLIB_LEVEL = 1  # of ISA-L's 0–3: level 0's frames are ~25% larger for ~4 µs less
# 64 shades per map: twice TensorFlow Playground's 30, and 6-bit codes compress well.
LEVELS = 64
BOUND = 1e6  # a map's range is clipped to ±BOUND (a diverged network's values are not)

Array = np.ndarray
Range = tuple[float, float]
# The dtypes a frame carries, by name (a dict lookup: ``dtype.name`` is slow).
DTYPE_NAMES = {np.dtype(np.uint8): "uint8", np.dtype(np.float32): "float32"}


@dataclass(slots=True)  # not frozen: a frame makes ~8, and frozen fields cost ~0.5 µs each
class FrameArray:
    """One entry of the arrays section; uint8 maps say how to decode them."""

    name: str
    data: Array
    range: Range | None = None  # the whole array's [lo, hi]
    ranges: list[list[float]] | None = None  # or one [lo, hi] per first-axis slice
    delta: bool = False  # codes minus the page's codes of this name, mod 256

    def entry(self, offset: int) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "name": self.name,
            "dtype": DTYPE_NAMES[self.data.dtype],
            "shape": list(self.data.shape),
            "offset": offset,
        }
        if self.ranges is not None:
            entry["ranges"] = self.ranges
        elif self.range is not None:
            entry["range"] = list(self.range)
        if self.delta:
            entry["delta"] = True
        return entry


def quantize(values: Array, lo: Array | float, hi: Array | float) -> Array:
    """Values in [lo, hi] as uint8 codes (clipped; non-finite values become lo).

    ``lo`` and ``hi`` are floats, or arrays that broadcast against ``values``.
    Only ``LEVELS`` evenly spaced codes of the 256 are used: the page decodes
    any code the same way, and the maps compress to about half the bytes.
    """
    span = hi - lo
    if isinstance(span, int | float):  # a Python float keeps float32 maps in float32: half the work
        scale: Array | float = (LEVELS - 1) / span if span > 0 else 0.0
    else:
        scale = np.divide(LEVELS - 1, span, out=np.zeros_like(span), where=span > 0)
    with np.errstate(invalid="ignore", over="ignore"):  # a diverged network's inf and NaN
        steps = values - lo
        steps *= scale
    np.rint(steps, out=steps)
    np.fmax(steps, 0, out=steps)  # fmax, unlike clip, also turns NaN into 0
    np.fmin(steps, LEVELS - 1, out=steps)
    return _CODES.take(steps.astype(np.uint8))


_CODES = np.rint(np.arange(LEVELS) * (255 / (LEVELS - 1))).astype(np.uint8)


def map_array(name: str, values: Array, value_range: Range) -> FrameArray:
    """A map quantised over a fixed range."""
    lo, hi = value_range
    if fast_codes.ready():
        bounds = np.array([[lo, hi]], dtype=float)
        codes = fast_codes.encode(values.reshape(1, -1), bounds, False, BOUND, _CODES)
        return FrameArray(name, codes.reshape(values.shape), range=value_range)
    return FrameArray(name, quantize(values, float(lo), float(hi)), range=value_range)


def stacked_map_array(name: str, stack: Array) -> FrameArray:
    """Maps (k, g, g), each quantised over its own [min, max]."""
    flat = stack.reshape(len(stack), -1)
    bounds = np.empty((len(stack), 2))
    if fast_codes.ready():
        codes = fast_codes.encode(flat, bounds, True, BOUND, _CODES)
        return FrameArray(name, codes.reshape(stack.shape), ranges=bounds.tolist())
    # fmin/fmax skip NaN and clip inf: the bounds are finite, as JSON needs. Rounded
    # bounds keep the header short, and the codes are made with the same values.
    # Float64 bounds, or float32 maps would print as -0.961899995803833.
    np.fmin.reduce(flat, axis=1, out=bounds[:, 0])
    np.fmax.reduce(flat, axis=1, out=bounds[:, 1])
    np.fmin(bounds, BOUND, out=bounds)
    np.fmax(bounds, -BOUND, out=bounds)
    bounds.round(4, out=bounds)
    codes = quantize(flat, bounds[:, :1], bounds[:, 1:])
    return FrameArray(name, codes.reshape(stack.shape), ranges=bounds.tolist())


def delta(array: FrameArray, previous: Array) -> FrameArray:
    """``array`` as the change from ``previous``, the codes its page has (same shape).

    The page adds it back mod 256. A map that trains slowly changes only along
    its contour lines, so the difference is mostly zeros and compresses to a
    third of the map (docs/protocol.md).
    """
    return FrameArray(
        array.name, array.data - previous, range=array.range, ranges=array.ranges, delta=True
    )


def float_array(name: str, values: Array) -> FrameArray:
    return FrameArray(name, np.ascontiguousarray(values, dtype=np.float32))


class FrameStream:
    """One page's zlib stream: each frame is flushed (``Z_SYNC_FLUSH``) so the page
    can read it whole, and the next one goes on from the same state."""

    def __init__(self) -> None:
        self._zlib = isal_zlib.compressobj(ZLIB_LEVEL)
        self._started = False

    def compress(self, body: bytes) -> tuple[int, bytes]:
        """The flags and bytes of the stream's next frame."""
        flags = STREAMED if self._started else STREAMED | STREAM_START
        self._started = True
        return flags, self._zlib.compress(body) + self._zlib.flush(isal_zlib.Z_SYNC_FLUSH)


def encode_frame(
    header: dict[str, Any],
    arrays: Sequence[FrameArray],
    compress: bool,
    stream: FrameStream | None = None,
) -> bytes:
    """The frame's bytes; ``header`` gains the ``arrays`` table. Compressed on its
    own, or as the next part of ``stream`` (a page's) when there is one.

    Arrays that share their data (the same object) share their bytes: the later
    entry points at the earlier one's offset.
    """
    table, chunks, offset, placed = [], [], 0, {}
    for array in arrays:
        if id(array.data) in placed:
            table.append(array.entry(placed[id(array.data)]))
            continue
        placed[id(array.data)] = offset
        table.append(array.entry(offset))
        chunks.append(array.data.tobytes())
        offset += array.data.nbytes
    # NumPy arrays in the header (the weights) become nested lists, NaN and inf null.
    text = orjson.dumps({**header, "arrays": table}, option=orjson.OPT_SERIALIZE_NUMPY)
    body = b"".join([text, *chunks])
    # The header compresses too (to half: its keys repeat), in the same call.
    flags = 0
    if compress and stream is not None:
        flags, body = stream.compress(body)
    elif compress:
        flags, body = COMPRESSED, isal_zlib.compress(body, ZLIB_LEVEL)
    return PREFIX.pack(MAGIC, VERSION, flags, len(text)) + body
