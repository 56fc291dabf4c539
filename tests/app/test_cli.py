"""The nn-playground command: flags and environment reach the app, --get smoke-tests."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli

COMMAND = Path(sys.executable).with_name("nn-playground")


@pytest.fixture
def served(monkeypatch):
    """What ``uvicorn.run`` would have been asked to serve (nothing is served)."""
    calls = []

    def run(target, **options):
        calls.append((target, options))

    monkeypatch.setattr(cli.uvicorn, "run", run)
    monkeypatch.setattr(os, "environ", dict(os.environ))
    return calls


def test_get_prints_the_response_and_exits_zero(capsys):
    assert cli.main(["--get", "/healthz"]) == 0
    assert capsys.readouterr().out == "ok\n"


def test_get_of_a_missing_page_exits_non_zero_and_says_why(capsys):
    assert cli.main(["--get", "/no/such/page"]) == 1
    assert "HTTP 404" in capsys.readouterr().err


def test_get_of_a_static_file_streams_it_whole(capsys):
    assert cli.main(["--get", "/static/vendor/plotly-cartesian.min.js"]) == 0
    assert len(capsys.readouterr().out) > 1_000_000


def test_the_console_script_serves_the_page_with_the_query_config():
    result = subprocess.run(
        [COMMAND, "--get", "/?dataset=spiral"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "<html" in result.stdout


def test_flags_become_the_apps_settings_and_the_url_is_printed(served, capsys):
    assert cli.main(["--port", "8123", "--max-sessions", "5", "--no-compress-frames"]) == 0
    ((app, options),) = served
    assert app.state.settings.max_sessions == 5 and app.state.settings.compress_frames is False
    assert options["host"] == "127.0.0.1" and options["port"] == 8123
    assert options["ws_per_message_deflate"] is False
    assert "http://127.0.0.1:8123/" in capsys.readouterr().out


def test_workers_get_the_settings_through_the_environment(served, monkeypatch):
    monkeypatch.setenv("NNP_IDLE_TIMEOUT", "60")
    assert cli.main(["--workers", "2", "--max-sessions", "7"]) == 0
    ((target, options),) = served
    assert target == "app.main:create_app" and options["factory"] is True
    assert options["workers"] == 2
    assert os.environ["NNP_MAX_SESSIONS"] == "7" and os.environ["NNP_IDLE_TIMEOUT"] == "60.0"


class ImmediateTimer:
    def __init__(self, delay, function, args):
        self.start = lambda: function(*args)


def test_open_starts_a_browser_on_the_url(served, monkeypatch):
    opened = []
    monkeypatch.setattr(cli.webbrowser, "open", opened.append)
    monkeypatch.setattr(cli.threading, "Timer", ImmediateTimer)
    cli.main(["--open", "--port", "8124"])
    assert opened == ["http://127.0.0.1:8124/"]


@pytest.mark.parametrize(
    ("argv", "env", "says"),
    [
        (["--max-sessions", "0"], {}, "must be positive"),
        (["--workers", "lots"], {}, "invalid int value"),
        ([], {"NNP_MAX_SESSIONS": "lots"}, "NNP_MAX_SESSIONS='lots' is not a valid int"),
    ],
)
def test_bad_flags_and_variables_stop_with_a_message(served, monkeypatch, capsys, argv, env, says):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    assert stopped.value.code == 2 and says in capsys.readouterr().err
    assert served == []


GOOD_LESSON = """title = "One step"
about = "A lesson of one step."

[[steps]]
title = "Noisy circle"
say = "The circle with noise."
ask = "What do you see?"
config = { noise = 0.3 }
"""


def test_lessons_flag_serves_the_lessons_of_a_folder(served, tmp_path):
    (tmp_path / "01-only.toml").write_text(GOOD_LESSON, encoding="utf-8")
    assert cli.main(["--lessons", str(tmp_path)]) == 0
    ((app, _),) = served
    assert list(app.state.lessons) == ["only"]
    assert app.state.settings.lessons == tmp_path


def test_lessons_variable_serves_the_lessons_of_a_folder(served, monkeypatch, tmp_path):
    (tmp_path / "only.toml").write_text(GOOD_LESSON, encoding="utf-8")
    monkeypatch.setenv("NNP_LESSONS", str(tmp_path))
    assert cli.main([]) == 0
    ((app, _),) = served
    assert list(app.state.lessons) == ["only"]


def test_without_the_flag_the_built_in_lessons_are_served(served):
    assert cli.main([]) == 0
    ((app, _),) = served
    assert "overfitting" in app.state.lessons


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (
            GOOD_LESSON.replace("noise = 0.3", "noise = 3"),
            8,
            "step 1, config: noise: Noise must be",
        ),
        (GOOD_LESSON.replace('ask = "What do you see?"\n', ""), 4, "step 1: ask is missing"),
        ("title = [", 1, "TOML syntax"),
    ],
)
def test_a_bad_lesson_stops_the_server_with_its_file_and_line(
    served, capsys, tmp_path, text, line, says
):
    path = tmp_path / "01-bad.toml"
    path.write_text(text, encoding="utf-8")
    assert cli.main(["--lessons", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:{line}: ") and says in err
    assert "Traceback" not in err and served == []


def test_the_console_script_reports_a_missing_folder_without_a_traceback(tmp_path):
    missing = tmp_path / "nowhere"
    result = subprocess.run(
        [COMMAND, "--lessons", str(missing), "--get", "/healthz"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr == f"{missing}:0: no such folder of lessons\n"
