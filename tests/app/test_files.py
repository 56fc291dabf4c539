"""Files in and out of a tab's session over HTTP (app/routes/files.py) and the draw
messages: each bad file gets a clear message beside its control, and the session
keeps its last good data and model."""

import json

import numpy as np
import pytest

from tests.app.conftest import Tab

CSV = b"x1,x2,label\n1,2,fail\n3,4,pass\n0,0,fail\n1,1,pass\n-2,1,pass\n"


@pytest.fixture
def opened(connect) -> tuple[Tab, str]:
    """A tab past its first frame, and its session's token."""
    tab = connect()
    first = tab.frame()
    tab.first = first
    return tab, first.header["token"]


def error_slot(tab: Tab, key: str) -> str:
    text = tab.text()
    assert f'id="error-{key}"' in text, text
    return text


def points(frame) -> np.ndarray:
    return np.concatenate([frame.raw["train_points"], frame.raw["test_points"]])


def test_each_reset_frame_carries_the_token_and_other_frames_do_not(opened):
    tab, token = opened
    assert len(token) >= 20
    assert "token" not in tab.roundtrip("step").header
    assert tab.roundtrip("reset").header["token"] == token


def test_an_upload_trains_a_fresh_network_on_the_points(client, opened):
    tab, token = opened
    answer = client.post(f"/upload/{token}", content=CSV)
    assert answer.status_code == 200
    assert answer.json() == {"points": 5, "classes": ["fail", "pass"]}
    frame = tab.frame()
    assert frame.header["reset"] and frame.header["config"]["dataset"] == "custom"
    assert sorted(map(tuple, points(frame).tolist())) == [
        (-2, 1), (0, 0), (1, 1), (1, 2), (3, 4)
    ]  # fmt: skip


BAD_FILES = [
    (b"x1,x2,label\n1,2,a\n3,abc,b\n", 400, "line 3, column 2: 'abc' is not a number"),
    (b"x1,x2,label\n1,nan,a\n3,4,b\n", 400, "line 2, column 2: 'nan' is not a finite number"),
    (b"1,inf,a\n3,4,b\n", 400, "line 1, column 2: 'inf' is not a finite number"),
    (b"1,2,a\n3,4,a\n", 400, "a classifier needs two classes"),
    (b"".join(b"%d,0,c%d\n" % (i, i) for i in range(7)), 400, "at most 6 classes"),
    (b"".join(b"%d,0,%d\n" % (i % 6, i % 2) for i in range(5001)), 400, "more than 5,000"),
    (b"x" * (50 << 20), 413, "over the limit of 1 MiB"),
]


@pytest.mark.parametrize(("body", "status", "words"), BAD_FILES)
def test_a_bad_upload_is_refused_beside_the_control_and_changes_nothing(
    client, opened, body, status, words
):
    tab, token = opened
    answer = client.post(f"/upload/{token}", content=body)
    assert answer.status_code == status and words in answer.json()["error"]
    assert answer.json()["key"] == "custom_data"
    assert "error-custom_data" in error_slot(tab, "custom_data")
    frame = tab.roundtrip("step")  # the session trains on as before
    assert not frame.header["reset"] and "train_points" not in frame.raw


def test_points_outside_the_plot_are_offered_a_rescale(client, opened):
    tab, token = opened
    body = b"100,0,a\n-100,50,b\n0,0,a\n"
    answer = client.post(f"/upload/{token}", content=body)
    assert answer.status_code == 409 and answer.json()["rescale"] is True
    assert client.post(f"/upload/{token}?rescale=true", content=body).status_code == 200
    assert np.abs(points(tab.frame())).max() == pytest.approx(5.5)


def test_a_model_file_round_trips_with_its_weights(client, opened):
    tab, token = opened
    tab.roundtrip("step")
    trained = tab.roundtrip("step")
    saved = client.get(f"/download/{token}/model")
    assert saved.headers["content-disposition"] == (
        'attachment; filename="nn_playground_model.json"'
    )
    tab.roundtrip("reset")
    assert client.post(f"/model/{token}", content=saved.content).status_code == 200
    opened_frame = tab.frame()
    assert opened_frame.header["reset"] and opened_frame.header["epoch"] == 2
    assert opened_frame.header["test_loss"] == trained.header["test_loss"]
    assert opened_frame.header["network"]["weights"] == trained.header["network"]["weights"]
    np.testing.assert_array_equal(opened_frame.values["output"], trained.values["output"])


def wrong_shape(model: dict) -> dict:
    model["layers"][0]["W"] = model["layers"][0]["W"][:1]
    return model


BAD_MODELS = [
    (lambda m: {**m, "version": 9}, "newer version"),
    (wrong_shape, "layer 1's W has"),
    (lambda m: {**m, "config": {**m["config"], "learning_rate": -1}}, "learning_rate:"),
    (lambda m: {"hello": 1}, "not an nn-playground model file"),
]


@pytest.mark.parametrize(("edit", "words"), BAD_MODELS)
def test_a_bad_model_file_is_refused_and_the_model_kept(client, opened, edit, words):
    tab, token = opened
    model = json.loads(client.get(f"/download/{token}/model").text)
    answer = client.post(f"/model/{token}", content=json.dumps(edit(model)).encode())
    assert answer.status_code == 400 and words in answer.json()["error"], answer.json()
    assert "error-model_file" in error_slot(tab, "model_file")
    frame = tab.roundtrip("step")
    assert not frame.header["reset"]


def test_downloads_are_attachments_and_unknown_tokens_are_refused(client, opened):
    _, token = opened
    for name, filename in [("points", "nn_playground_points.csv"),
                           ("numpy", "nn_playground_numpy.py"),
                           ("pytorch", "nn_playground_pytorch.py")]:  # fmt: skip
        answer = client.get(f"/download/{token}/{name}")
        assert answer.status_code == 200
        assert answer.headers["content-disposition"] == f'attachment; filename="{filename}"'
    assert client.get(f"/download/{token}/bogus").status_code == 404
    assert client.get("/download/not-a-token/model").status_code == 404
    assert client.post("/upload/not-a-token", content=CSV).status_code == 404


def test_drawing_starts_from_the_generated_points_and_trains_on(opened):
    tab, _ = opened
    tab.roundtrip("step")
    frame = tab.roundtrip("add_point", x1=1.5, x2=-2, label=1)
    assert frame.header["config"]["dataset"] == "custom" and not frame.header["reset"]
    assert len(points(frame)) == 501 and [1.5, -2] in points(frame).tolist()
    frame = tab.roundtrip("remove_point", x1=1.49, x2=-2)
    assert len(points(frame)) == 500 and [1.5, -2] not in points(frame).tolist()
    assert frame.header["epoch"] == 1  # the network kept training: not reset


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"x1": 7, "x2": 0, "label": 1}, "x1"),
        ({"x1": "nan", "x2": 0, "label": 1}, "x1"),
        ({"x1": 0, "x2": 0, "label": 0.5}, "a class label is 1 or -1"),
    ],
)
def test_a_bad_point_is_refused_beside_the_data_controls(opened, fields, words):
    tab, _ = opened
    tab.send("add_point", **fields)
    assert words in error_slot(tab, "custom_data")


def test_an_upload_of_three_classes_trains_a_softmax_of_three_outputs(client, opened):
    tab, token = opened
    body = b"x1,x2,label\n" + b"".join(
        b"%d,%d,%s\n" % (x, y, name)
        for x, y, name in [(-4, -4, b"<b>cat</b>"), (4, 4, b"dog"), (0, 4, b"emu")] * 6
    )
    answer = client.post(f"/upload/{token}", content=body)
    assert answer.json() == {"points": 18, "classes": ["<b>cat</b>", "dog", "emu"]}
    frame = tab.frame()
    config = frame.header["config"]
    assert (config["dataset"], config["classes"], config["loss"]) == ("custom", 3, "cross_entropy")
    assert frame.header["network"]["sizes"][-1] == 3
    assert frame.header["class_names"] == ["<b>cat</b>", "dog", "emu"]  # the page escapes them
    assert sorted(set(frame.raw["train_labels"]) | set(frame.raw["test_labels"])) == [0, 1, 2]
    frame = tab.roundtrip("step", unit="epoch")
    assert np.array(frame.header["confusion"]).shape == (3, 3)
    assert frame.header["class_names"] == ["<b>cat</b>", "dog", "emu"]


def test_a_two_class_upload_after_three_classes_goes_back_to_one_output(client, opened):
    tab, token = opened
    client.post(f"/upload/{token}", content=b"0,0,a\n1,1,b\n2,2,c\n")
    assert tab.frame().header["config"]["classes"] == 3
    client.post(f"/upload/{token}", content=CSV)
    frame = tab.frame()
    assert frame.header["config"]["classes"] == 2 and "confusion" not in frame.header
    assert frame.header["network"]["sizes"][-1] == 1
    assert frame.header["class_names"] == ["fail", "pass"]


def test_a_three_class_custom_model_file_round_trips(client, opened):
    tab, token = opened
    client.post(f"/upload/{token}", content=b"-3,-3,a\n3,3,b\n0,3,c\n-3,0,a\n0,-3,b\n3,0,c\n")
    tab.frame()
    trained = tab.roundtrip("step", unit="epoch")
    saved = client.get(f"/download/{token}/model")
    assert json.loads(saved.text)["data"]["labels"] == [0, 1, 2, 0, 1, 2]
    tab.roundtrip("config", hidden=[3])
    assert client.post(f"/model/{token}", content=saved.content).status_code == 200
    reopened = tab.frame()
    assert reopened.header["config"]["classes"] == 3
    assert reopened.header["network"]["weights"] == trained.header["network"]["weights"]
    assert reopened.header["confusion"] == trained.header["confusion"]
    np.testing.assert_array_equal(reopened.values["output"], trained.values["output"])
    assert reopened.header["class_names"] == ["a", "b", "c"]  # the file keeps the names


def test_the_points_file_of_an_upload_names_its_classes_and_reads_back_the_same(client, opened):
    tab, token = opened
    client.post(f"/upload/{token}", content=CSV)
    first = tab.frame()
    saved = client.get(f"/download/{token}/points").text
    assert saved.splitlines()[0] == "x1,x2,label"
    assert {line.rsplit(",", 1)[1] for line in saved.splitlines()[1:]} == {"fail", "pass"}
    client.post(f"/upload/{token}", content=saved.encode())
    again = tab.frame()
    assert again.header["class_names"] == ["fail", "pass"]
    assert sorted(map(tuple, points(again).tolist())) == sorted(map(tuple, points(first).tolist()))


@pytest.mark.parametrize(
    "names",
    [
        ["a", "b"],
        ["a", "a", "b"],
        ["a", "b", 3],
        ["a", "b", ""],
        ["a", "b", "x" * 41],
        ["a", "b", " c"],
        ["a", "b", "c\n"],
        "abc",
    ],
)
def test_a_model_file_with_wrong_class_names_is_refused_and_changes_nothing(client, opened, names):
    tab, token = opened
    client.post(f"/upload/{token}", content=b"-3,-3,a\n3,3,b\n0,3,c\n-3,0,a\n0,-3,b\n3,0,c\n")
    tab.frame()
    model = json.loads(client.get(f"/download/{token}/model").text)
    model["data"]["class_names"] = names
    answer = client.post(f"/model/{token}", content=json.dumps(model).encode())
    assert answer.status_code == 400
    assert "class_names must be 3 distinct texts of 1 to 40 printable" in answer.json()["error"]
    assert tab.roundtrip("step", unit="epoch").header["class_names"] == ["a", "b", "c"]


@pytest.mark.parametrize("long", [b"n" * 41, b"1" * 41])
def test_a_class_name_longer_than_the_legend_shows_is_refused_with_its_line(client, opened, long):
    _, token = opened
    answer = client.post(f"/upload/{token}", content=b"0,0,0\n1,1," + long + b"\n")
    assert answer.status_code == 400
    assert "line 2, column 3: the class name" in answer.json()["error"]
    assert "longer than 40 characters" in answer.json()["error"]
