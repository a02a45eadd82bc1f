"""The soak (bench/soak.py) at CI size: real gunicorn, worker and sandboxes as processes, killed
with SIGKILL while two clients drive lifecycles; nothing lost, nothing doubled, all consistent."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]


def figure(output: str, label: str) -> int:
    return int(re.search(rf"^{label}:\s+(\d+)", output, re.MULTILINE).group(1))


def test_small_soak_under_kills_loses_nothing_and_doubles_nothing():
    server = os.environ["MOTCUA_TEST_DATABASE_URL"].rsplit("/", 1)[0]
    options = {
        "--lifecycles": 20,
        "--clients": 2,
        "--kill-interval": 3,
        "--min-kills": 3,
        "--seed": 12,
        "--server": server,
        "--drain-timeout": 60,
        "--lifecycle-timeout": 60,
    }
    run = subprocess.run(
        [sys.executable, "bench/soak.py", *(str(x) for pair in options.items() for x in pair)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = run.stdout
    assert run.returncode == 0, output[-4000:] + run.stderr[-4000:]
    assert re.search(r"^lifecycles done:\s+20 / 20", output, re.MULTILINE), output
    assert figure(output, "kills done") >= 3, output
    assert figure(output, "dossiers checked") == 20
    for label in ("lost", "inconsistencies", "duplicates", "stuck outbox rows"):
        assert figure(output, label) == 0, output
    assert "soak: OK" in output
