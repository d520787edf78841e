"""A process killed while writing leaves the old file or none -- never a partial one.

Two ways: deterministic (a child pauses inside :func:`kpis.atomic.write_atomic`, after the data is
written and before the rename, and is killed there), and the real thing (``kpis report`` killed with
SIGKILL at several moments of its run; after each kill the output is the old file or a complete,
readable new one).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.report.conftest import EXAMPLES, PLANS

ROOT = Path(__file__).resolve().parents[2]

PAUSED_WRITER = r"""
import os, sys, time
import kpis.atomic as atomic
real_fsync = os.fsync
def fsync_then_hang(fd):
    real_fsync(fd)
    print("paused", flush=True)
    time.sleep(600)
atomic.os.fsync = fsync_then_hang
atomic.write_atomic(sys.argv[1], b"NEW" * 1_000_000)
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_killed_inside_the_atomic_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "out.json"
    target.write_bytes(b"OLD")
    child = subprocess.Popen([sys.executable, "-c", PAUSED_WRITER, str(target)], stdout=subprocess.PIPE, env=_env())
    try:
        assert child.stdout.readline().strip() == b"paused"
        tmp = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert tmp and tmp[0].stat().st_size == 3_000_000  # the new bytes are all in the temporary file
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(30)
    assert target.read_bytes() == b"OLD"


def _complete_workbook(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    return bool(openpyxl.load_workbook(path, read_only=True).sheetnames)


@pytest.mark.slow
def test_report_killed_at_any_moment_leaves_old_or_complete_output(tmp_path):
    shutil.copy(EXAMPLES / "suivi_commercial.xlsx", tmp_path / "suivi.xlsx")
    (tmp_path / "kpis.toml").write_text(PLANS, encoding="utf-8")
    out = tmp_path / "rapport.xlsx"
    # --no-cache: every run computes and writes (an unchanged workbook would otherwise be a cache hit,
    # over before any kill)
    cmd = [sys.executable, "-m", "kpis", "report", "suivi.xlsx", "--period", "2026-10", "-o", str(out), "--force",
           "--no-cache"]
    # timed on later runs: the first also compiles the template's placeholders and warms the
    # file cache, so killing at fractions of its time let the faster later runs finish first; the
    # quicker of two, so that a run slowed by a busy neighbour does not stretch every kill's delay
    # past the end of the runs it should cut
    subprocess.run(cmd, cwd=tmp_path, env=_env(), check=True, capture_output=True, timeout=600)
    times = []
    for _ in range(2):
        t0 = time.monotonic()
        subprocess.run(cmd, cwd=tmp_path, env=_env(), check=True, capture_output=True, timeout=600)
        times.append(time.monotonic() - t0)
    whole = min(times)
    old = out.read_bytes()
    assert _complete_workbook(out)
    kills = 0
    for fraction in (0.2, 0.5, 0.8, 0.9, 0.95, 0.99):
        child = subprocess.Popen(cmd, cwd=tmp_path, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            child.wait(timeout=whole * fraction)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(60)
        assert out.exists()
        data = out.read_bytes()
        assert data == old or _complete_workbook(out), f"partial report after a kill at {fraction:.0%}"
    assert kills >= 3  # most runs really were killed mid-way
