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
    soak = subprocess.Popen(
        [sys.executable, "bench/soak.py", *(str(x) for pair in options.items() for x in pair)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        output, errors = soak.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        # SIGTERM, not subprocess.run's SIGKILL: the soak's processes live in their own sessions
        # and only the soak itself stops them (and drops its database) on its way out
        soak.terminate()
        output, errors = soak.communicate(timeout=60)
        pytest.fail("the soak took over 240 s:\n" + output[-4000:] + errors[-4000:])
    assert soak.returncode == 0, output[-4000:] + errors[-4000:]
    assert re.search(r"^lifecycles done:\s+20 / 20", output, re.MULTILINE), output
    assert figure(output, "kills done") >= 3, output
    assert figure(output, "dossiers checked") == 20
    for label in ("lost", "inconsistencies", "duplicates", "stuck outbox rows"):
        assert figure(output, label) == 0, output
    assert "soak: OK" in output
