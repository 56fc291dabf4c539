"""bench/soak.py's short mode, as CI runs it: every row has frames, the verdicts print."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_short_soak_prints_a_row_per_interval_and_a_verdict_per_figure():
    result = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--short"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert result.returncode == 0, result.stderr
    rows = re.findall(r"^\s*(\d+)\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", result.stdout, re.M)
    assert [int(row[0]) for row in rows] == [0, 1, 2, 3, 4, 5], result.stdout
    assert all(float(p5) > 0 and float(rss) > 0 for _, _, p5, rss in rows), result.stdout
    verdicts = re.findall(
        r"^# (fps_median|server_rss_mb) in the second half: .*: (flat|DRIFTS)$", result.stdout, re.M
    )
    assert [name for name, _ in verdicts] == ["fps_median", "server_rss_mb"], result.stdout
    assert "tab failed" not in result.stderr
