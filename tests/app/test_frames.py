"""The frame encoder on its own: quantisation, layout, compression."""

import json
import zlib

import numpy as np

from app.frame_builder import PageState
from app.frames import (
    LEVELS,
    FrameArray,
    FrameStream,
    encode_frame,
    float_array,
    map_array,
    quantize,
    stacked_map_array,
)


def test_quantize_maps_the_range_onto_0_to_255_and_clips_outside_it():
    codes = quantize(np.array([-1.0, 1.0, -5.0, 5.0, np.nan]), -1.0, 1.0)
    assert codes.dtype == np.uint8
    assert codes.tolist() == [0, 255, 0, 255, 0]


def test_quantize_uses_evenly_spaced_levels_within_half_a_step():
    values = np.linspace(0.0, 1.0, 10_001)
    codes = quantize(values, 0.0, 1.0)
    assert len(np.unique(codes)) == LEVELS
    decoded = codes / 255.0
    assert np.abs(decoded - values).max() <= 0.5 / (LEVELS - 1) + 1 / 255


def test_a_constant_map_encodes_as_its_value():
    array = stacked_map_array("neurons", np.full((1, 3, 3), 0.25))
    assert array.ranges == [[0.25, 0.25]]
    assert (array.data == 0).all()  # lo + 0 · (hi − lo) = 0.25


def test_stacked_maps_get_one_range_per_slice_and_survive_nan():
    stack = np.stack([np.linspace(0, 2, 16).reshape(4, 4), np.full((4, 4), np.nan)])
    array = stacked_map_array("neurons", stack)
    assert array.ranges[0] == [0.0, 2.0]
    assert all(abs(bound) <= 1e6 for bound in array.ranges[1])
    assert array.data[0].min() == 0 and array.data[0].max() == 255


def test_arrays_are_laid_out_back_to_back_in_header_order(frame_reader):
    arrays = [
        map_array("odd", np.zeros((3, 3)), (-1.0, 1.0)),  # 9 bytes: no padding after them
        float_array("points", np.arange(6).reshape(3, 2)),
        FrameArray("codes", np.arange(5, dtype=np.uint8), range=(0.0, 255.0)),
    ]
    frame = frame_reader()(encode_frame({"type": "frame", "frame": 1}, arrays, compress=False))
    assert [e["name"] for e in frame.header["arrays"]] == ["odd", "points", "codes"]
    assert [e["offset"] for e in frame.header["arrays"]] == [0, 9, 33]
    np.testing.assert_array_equal(frame.raw["points"], np.arange(6).reshape(3, 2))
    assert frame.raw["points"].dtype == np.float32
    np.testing.assert_array_equal(frame.values["codes"], np.arange(5))


def test_compressed_and_plain_frames_carry_the_same_arrays(frame_reader):
    smooth = np.add.outer(np.linspace(-1, 1, 48), np.linspace(-1, 1, 48)) / 2
    arrays = [map_array("output", smooth, (-1.0, 1.0))]
    plain = encode_frame({"type": "frame"}, arrays, compress=False)
    packed = encode_frame({"type": "frame"}, arrays, compress=True)
    assert len(packed) < len(plain) / 2
    plain_frame, packed_frame = frame_reader()(plain), frame_reader()(packed)
    assert packed_frame.compressed and not plain_frame.compressed
    np.testing.assert_array_equal(plain_frame.raw["output"], packed_frame.raw["output"])


def test_float32_maps_get_short_ranges():
    array = stacked_map_array("neurons", np.full((1, 2, 2), 0.1, dtype=np.float32))
    assert array.ranges == [[0.1, 0.1]]


def test_an_array_given_twice_is_stored_once(frame_reader):
    output = map_array("output", np.linspace(-1, 1, 2304).reshape(48, 48), (-1.0, 1.0))
    twin = FrameArray("representation_output", output.data, range=output.range)
    data = encode_frame({"type": "frame"}, [output, twin], compress=False)
    frame = frame_reader()(data)
    assert [e["offset"] for e in frame.header["arrays"]] == [0, 0]
    np.testing.assert_array_equal(frame.raw["representation_output"], frame.raw["output"])
    assert len(data) < 9 + 2 * 2304


def test_the_header_is_strict_json():
    """A stray NaN becomes null, never the token NaN the browser's parser rejects."""
    data = encode_frame({"type": "frame", "loss": float("nan"), "text": "é"}, [], compress=False)
    length = int.from_bytes(data[6:10], "little")
    text = data[10 : 10 + length].decode()
    assert "NaN" not in text
    assert json.loads(text) == {"type": "frame", "loss": None, "text": "é", "arrays": []}


def test_a_pages_frames_are_one_zlib_stream_that_starts_with_a_flag():
    stream = FrameStream()
    maps = [np.full((48, 48), k, dtype=np.uint8) for k in (3, 3, 4)]
    sent = [
        encode_frame({"type": "frame", "frame": n}, [FrameArray("output", m)], True, stream)
        for n, m in enumerate(maps)
    ]
    assert [data[5] for data in sent] == [6, 2, 2]  # stream start, then streamed
    inflate = zlib.decompressobj()
    for n, data in enumerate(sent):
        body = inflate.decompress(data[10:])  # each part whole, once the ones before are
        length = int.from_bytes(data[6:10], "little")
        assert json.loads(body[:length])["frame"] == n
        assert body[length:] == maps[n].tobytes()
    alone = encode_frame({"type": "frame", "frame": 1}, [FrameArray("output", maps[1])], True)
    assert len(sent[1]) < len(alone)  # the second frame compresses against the first


def test_a_fresh_page_state_starts_a_new_stream_only_when_it_had_one():
    assert PageState(stream=FrameStream()).fresh().stream is not None
    assert PageState().fresh().stream is None
