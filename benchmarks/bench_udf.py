"""``=KPI()`` on a large range through the add-in's function path, as Excel calls it.

    python benchmarks/bench_udf.py [--rows 100000]

Calls ``kpis.xl.udfs.kpi`` through ``xlwings.server.custom_functions_call`` (xlwings' remote engine,
the path xlwings Lite runs) with a deals range of ``--rows`` rows x 7 columns sent the way Office.js
sends it (text, numbers, date serials), and prints, in wall-clock milliseconds (each the best of 3):

* receive: ``marshal.dumps`` of the range -- the cost of merely serialising what Excel sent, the
  floor any call on this range pays;
* first call: the range read into canonical tables and the KPI computed;
* same call again (Excel recalculating the cell, or twenty cells over the same range);
* another KPI on the same range (the dataset is cached, the KPI is computed);

with each as a ratio to ``receive``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import marshal
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # xlwings' remote engine, noncommercial licence
os.environ["XLWINGS_ON_SERVER"] = "true"

HEAD = ["ID affaire", "Commercial", "Étape", "Montant", "Date de création", "Date de clôture", "Compte"]


def deals_range(n: int, seed: int = 1) -> list[list]:
    rnd = random.Random(seed)
    epoch = dt.date(1899, 12, 30)
    rows: list[list] = [HEAD]
    for i in range(n):
        created = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randint(0, 600))
        rows.append([f"D{i}", f"Rep {i % 12}", rnd.choice(("Gagné", "Perdu", "Négociation")),
                     round(rnd.uniform(100, 50000), 2), (created - epoch).days,
                     (created + dt.timedelta(days=rnd.randint(5, 90)) - epoch).days, f"Compte {i % 700}"])
    return rows


def call(name: str, *args):
    import xlwings as xw
    from xlwings.server import custom_functions_call

    import kpis.xl.udfs as module

    data = {"func_name": name, "args": list(args), "version": xw.__version__, "client": "Office.js", "runtime": "1.4"}
    return asyncio.run(custom_functions_call(data, module))


def best_ms(fn, repeat: int = 3, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args(argv)
    import kpis.xl.udfs as U

    rows = deals_range(args.rows)
    period = [["2026-03"]]
    call("kpi", [["revenue"]], rows, period)  # imports and first-time set-up out of the figures
    receive = best_ms(lambda: marshal.dumps(rows, 2))
    first = best_ms(lambda: call("kpi", [["revenue"]], rows, period), before=U._DATASETS.clear)
    again = best_ms(lambda: call("kpi", [["revenue"]], rows, period))
    U._RESULTS.clear()
    U._RESULTS.update({id(ds): {} for ds in U._DATASETS.values()})
    other = best_ms(lambda: call("kpi", [["win_rate"]], rows, period),
                    before=lambda: U._RESULTS.update({id(ds): {} for ds in U._DATASETS.values()}))
    print(f"=KPI() on {args.rows:,} rows x {len(HEAD)} columns (ms, best of 3)")
    for label, ms in (("receive (marshal of the range)", receive), ("first call", first),
                      ("same call again", again), ("another KPI, same range", other)):
        print(f"  {label:<32} {ms:9.1f}   x{ms / receive:6.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
