"""Benchmark: the whole KPI catalogue on an Excel-limit dataset (1,048,575 activity rows).

    python benchmarks/bench_engine.py [--scale S] [--repeat N] [--workbook PATH]

Builds the canonical tables with :func:`kpis.demo.sample.build_truth`, then times ``compute`` for one month
(with previous-period and year-ago comparisons) and ``compute_series`` for 13 months, with and
without breakdowns. The headline figure (issue #11, target < 1 s) is the whole catalogue for 13
months × every rep, data in memory: ``compute_series(ds, last_n(p, 13), by=["rep"])``, which
evaluates the 13 months in one pass; ``--reference`` also times the same computed month by month
(``Evaluator(one_pass=False)``), the way it was done before. Times are CPU seconds of this process (the machine may be shared: wall-clock
time would measure the neighbours), best of ``--repeat``.

``--workbook PATH`` also writes that dataset as a French tracking workbook (once: reused when it
exists) and times :func:`kpis.reader.read_workbook` on it, to compare the engine with the read.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kpis.dataset import Dataset  # noqa: E402
from kpis.engine import compute, compute_series, default_period  # noqa: E402
from kpis.periods import last_n  # noqa: E402

EXCEL_ROWS = 1_048_575


def build(scale: float | None) -> tuple[Dataset, float]:
    from kpis.demo.sample import ACTIVITIES_PER_SCALE, build_truth

    s = scale if scale is not None else EXCEL_ROWS / ACTIVITIES_PER_SCALE
    return Dataset.from_frames(**build_truth(scale=s)), s


def timed(label: str, fn, repeat: int = 1):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    print(f"{label:<52} {best:8.3f} s CPU")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=float, default=None, help="sample scale (default: Excel-limit activities)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--workbook", type=Path, default=None, help="also write/read this workbook and time the read")
    ap.add_argument("--reference", action="store_true", help="also time the month-by-month evaluation")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    ds, scale = build(args.scale)
    print(f"dataset (scale {scale:.2f}) built in {time.perf_counter() - t0:.1f} s: "
          + ", ".join(f"{k} {len(v):,}" for k, v in ds.tables.items()))
    if args.workbook is not None:
        from kpis.reader import read_workbook
        from kpis.demo.sample import write_workbook

        if not args.workbook.exists():
            t0 = time.perf_counter()
            write_workbook(ds.tables, args.workbook, "fr")
            print(f"workbook written in {time.perf_counter() - t0:.1f} s: {args.workbook}")
        ds = timed("read_workbook (all tables)", lambda: read_workbook(args.workbook))
    period = default_period(ds)
    print(f"period {period.label}")
    r = timed("compute, 1 month, all KPIs + comparisons", lambda: compute(ds, period), args.repeat)
    timed("compute, 1 month, all KPIs, by rep", lambda: compute(ds, period, by=["rep"]), args.repeat)
    timed("compute, 1 month, all KPIs, by rep, team, product", lambda: compute(ds, period, by=["rep", "team", "product"]), args.repeat)
    timed("compute_series, 13 months, all KPIs", lambda: compute_series(ds, last_n(period, 13)), args.repeat)
    months = last_n(period, 13)
    timed("CATALOGUE, 13 months x every rep, one pass (< 1 s)", lambda: compute_series(ds, months, by=["rep"]), args.repeat)
    if args.reference:
        from kpis.engine import Evaluator, reference_date

        def month_by_month():
            ev = Evaluator(ds, None, reference_date(ds), one_pass=False)
            return [compute(ds, p, by=["rep"], compare=False, evaluator=ev) for p in months]

        timed("same, month by month (before the one pass)", month_by_month)
    not_ok = [k.id for k in r if k.status != "ok"]
    print(f"{len(r)} KPIs, not ok: {not_ok or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
