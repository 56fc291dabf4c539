"""Settings: defaults, NNP_* environment variables, and the trip to worker processes."""

from pathlib import Path

import pytest

from app.settings import Settings


def test_environment_variables_override_the_defaults_and_overrides_beat_both():
    env = {"NNP_MAX_SESSIONS": "12", "NNP_IDLE_TIMEOUT": "2.5", "NNP_COMPRESS_FRAMES": "off"}
    settings = Settings.from_env(env, max_sessions=3)
    assert settings.max_sessions == 3 and settings.idle_timeout == 2.5
    assert settings.compress_frames is False
    assert Settings.from_env({}) == Settings()


def test_settings_survive_the_trip_through_the_environment():
    settings = Settings(max_sessions=7, compress_frames=False, static_dir=Path("/srv/static"))
    assert Settings.from_env(settings.to_env()) == settings


@pytest.mark.parametrize(
    ("name", "raw", "says"),
    [
        ("NNP_MAX_SESSIONS", "many", "not a valid int"),
        ("NNP_MAX_SESSIONS", "0", "must be positive"),
        ("NNP_COMPRESS_FRAMES", "perhaps", "not a boolean"),
    ],
)
def test_a_bad_environment_variable_is_named(name, raw, says):
    with pytest.raises(ValueError, match=f"{name}=.*{says}"):
        Settings.from_env({name: raw})
