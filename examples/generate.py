"""Generate the example workbooks from the seeded sample data.

    python examples/generate.py                 # examples/suivi_commercial.xlsx and sales_tracking.xlsx
    python examples/generate.py --scale 174.76 --out /tmp/big   # an Excel-limit activity sheet

Both files hold the same team and numbers (seed 7, 24 months to November 2026, "as of" 15 Nov 2026):
the French one as a French team keeps it, the English one with English sheets, headers and words,
each messed up the way real workbooks are (see ``kpis.demo.sample.Mess.realistic``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

try:
    from kpis.demo.sample import Mess, build_truth, write_workbook
except ImportError:  # run from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from kpis.demo.sample import Mess, build_truth, write_workbook

FILES = {"fr": "suivi_commercial.xlsx", "en": "sales_tracking.xlsx"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the example tracking workbooks.")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the row counts (default 1)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent,
                        help="output folder (default: this examples/ folder)")
    parser.add_argument("--clean", action="store_true", help="write tidy tables, without the realistic mess")
    args = parser.parse_args(argv)

    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    truth = build_truth(seed=args.seed, scale=args.scale)
    rows = ", ".join(f"{name} {len(df):,}" for name, df in truth.items())
    print(f"built in {time.perf_counter() - start:.1f} s: {rows}")
    for lang, name in FILES.items():
        start = time.perf_counter()
        path = args.out / name
        write_workbook(truth, path, lang, mess=None if args.clean else Mess.realistic(lang))
        print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB) in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
