"""Every bench script starts: ``--help`` prints its usage and exits 0 (an import placed before the script sets up
its path, or a renamed module, would fail here rather than on the next person who runs the bench)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p.name for p in (ROOT / "bench").glob("*.py") if p.name.startswith(("bench_", "profile_")))


@pytest.mark.parametrize("script", SCRIPTS)
def test_help_prints_the_usage(script):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage" in done.stdout.lower()
