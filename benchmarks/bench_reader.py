"""How much the reader costs over calamine's bare read of the same sheets.

    python benchmarks/bench_reader.py [--activities 200000] [--repeat 3] [--mess] [--keep PATH]

Generates a tracking workbook with :mod:`kpis.demo.sample` (``--activities`` rows in the activity sheet,
the other tables scaled alike), then times, best of ``--repeat``:

* bare: ``CalamineWorkbook.from_path`` + ``get_sheet_by_name(...).to_python()`` of every sheet;
* reader: :func:`kpis.reader.read_workbook` (all tables, names folded, quality report built);

in CPU time of this process (the machine may be shared: wall-clock time would measure the neighbours),

and prints both and their ratio (target: <= 1.5). Then, each in a fresh process (CPU, wall time and
peak RSS, the interpreter's imports included): the floor -- fastexcel reading every sheet to Arrow --,
``read_workbook`` with the full read forced (``kpis.reader.fast.MODE = "never"``, the old path) and
``read_workbook`` as shipped (typed columns where the census allows). ``--fresh-only`` skips the
in-process timings (the Excel-limit workbook: ``--activities 1048575 --keep /tmp/kpis-1m.xlsx``). ``--mess`` writes the realistic messy workbook
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


_FRESH = {
    "floor": """
import fastexcel, sys
r = fastexcel.read_excel(sys.argv[1])
for n in r.sheet_names:
    r.load_sheet(n, header_row=None).to_arrow()
""",
    "old": """
import sys
from kpis.reader import fast, read_workbook
fast.MODE = "never"
read_workbook(sys.argv[1])
""",
    "new": """
import sys
from kpis.reader import read_workbook
read_workbook(sys.argv[1])
""",
}


def fresh(kind: str, path: Path) -> tuple[float, float, float]:
    """CPU s, wall s, peak RSS MB of one run in a fresh Python process."""
    import os
    import subprocess

    code = "import resource, time, os\nt0 = time.perf_counter()\n" + _FRESH[kind] + (
        "\nru = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print(ru.ru_utime + ru.ru_stime, time.perf_counter() - t0, ru.ru_maxrss / 1024)\n")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, check=True)
    cpu, wall, rss = (float(x) for x in out.stdout.split()[-3:])
    return cpu, wall, rss


def make_workbook(path: Path, activities: int, mess: bool) -> None:
    from kpis.demo import sample

    truth = sample.build_truth(scale=activities / sample.ACTIVITIES_PER_SCALE)
    sample.write_workbook(truth, path, "fr", mess=sample.Mess.realistic("fr") if mess else sample.Mess())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--activities", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--mess", action="store_true")
    ap.add_argument("--fresh-only", action="store_true", help="only the fresh-process floor / old / new figures")
    ap.add_argument("--keep", type=Path, default=None, help="write (or reuse) the workbook at this path")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.xlsx"
        if not path.exists():
            t0 = time.perf_counter()
            make_workbook(path, args.activities, args.mess)
            print(f"generated {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
        figures = {}
        for _ in range(max(1, args.repeat if args.fresh_only else 1)):
            for kind in ("floor", "old", "new"):
                f = fresh(kind, path)
                if kind not in figures or f[0] < figures[kind][0]:
                    figures[kind] = f
        floor = figures["floor"]
        print("fresh process, best CPU of the runs: CPU s / wall s / peak RSS MB (ratio to the floor)")
        for kind, label in (("floor", "fastexcel, every sheet to Arrow"), ("old", "read_workbook, full read (old)"),
                            ("new", "read_workbook, typed columns (new)")):
            cpu, wall, rss = figures[kind]
            print(f"  {label:36s}: {cpu:6.2f} / {wall:6.2f} / {rss:7.0f}   "
                  f"(x{cpu / floor[0]:.2f} CPU, x{rss / floor[2]:.2f} RSS)")
        if args.fresh_only:
            return 0
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
