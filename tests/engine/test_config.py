import numpy as np
import pytest

from engine import ExperimentConfig, InputError, Trainer

# (key the error must name, the bad config). Every field of ExperimentConfig
# appears at least once; see test_the_table_covers_every_key.
BAD_VALUES = [
    ("problem", {"problem": "clustering"}),
    ("problem", {"problem": None}),
    ("dataset", {"dataset": "mnist"}),
    ("noise", {"noise": -0.1}),
    ("noise", {"noise": 0.81}),
    ("noise", {"noise": float("nan")}),
    ("noise", {"noise": "loud"}),
    ("train_fraction", {"train_fraction": 0.05}),
    ("train_fraction", {"train_fraction": 0.95}),
    ("n_points", {"n_points": 19}),
    ("n_points", {"n_points": 5001}),
    ("seed", {"seed": -1}),
    ("seed", {"seed": 1.5}),
    ("seed", {"seed": 2**32}),
    ("features", {"features": []}),
    ("features", {"features": ["x1", "x1"]}),
    ("features", {"features": ["x3"]}),
    ("features", {"features": "x1"}),
    ("hidden", {"hidden": [0]}),
    ("hidden", {"hidden": [17]}),
    ("hidden", {"hidden": [1] * 9}),
    ("hidden", {"hidden": "4,2"}),
    ("activation", {"activation": "swish"}),
    ("layer_activations", {"layer_activations": ["swish"]}),
    ("layer_activations", {"layer_activations": ["relu", "relu", "relu"]}),
    ("output", {"output": "relu"}),
    ("loss", {"loss": "hinge"}),
    ("init", {"init": "orthogonal"}),
    ("learning_rate", {"learning_rate": 0}),
    ("learning_rate", {"learning_rate": -0.1}),
    ("learning_rate", {"learning_rate": 10.5}),
    ("learning_rate", {"learning_rate": float("inf")}),
    ("learning_rate", {"learning_rate": "fast"}),
    ("optimizer", {"optimizer": "lbfgs"}),
    ("batch_size", {"batch_size": 0}),
    ("batch_size", {"batch_size": 5001}),
    ("regularization", {"regularization": "l3"}),
    ("regularization_rate", {"regularization_rate": -1}),
    ("regularization_rate", {"regularization_rate": 11}),
    ("dropout", {"dropout": -0.1}),
    ("dropout", {"dropout": 0.95}),
    ("batch_norm", {"batch_norm": "maybe"}),
    ("early_stopping", {"early_stopping": 0}),
    ("early_stopping", {"early_stopping": 1001}),
    ("classes", {"classes": 1}),
    ("classes", {"classes": 7}),
    ("classes", {"classes": 2.5}),
    # Unknown keys are named, not ignored.
    ("colour", {"colour": "red"}),
    ("hidden_layers", {"hidden_layers": [4]}),
    # Rules across fields.
    ("dataset", {"dataset": "plane"}),
    ("dataset", {"problem": "regression", "dataset": "circle"}),
    ("batch_size", {"batch_size": 251}),
    ("batch_size", {"n_points": 100, "train_fraction": 0.3, "batch_size": 31}),
    ("batch_size", {"dataset": "plane", "problem": "regression", "batch_size": 601}),
    ("output", {"loss": "cross_entropy", "output": "tanh"}),
    ("output", {"loss": "cross_entropy", "output": "linear"}),
    ("loss", {"loss": "cross_entropy", "problem": "regression", "dataset": "plane"}),
    ("layer_activations", {"hidden": [], "layer_activations": ["relu"]}),
    # More than two classes: a multi-class dataset, the softmax output, cross-entropy.
    ("classes", {"classes": 3, "loss": "cross_entropy"}),
    ("loss", {"classes": 3, "dataset": "custom"}),  # custom points take any K, not any loss
    ("classes", {"classes": 4, "problem": "regression", "dataset": "plane"}),
    ("loss", {"classes": 4, "dataset": "blobs"}),
    ("output", {"classes": 4, "dataset": "blobs", "loss": "cross_entropy", "output": "sigmoid"}),
]


def _case_id(config: dict) -> str:
    return ",".join(f"{key}={value!r}"[:30] for key, value in config.items())


@pytest.mark.parametrize(("key", "config"), BAD_VALUES, ids=[_case_id(c) for _, c in BAD_VALUES])
def test_invalid_config_raises_config_error_naming_the_key(key, config):
    with pytest.raises(InputError) as caught:
        ExperimentConfig.parse(config)
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}: ")
    assert caught.value.message


@pytest.mark.parametrize(("key", "config"), BAD_VALUES[::6])
def test_trainer_from_config_raises_the_same_error(key, config):
    with pytest.raises(InputError) as caught:
        Trainer.from_config(config)
    assert caught.value.key == key


def test_the_table_covers_every_key():
    assert set(ExperimentConfig.model_fields) <= {key for key, _ in BAD_VALUES}


def test_config_error_is_a_value_error():
    assert issubclass(InputError, ValueError)


@pytest.mark.parametrize(
    ("config", "allowed"),
    [
        ({"noise": 0.9}, "Noise must be a number from 0 to 0.8"),
        ({"train_fraction": 1}, "from 0.1 to 0.9"),
        ({"n_points": 10}, "The number of points must be a whole number from 20 to 5000"),
        ({"learning_rate": 0}, "Learning rate must be a number above 0 and at most 10"),
        ({"dropout": 1}, "Dropout must be a number from 0 to 0.9"),
        ({"regularization_rate": 20}, "Regularization rate must be a number from 0 to 10"),
        (
            {"batch_size": 300},
            "Batch size must be a whole number from 1 to 250 — the training set has 250 points",
        ),
        ({"hidden": [20]}, "1 … 16"),
        ({"activation": "swish"}, "relu, leaky_relu"),
        ({"features": ["z"]}, "x1, x2"),
        ({"colour": "red"}, "the settings are problem, dataset"),
    ],
)
def test_error_message_states_what_is_allowed(config, allowed):
    with pytest.raises(InputError, match=allowed):
        ExperimentConfig.parse(config)


def test_defaults_follow_the_design_table():
    config = ExperimentConfig.parse({})
    assert config.model_dump() == {
        "problem": "classification",
        "dataset": "circle",
        "noise": 0.0,
        "train_fraction": 0.5,
        "n_points": None,
        "seed": 1,
        "features": ["x1", "x2"],
        "hidden": [4, 2],
        "activation": "tanh",
        "layer_activations": None,
        "output": None,
        "loss": "squared",
        "init": "playground",
        "learning_rate": 0.03,
        "optimizer": "sgd",
        "batch_size": 10,
        "regularization": "none",
        "regularization_rate": 0.0,
        "dropout": 0.0,
        "batch_norm": False,
        "early_stopping": None,
        "classes": 2,
    }


@pytest.mark.parametrize(
    ("config", "output"),
    [
        ({}, "tanh"),
        ({"problem": "regression", "dataset": "plane"}, "linear"),
        ({"loss": "cross_entropy"}, "sigmoid"),
        ({"output": "linear"}, "linear"),
        ({"dataset": "spiral_k", "classes": 4, "loss": "cross_entropy"}, "softmax"),
    ],
)
def test_output_activation_defaults_by_problem_and_loss(config, output):
    assert ExperimentConfig.parse(config).output_activation == output


@pytest.mark.parametrize(
    "config",
    [
        {"noise": 0.8, "train_fraction": 0.9, "n_points": 5000, "batch_size": 4500},
        {"noise": 0, "train_fraction": 0.1, "n_points": 20, "batch_size": 2},
        {"learning_rate": 10, "regularization_rate": 10, "dropout": 0.9, "seed": 2**32 - 1},
        {"hidden": [], "features": ["r"]},
        {"hidden": [16] * 8, "layer_activations": [None, "relu"]},
        {"features": ["x1", "x2", "x1^2", "x2^2", "x1x2", "sin_x1", "sin_x2", "r", "theta"]},
        {"loss": "cross_entropy", "output": "sigmoid", "early_stopping": 1000},
        {"problem": "regression", "dataset": "multi-gauss", "batch_size": 600},
        {"dataset": "custom", "batch_size": 5000},
        {"dataset": "blobs", "classes": 6, "loss": "cross_entropy"},
        {"dataset": "custom", "classes": 6, "loss": "cross_entropy"},
        {"dataset": "spiral_k", "classes": 2, "output": "linear"},
    ],
)
def test_values_at_the_edges_of_the_ranges_are_accepted(config):
    ExperimentConfig.parse(config)


def test_form_strings_are_coerced_as_htmx_sends_them():
    config = ExperimentConfig.parse(
        {"learning_rate": "0.1", "batch_size": "25", "batch_norm": "true", "hidden": ["4"]}
    )
    assert config.learning_rate == 0.1
    assert config.batch_size == 25
    assert config.batch_norm is True
    assert config.hidden == [4]


def test_updated_returns_a_validated_copy_and_leaves_the_original_alone():
    config = ExperimentConfig.parse({"learning_rate": 0.1})
    changed = config.updated({"learning_rate": 0.3, "hidden": [3]})
    assert (changed.learning_rate, changed.hidden) == (0.3, [3])
    assert (config.learning_rate, config.hidden) == (0.1, [4, 2])
    with pytest.raises(InputError) as caught:
        config.updated({"dropout": 2})
    assert caught.value.key == "dropout"
    assert config.dropout == 0.0


def test_assignment_is_validated_too():
    config = ExperimentConfig.parse({})
    with pytest.raises(ValueError, match="noise"):
        config.noise = 5.0
    assert config.noise == 0.0


def test_custom_dataset_without_points_names_the_dataset_key():
    with pytest.raises(InputError) as caught:
        Trainer.from_config({"dataset": "custom"})
    assert caught.value.key == "dataset"


def test_custom_batch_larger_than_its_training_set_names_batch_size():
    points = np.random.default_rng(0).uniform(-5, 5, size=(30, 2))
    labels = np.where(points[:, 0] > 0, 1.0, -1.0)
    with pytest.raises(InputError) as caught:
        Trainer.from_config({"dataset": "custom", "batch_size": 16}, data=(points, labels))
    assert caught.value.key == "batch_size"
    assert "1 … 15" in caught.value.message


def test_bad_custom_points_raise_a_value_error():
    with pytest.raises(ValueError, match="finite"):
        Trainer.from_config({"dataset": "custom"}, data=([[0, np.nan], [1, 1]], [1, -1]))


def test_too_many_classes_for_a_binary_dataset_names_the_multiclass_ones():
    with pytest.raises(InputError) as error:
        ExperimentConfig.parse({"classes": 3, "loss": "cross_entropy"})
    assert error.value.key == "classes"
    assert "circle has 2 classes; blobs and spiral_k take 3 … 6" in error.value.message
