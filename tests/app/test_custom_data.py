"""CSV uploads of custom points (app/custom_data.py, docs/formats.md)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.custom_data import (
    KEY,
    MAX_BYTES,
    MAX_POINTS,
    check_size,
    decode,
    parse_points_csv,
    points_csv,
    rescale_to_plot,
)
from engine import InputError, Trainer
from engine.datasets import generate


def _error(text: str, problem: str = "classification") -> str:
    with pytest.raises(InputError) as caught:
        parse_points_csv(text, problem)
    assert caught.value.key == KEY
    return caught.value.message


# --- what is accepted ---------------------------------------------------------


def test_plain_rows_without_a_header():
    parsed = parse_points_csv("1,2,1\n-3.5,4e-1,-1\n", "classification")
    np.testing.assert_array_equal(parsed.X, [[1, 2], [-3.5, 0.4]])
    np.testing.assert_array_equal(parsed.y, [1, -1])
    assert parsed.header is None
    assert parsed.classes == ("-1", "1")
    assert parsed.n_classes == 2


def test_a_non_numeric_first_row_is_a_header():
    parsed = parse_points_csv("lectures,hours,passed\n1,2,1\n3,4,-1\n", "classification")
    assert parsed.header == ("lectures", "hours", "passed")
    assert len(parsed.X) == 2


def test_zero_one_labels_map_to_minus_one_and_plus_one():
    parsed = parse_points_csv("0,0,0\n1,1,1\n2,2,1\n", "classification")
    np.testing.assert_array_equal(parsed.y, [-1, 1, 1])
    assert parsed.classes == ("0", "1")


def test_two_class_names_map_in_sorted_order_and_report_the_mapping():
    parsed = parse_points_csv("1,1,pass\n2,2,fail\n3,3,pass\n", "classification")
    assert parsed.classes == ("fail", "pass")  # fail → -1, pass → +1
    np.testing.assert_array_equal(parsed.y, [1, -1, 1])


def test_numeric_labels_sort_by_value_not_text():
    parsed = parse_points_csv("0,0,10\n1,1,9\n2,2,10\n", "classification")
    assert parsed.classes == ("9", "10")
    np.testing.assert_array_equal(parsed.y, [1, -1, 1])


def test_labels_that_are_the_same_number_are_one_class():
    parsed = parse_points_csv("0,0,1\n1,1,1.0\n2,2,-1\n", "classification")
    assert parsed.n_classes == 2
    np.testing.assert_array_equal(parsed.y, [1, 1, -1])


def test_three_to_six_names_become_class_indices():
    rows = "".join(f"{i},{i},{name}\n" for i, name in enumerate(["dog", "cat", "bird", "cat"]))
    parsed = parse_points_csv(rows, "classification")
    assert parsed.classes == ("bird", "cat", "dog")
    np.testing.assert_array_equal(parsed.y, [2, 1, 0, 1])
    assert parsed.n_classes == 3


def test_regression_labels_are_numbers():
    parsed = parse_points_csv("x1,x2,height\n0,0,0.25\n1,1,-3\n", "regression")
    np.testing.assert_array_equal(parsed.y, [0.25, -3])
    assert parsed.classes == ()


def test_blank_lines_spaces_a_bom_and_windows_line_ends_are_fine():
    text = "\ufeffx1,x2,label\r\n\r\n 1 , 2 , 1 \r\n   \r\n3,4,-1\r\n\r\n"
    parsed = parse_points_csv(text, "classification")
    np.testing.assert_array_equal(parsed.X, [[1, 2], [3, 4]])
    assert parsed.header == ("x1", "x2", "label")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolons_and_tabs_separate_columns_and_allow_decimal_commas(delimiter):
    rows = [["x1", "x2", "label"], ["1,5", "-2", "a"], ["3", "4,25", "b"]]
    text = "".join(delimiter.join(row) + "\n" for row in rows)
    parsed = parse_points_csv(text, "classification")
    np.testing.assert_array_equal(parsed.X, [[1.5, -2], [3, 4.25]])


def test_quoted_cells_are_read_as_the_csv_module_reads_them():
    parsed = parse_points_csv('1,2,"red, dark"\n3,4,blue\n', "classification")
    assert parsed.classes == ("blue", "red, dark")


def test_decode_accepts_utf8_with_a_byte_order_mark():
    text = decode("\ufeffx1,x2,label\n1,2,ä\n3,4,b\n".encode())
    assert parse_points_csv(text, "classification").classes == ("b", "ä")


def test_exactly_the_point_limit_is_accepted():
    rows = "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(MAX_POINTS))
    assert len(parse_points_csv(rows, "classification").X) == MAX_POINTS


# --- what is refused, and how it is said --------------------------------------


def test_a_bad_number_names_its_line_and_column():
    text = "x1,x2,label\n" + "1,2,1\n" * 15 + "3,abc,-1\n"
    assert _error(text) == "line 17, column 2: 'abc' is not a number"


def test_line_numbers_count_blank_lines():
    assert _error("1,2,1\n\n\nx,2,1\n").startswith("line 4, column 1:")


@pytest.mark.parametrize("cell", ["nan", "inf", "-Infinity", "1e999"])
def test_non_finite_coordinates_are_refused(cell):
    assert _error(f"1,2,1\n{cell},2,-1\n") == f"line 2, column 1: {cell!r} is not a finite number"


def test_a_long_bad_cell_is_shortened_in_the_message():
    message = _error("1,2,1\n" + "z" * 10_000 + ",2,1\n")
    assert len(message) < 80 and "…" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,2,1\n3,4\n", "line 2: expected 3 columns (x1, x2, label), found 2"),
        ("1,2,1,0\n", "line 1: expected 3 columns (x1, x2, label), found 4"),
        ("1,2,1\n3,4,\n", "line 2, column 3: the label is empty"),
    ],
)
def test_wrong_column_counts_and_empty_labels(text, expected):
    assert _error(text) == expected


@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"])
def test_an_empty_file_is_refused(text):
    assert "the file is empty" in _error(text)


def test_a_header_alone_is_refused():
    assert "only a header" in _error("x1,x2,label\n")


def test_one_point_is_too_few():
    assert "at least 2 points" in _error("1,2,1\n")


def test_one_class_only_is_refused():
    assert _error("1,2,yes\n3,4,yes\n") == (
        "every point has the label 'yes'; a classifier needs two classes"
    )


def test_more_than_six_classes_is_refused():
    rows = "".join(f"{i},{i},c{i}\n" for i in range(7))
    assert "7 different labels" in _error(rows)
    assert "at most 6 classes" in _error(rows)


def test_more_than_the_point_limit_is_refused():
    rows = "".join(f"{i % 7},{i % 5},{i % 2}\n" for i in range(MAX_POINTS + 1))
    assert "more than 5,000 points" in _error(rows)


def test_a_regression_label_must_be_a_number():
    assert _error("1,2,0.5\n3,4,tall\n", "regression") == (
        "line 2, column 3: 'tall' is not a number (a regression label must be one)"
    )


def test_a_header_in_the_middle_is_a_bad_row():
    assert _error("1,2,1\nx1,x2,label\n3,4,-1\n") == "line 2, column 1: 'x1' is not a number"


def test_a_huge_text_fails_fast_on_its_length():
    message = _error("1,2,1\n" * (10 << 20))  # 60 MiB
    assert message.startswith("the file is 60.0 MiB; the limit is 1.0 MiB")


def test_multibyte_text_counts_its_bytes():
    row = "1,2," + "ü" * 10 + "\n"  # 15 characters, 25 bytes
    text = row * (MAX_BYTES // len(row))
    assert len(text) <= MAX_BYTES < len(text.encode())
    assert "the limit is 1.0 MiB" in _error(text)


def test_check_size_refuses_by_length_alone():
    check_size(MAX_BYTES)
    with pytest.raises(InputError, match=r"50\.0 MiB"):
        check_size(50 << 20)


def test_decode_refuses_binary_files():
    with pytest.raises(InputError, match="not plain text"):
        decode(b"\x89PNG\r\n\x1a\n\xff\xfe")


def test_an_unknown_problem_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown problem"):
        parse_points_csv("1,2,1\n3,4,-1\n", "clustering")


# --- points outside the plotted square ----------------------------------------


def test_points_outside_the_plot_are_flagged_not_refused():
    inside = parse_points_csv("-6,6,1\n0,0,-1\n", "classification")
    outside = parse_points_csv("-6,6.5,1\n0,0,-1\n", "classification")
    assert not inside.outside_plot
    assert outside.outside_plot


def test_rescale_fits_the_bounding_box_in_the_plot_keeping_its_aspect():
    X = np.array([[100.0, 10.0], [300.0, 20.0], [200.0, 50.0]])
    scaled = rescale_to_plot(X)
    np.testing.assert_allclose(scaled.min(axis=0), [-5.5, -1.1])
    np.testing.assert_allclose(scaled.max(axis=0), [5.5, 1.1])
    # One scale for both axes: distances shrink by the same factor everywhere.
    ratio = np.linalg.norm(scaled[0] - scaled[1]) / np.linalg.norm(X[0] - X[1])
    assert ratio == pytest.approx(5.5 / 100)
    assert np.linalg.norm(scaled[1] - scaled[2]) / np.linalg.norm(X[1] - X[2]) == pytest.approx(
        ratio
    )


def test_rescale_of_identical_points_centres_them():
    np.testing.assert_array_equal(rescale_to_plot(np.full((3, 2), 9.0)), np.zeros((3, 2)))


# --- export, and what the engine makes of it ----------------------------------


@pytest.mark.parametrize(
    ("name", "problem"), [("spiral", "classification"), ("multi-gauss", "regression")]
)
@pytest.mark.parametrize("header", [True, False])
def test_points_csv_round_trips_exactly(name, problem, header):
    X, y = generate(name, 300, 0.3, np.random.default_rng(5))
    parsed = parse_points_csv(points_csv(X, y, header=header), problem)
    np.testing.assert_array_equal(parsed.X, X)
    np.testing.assert_array_equal(parsed.y, y)
    assert parsed.header == (("x1", "x2", "label") if header else None)


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(finite, finite, finite), min_size=2, max_size=30))
def test_any_finite_regression_data_round_trips(rows):
    X = np.array([r[:2] for r in rows])
    y = np.array([r[2] for r in rows])
    parsed = parse_points_csv(points_csv(X, y), "regression")
    np.testing.assert_array_equal(parsed.X, X)
    np.testing.assert_array_equal(parsed.y, y)


def test_an_upload_trains():
    X, y = generate("xor", 200, 0.0, np.random.default_rng(0))
    parsed = parse_points_csv(points_csv(X, (y + 1) / 2), "classification")  # 0/1 labels
    trainer = Trainer.from_config({"dataset": "custom"}, data=(parsed.X, parsed.y), kernels=False)
    trainer.epoch()
    assert trainer.epoch_count == 1
