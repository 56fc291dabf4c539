"""Lessons as files: the built-in lessons tell the truth, and a lecturer's
mistakes in a lesson file are reported with the file and the line.

Every claim a step makes (its ``expect`` lines, next to its sentence in the
lesson file) is checked by training the step's own config from its seed, as
the page does when the step opens.
"""

from pathlib import Path

import pytest

from app.lessons import BUILT_IN_DIR, LessonError, built_in_lessons, load_lessons
from app.lessons.claims import check, parse_claim
from app.lessons.controls import CONTROLS
from app.lessons.measures import MEASURES
from engine import fast

# At 1× the page trains one epoch a frame, up to 20 frames a second: a sentence
# must come true within ~15 s (300 epochs at 1×) and stay true while it plays.
EPOCHS_IN_15_SECONDS = 300
STEPS = [
    pytest.param(lesson, step, id=f"{lesson.name}-{number}")
    for lesson in built_in_lessons().values()
    for number, step in enumerate(lesson.steps, 1)
]


@pytest.fixture(scope="session", autouse=True)
def kernels() -> None:
    fast.warm_up()  # compiled once (or loaded from the disk cache), not inside a claim


@pytest.mark.parametrize(("lesson", "step"), STEPS)
def test_every_step_does_what_its_sentence_says(lesson, step):
    assert check(step.config, step.expect) == []


@pytest.mark.parametrize(("lesson", "step"), STEPS)
def test_every_step_claims_what_shows_within_15_seconds_and_stays_true(lesson, step):
    assert step.expect, "a built-in step states its sentence's claims"
    horizon = EPOCHS_IN_15_SECONDS * step.speed
    assert all(claim.first <= horizon for claim in step.expect)
    assert max(claim.last for claim in step.expect) >= horizon
    assert step.say.endswith(".") and step.ask.endswith("?")


# Every concept of the lectures, and how to recognise a step that teaches it.
CONCEPTS = {
    "polar vs Cartesian": lambda c: "r" in c.features and c.hidden == [],
    "the perceptron": lambda c: c.dataset == "pass-fail" and c.hidden == [],
    "width on the spiral": lambda c: c.dataset == "spiral" and len(c.hidden) == 1,
    "depth on the spiral": lambda c: c.dataset == "spiral" and len(c.hidden) >= 3,
    "a regression curve": lambda c: c.problem == "regression" and c.hidden != [],
    "sigmoid in depth": lambda c: c.activation == "sigmoid" and len(c.hidden) >= 5,
    "dying ReLU": lambda c: c.activation == "relu" and c.learning_rate >= 1,
    "squared vs cross-entropy": lambda c: c.loss == "squared" and c.output == "sigmoid",
    "learning rate too low": lambda c: c.learning_rate <= 0.0001,
    "learning rate too high": lambda c: c.learning_rate >= 3,
    "batch size": lambda c: c.batch_size == 1,
    "overfitting": lambda c: c.train_fraction <= 0.3 and c.noise > 0,
    "dropout": lambda c: c.dropout > 0,
    "L1": lambda c: c.regularization == "l1",
    "L2": lambda c: c.regularization == "l2",
    "early stopping": lambda c: c.early_stopping is not None,
    "batch norm": lambda c: c.batch_norm,
    "zero-init symmetry": lambda c: c.init == "zeros",
}


@pytest.mark.parametrize("concept", CONCEPTS)
def test_every_concept_of_the_lectures_has_a_built_in_step(concept):
    assert any(CONCEPTS[concept](step.config) for _, step in (p.values for p in STEPS))


def test_the_built_in_lessons_ship_beside_the_packages_and_load_by_name_in_file_order():
    lessons = load_lessons(BUILT_IN_DIR)
    assert Path(__file__).resolve().parents[2] / "lessons" == BUILT_IN_DIR
    assert list(lessons) == [p.stem.split("-", 1)[1] for p in sorted(BUILT_IN_DIR.glob("*.toml"))]


# A lecturer's own lesson, with the mistakes the tests below put in it, one at a time.
GOOD = """\
title = "Mine"
about = "A lesson of one's own."

[config]
dataset = "xor"

[[steps]]
title = "First"
say = "It learns."
ask = "Does it?"
expect = ["test_accuracy >= 0.5 at 10"]

[[steps]]
title = "Second"
say = "It learns with more neurons."
ask = "Why?"
hide = ["dropout", "speed"]
lock = ["dataset"]
play = true
speed = 5

[steps.config]
hidden = [8, 8]
noise = 0.1
"""


def write(folder: Path, text: str, name: str = "02-mine.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(folder: Path, text: str) -> LessonError:
    path = write(folder, text)
    with pytest.raises(LessonError) as caught:
        load_lessons(folder)
    assert caught.value.path == path
    return caught.value


def test_a_lecturers_lesson_loads_with_every_step_a_whole_config(tmp_path):
    write(tmp_path, GOOD)
    (lesson,) = load_lessons(tmp_path).values()
    assert lesson.name == "mine" and lesson.title == "Mine"
    first, second = lesson.steps
    assert first.config.dataset == second.config.dataset == "xor"  # the lesson's [config]
    assert first.config.hidden == [4, 2] and second.config.hidden == [8, 8]  # defaults, then own
    assert second.hide == ("dropout", "speed") and second.lock == ("dataset",)
    assert (first.play, first.speed, second.play, second.speed) == (False, 1, True, 5)
    assert first.expect == (parse_claim("test_accuracy >= 0.5 at 10"),)


@pytest.mark.parametrize(
    ("change", "line", "words"),
    [
        (
            ("speed = 5", "speed = 3.5"),
            20,
            "step 2, speed: speed (epochs per frame): must be a whole number of epochs above 1",
        ),
        (('lock = ["dataset"]', 'lock = ["dataset", "dropout"]'), 18, "dropout is both hidden"),
        (
            ('hide = ["dropout", "speed"]', 'hide = ["dropout", "sped"]'),
            17,
            "unknown control 'sped'",
        ),
        (
            ("noise = 0.1", "noise = 1.5"),
            24,
            "step 2, config: noise: Noise must be a number from 0 to 0.8 (you gave “1.5”)",
        ),
        (("noise = 0.1", "nosie = 0.1"), 24, "nosie: there is no setting called nosie"),
        (('dataset = "xor"', 'dataset = "xo"'), 5, "dataset: Dataset must be one of"),
        (('ask = "Why?"', 'ask = "Why?"\nwatch = "this"'), 17, "unknown key 'watch'"),
        (('ask = "Does it?"\n', ""), 7, "step 1: ask is missing"),
        (('say = "It learns."', 'say = "  "'), 9, "say is empty"),
        (("play = true", "play = 1"), 19, "play must be true or false"),
        (("0.5 at 10", "0.5 by 10"), 11, "cannot read claim"),
        (("test_accuracy >=", "test_acc >="), 11, "unknown measure 'test_acc'"),
        (
            ('dataset = "xor"', 'problem = "regression"\ndataset = "plane"'),
            12,
            "needs a classification",
        ),
        (("[steps.config]", "[steps.config"), 22, "TOML syntax"),
    ],
)
def test_a_mistake_is_reported_with_the_file_and_its_line(tmp_path, change, line, words):
    old, new = change
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    error = error_of(tmp_path, text)
    assert error.line == line, str(error)
    assert words in error.message
    assert str(error).startswith(f"{tmp_path / '02-mine.toml'}:{line}: ")


def test_lesson_files_need_good_names_distinct_lessons_and_a_folder_that_has_some(tmp_path):
    with pytest.raises(LessonError, match="no lesson files"):
        load_lessons(tmp_path)
    with pytest.raises(LessonError, match="no such folder"):
        load_lessons(tmp_path / "missing")
    write(tmp_path, GOOD, "My Lesson.toml")
    with pytest.raises(LessonError, match="lowercase words and dashes"):
        load_lessons(tmp_path)
    (tmp_path / "My Lesson.toml").unlink()
    write(tmp_path, GOOD, "01-mine.toml")
    write(tmp_path, GOOD, "mine.toml")
    with pytest.raises(LessonError, match="already holds the lesson 'mine'"):
        load_lessons(tmp_path)


@pytest.mark.parametrize(
    ("claim", "values", "holds"),
    [
        (
            "test_loss rises from 1 to 10",
            [1, 0, 2, 1, 3, 2, 4, 3, 5, 4],
            True,
        ),  # steadily, not monotone
        ("test_loss rises from 1 to 10", [1, 1, 2, 2, 3, 3, 3, 3, 5, 5], False),  # a flat fifth
        ("train_loss falls from 1 to 5", [5, 4, 3, 2, 1], True),
        ("train_loss spread <= 0.5 from 1 to 5", [1, 1.2, 1.5, 1.1, 1], True),
        ("train_loss spread <= 0.4 from 1 to 5", [1, 1.2, 1.5, 1.1, 1], False),
        ("train_loss jumps >= 1 from 1 to 5", [0, 1, 0, 1, 0], True),
        ("test_accuracy >= 0.9 from 2 to 4", [0.9, 0.95, 1.0], True),
        ("test_accuracy >= 0.9 at 3", [0.89], False),
        ("test_loss <= 1 from 1 to 2", [0.5, float("nan")], False),  # NaN is never "small"
        ("diverged from 1 to 2", [1, 1], True),
        ("stopped from 1 to 2", [0, 1], False),
    ],
)
def test_a_claim_holds_exactly_when_its_words_say(claim, values, holds):
    claim = parse_claim(claim)
    assert len(claim.epochs) == len(values)
    assert (claim.judge(values) is None) == holds


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("test_accuracy >= 0.9 by 100", "cannot read claim"),
        ("accuracy >= 0.9 at 100", "unknown measure 'accuracy'"),
        ("test_loss at 10", "say how test_loss compares"),
        ("diverged >= 1 at 10", "diverged is yes or no"),
        ("test_loss spread from 1 to 10", "say how test_loss compares"),
        ("test_loss spread rises from 1 to 10", "spread needs a comparison"),
        ("test_loss rises from 1 to 3", "at least 5 epochs"),
        ("test_loss <= 1 from 20 to 10", "forwards"),
        ("test_loss <= 1 from 1 to 5000", "within 1 … 2000"),
    ],
)
def test_a_claim_that_cannot_be_checked_says_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_claim(text)


def test_the_format_guide_names_every_measure_and_control():
    guide = (BUILT_IN_DIR / "README.md").read_text(encoding="utf-8")
    for name in [*MEASURES, *CONTROLS]:
        assert f"`{name}`" in guide, name
