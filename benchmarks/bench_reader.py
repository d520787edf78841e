"""How much the reader costs over calamine's bare read of the same sheets.

    python benchmarks/bench_reader.py [--activities 200000] [--repeat 3] [--mess] [--keep PATH]

Generates a tracking workbook with :mod:`kpis.demo.sample` (``--activities`` rows in the activity sheet,
the other tables scaled alike), then times, best of ``--repeat``:

* bare: ``CalamineWorkbook.from_path`` + ``get_sheet_by_name(...).to_python()`` of every sheet;
* reader: :func:`kpis.reader.read_workbook` (all tables, names folded, quality report built);

in CPU time of this process (the machine may be shared: wall-clock time would measure the neighbours),

and prints both and their ratio (target: <= 1.5). ``--mess`` writes the realistic messy workbook
(text dates and amounts, title rows, totals, Excel tables…) instead of a clean one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def bare_read(path: Path, gc_off: bool = False) -> float:
    import gc

    from python_calamine import CalamineWorkbook

    if gc_off:
        gc.disable()
    t0 = time.process_time()
    wb = CalamineWorkbook.from_path(str(path))
    for name in wb.sheet_names:
        wb.get_sheet_by_name(name).to_python()
    wb.close()
    elapsed = time.process_time() - t0
    gc.enable()
    return elapsed


def reader_read(path: Path) -> tuple[float, dict[str, int]]:
    from kpis.reader import read_workbook

    t0 = time.process_time()
    ds = read_workbook(path)
    elapsed = time.process_time() - t0
    return elapsed, {name: len(df) for name, df in ds.tables.items()}


def make_workbook(path: Path, activities: int, mess: bool) -> None:
    from kpis.demo import sample

    truth = sample.build_truth(scale=activities / sample.ACTIVITIES_PER_SCALE)
    sample.write_workbook(truth, path, "fr", mess=sample.Mess.realistic("fr") if mess else sample.Mess())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--activities", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--mess", action="store_true")
    ap.add_argument("--keep", type=Path, default=None, help="write (or reuse) the workbook at this path")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.xlsx"
        if not path.exists():
            t0 = time.perf_counter()
            make_workbook(path, args.activities, args.mess)
            print(f"generated {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
        bares, nogcs, runs = [], [], []
        for _ in range(args.repeat):  # interleaved, so a busy neighbour weighs on all three alike
            bares.append(bare_read(path))
            nogcs.append(bare_read(path, gc_off=True))
            runs.append(reader_read(path))
        bare, nogc, reader = min(bares), min(nogcs), min(r[0] for r in runs)
        rows = runs[0][1]
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    print(f"calamine bare read            : {bare:7.2f} s CPU")
    print(f"calamine bare read, gc paused : {nogc:7.2f} s CPU")
    print(f"read_workbook                 : {reader:7.2f} s CPU")
    print(f"ratio                         : {reader / bare:7.2f}  (target <= 1.5)")
    print(f"ratio to the gc-paused read   : {reader / nogc:7.2f}  (the reader pauses the collector too)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
