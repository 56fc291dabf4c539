"""The engine as pip installs it: a plain install, then an editable one over it.

The kernels' disk cache must live outside the installed package: a cache left
in site-packages outlives ``pip uninstall``, and the folder it leaves turns
``engine`` into a namespace package that hides the editable install
(engine/fast/jit.py). Slow (two pip builds and one compile of every kernel,
~30 s of CPU) but bounded: every step has a timeout.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["pyproject.toml", "README.md", "engine", "app", "templates", "static"]
STEP_TIMEOUT = 300  # seconds: against a hang, far above a step's usual few seconds


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.slow
def test_a_plain_install_leaves_nothing_behind_that_hides_an_editable_one(tmp_path):
    source = tmp_path / "src"  # a copy, so that pip's builds leave the checkout alone
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(ROOT / name, source / name)
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, dict(os.environ))
    python = str(venv / "bin" / "python")
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     tmp_path, dict(os.environ)).strip())  # fmt: skip
    # The dependencies (and pip) come from this environment, so nothing is downloaded.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env |= {"HOME": str(home), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    pip = [python, "-m", "pip", "install", "--quiet", "--no-deps"]

    _run([*pip, str(source)], home, env)
    _run([python, "-c", "import engine.fast; engine.fast.warm_up()"], home, env)
    assert list((site / "engine").rglob("kernels-*")) == []
    (cache,) = (tmp_path / "cache" / "nn-playground").glob("kernels-*")
    assert any(cache.rglob("*.nbi")), "warm_up() should have cached the kernels"

    _run([*pip, "--editable", str(source)], home, env)
    found = _run([python, "-c", "import engine.fast; print(engine.fast.warm_up.__module__, "
                  "engine.fast.__file__)"], home, env).split()  # fmt: skip
    assert found == ["engine.fast", str(source / "engine" / "fast" / "__init__.py")]
