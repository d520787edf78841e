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
