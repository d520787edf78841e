"""The benchmarks keep working: each runs at a CI size (nothing is timed here; figures are
``benchmarks/``' job, as ratios within one run)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def run_bench(name: str, *args: str) -> None:
    sys.path.insert(0, str(BENCH))
    argv = sys.argv
    try:
        sys.argv = [name, *args]
        with pytest.raises(SystemExit) as done:
            runpy.run_path(str(BENCH / name), run_name="__main__")
        assert done.value.code == 0
    finally:
        sys.argv = argv
        sys.path.remove(str(BENCH))


def test_bench_udf_runs(capsys):
    run_bench("bench_udf.py", "--rows", "300")
    out = capsys.readouterr().out
    assert "first call" in out and "same call again" in out


ROWS = (  # every figure of issue 11 has its row in run_all's table
    "floor: fastexcel -> Arrow", "kpis report end to end", "peak memory", "naive pandas", "LibreOffice",
    "catalogue, 13 months x every rep", "=KPI() first call", "as in xlwings Lite", "desktop/server",
    "add-in refresh of the KPI sheets", "add-in refresh again", "kpis report again", "kpis --help",
    "kpis validate example", "reference: python-calamine", "reference: naive pandas against the floor",
    "reference: =KPI() of another KPI on the range already read", "reference: the least a first call costs",
)


@pytest.mark.slow
def test_run_all_prints_every_row(tmp_path):
    import subprocess

    done = subprocess.run([sys.executable, str(BENCH / "run_all.py"), "--quick", "--data", str(tmp_path)],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    for label in ROWS:
        assert label in out, label
    assert "FAILED" not in out, out
    assert out.count("\n| ") >= 20  # header + one line per figure
