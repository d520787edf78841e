"""The whole monthly report against calamine's bare read of the same workbook.

    python benchmarks/bench_report.py [--activities 1048575] [--period 2026-10] [--keep PATH]

The product's bar: an Excel-limit workbook (1,048,575 activity rows) is reported in little more than
the time it takes to read it. This writes a realistic French tracking workbook of that size with
:mod:`kpis.demo.sample` (or reuses ``--keep PATH``), then times in this process, in CPU seconds (the
machine may be shared: wall-clock time would measure the neighbours):

* bare: calamine's ``to_python()`` of every sheet (the floor no reader can beat);
* read: :func:`kpis.reader.read_workbook`;
* compute: :func:`kpis.report.build_context` (every KPI, breakdowns, 13-month trends, statements);
* render + write: the default template filled and saved;

and prints each step and the ratios report / bare and report / read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_reader import bare_read, make_workbook  # noqa: E402

EXCEL_ROWS = 1_048_575


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--activities", type=int, default=EXCEL_ROWS)
    ap.add_argument("--period", default="2026-10")
    ap.add_argument("--keep", type=Path, help="workbook to reuse (written there when missing)")
    args = ap.parse_args(argv)

    from kpis.config import Config
    from kpis.periods import parse_period
    from kpis.reader import read_workbook
    from kpis.report import build_context, default_template, render_report, save

    tmp = Path(tempfile.mkdtemp(prefix="kpis_bench_"))
    path = args.keep or tmp / "suivi.xlsx"
    if not path.exists():
        t0 = time.perf_counter()
        make_workbook(path, args.activities, mess=True)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s")

    period = parse_period(args.period)
    cfg = Config()
    bare = bare_read(path)

    t0 = time.process_time()
    ds = read_workbook(path, cfg)
    t_read = time.process_time() - t0

    t0 = time.process_time()
    ctx = build_context(ds, period, cfg, lang="fr", source=path.name)
    t_compute = time.process_time() - t0

    t0 = time.process_time()
    report = render_report(default_template("report", "fr"), ctx, lang="fr")
    save(report, tmp / "rapport.xlsx")
    t_render = time.process_time() - t0

    total = t_read + t_compute + t_render
    rows = {name: len(df) for name, df in ds.tables.items()}
    print(f"rows: {rows}")
    print(f"calamine bare read     {bare:8.1f} s")
    print(f"read_workbook          {t_read:8.1f} s")
    print(f"build_context          {t_compute:8.1f} s")
    print(f"render + write         {t_render:8.1f} s")
    print(f"whole report           {total:8.1f} s   = {total / bare:.2f} x bare read, {total / t_read:.2f} x read_workbook")
    return 0


if __name__ == "__main__":
    sys.exit(main())
