"""Every performance figure of the product against its target, from one run, in one table.

    python benchmarks/run_all.py [--quick] [--data DIR] [--repeat N] [--skip NAME ...]

The machine is shared and noisy, so the targets are ratios against baselines measured in the same
run, each in a fresh process (``python -c`` / ``python -m kpis``) whose wall time the parent measures
and whose peak memory comes from ``os.wait4`` (the child's own ``ru_maxrss``):

* floor: fastexcel reading every sheet of the workbook into Arrow -- the fastest read there is;
* ``kpis report`` end to end (``--no-snapshot``), on the issue's workbook (400,000 activities) and at
  Excel's limit (1,048,575 activity rows): time and peak memory, each ÷ the floor's (target <= 1.5);
* the naive way (pandas ``read_excel`` with openpyxl, groupby, ``to_excel``), measured once: ÷ report
  (target >= 20); the same KPIs as COUNTIFS/SUMIFS formulas recalculated by LibreOffice headless on
  load and converted: ÷ report (target >= 5);
* two reference rows, no target: python-calamine turning every cell of the 400,000-row workbook into
  a Python value (what the fast read avoids, and what the realistic workbook's mixed columns need:
  a ceiling under which no reader keeping each cell's own type can go), and the naive way ÷ the floor
  (what the 20x would ask: a report quicker than the floor itself when this ratio is under 20);
* the whole catalogue, 13 months x every rep, in memory on the Excel-limit data (target < 1 s);
* one ``=KPI()`` on a 100,000-row range through xlwings' ``custom_functions_call``, both as xlwings
  Lite runs it (Pyodide: ``import js`` succeeds) and as the desktop/server path does (target < 50 ms);
* the add-in's refresh of the KPI sheets on the example (target < 1 s), and a second refresh and a
  second report on the unchanged workbook (target < 10 % of the first);
* start-up of ``kpis --help`` (wall) and ``kpis validate`` on the example (its imports, from
  ``python -X importtime``) (target < 0.5 s).

Workbooks are generated once with :mod:`kpis.demo.sample` (realistic French mess) into ``--data``
(default ``/tmp/kpis_bench``) and reused. ``--quick`` uses tiny sizes (the CI test runs it: it checks
that every row is produced, never the figures). Ratios are on CPU time (user + system of the child,
which a busy neighbour inflates far less than wall time; both are shown), best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

EXCEL_ROWS = 1_048_575
ISSUE_ROWS = 400_000
EXAMPLE = ROOT / "examples" / "suivi_commercial.xlsx"
UDF_ROWS = 100_000


# -- the whole catalogue in memory (compute_series prepares the months: the engine's one pass) ------
def catalogue(ds: Any, months: list) -> Any:
    from kpis.engine import compute_series

    return compute_series(ds, months, by=["rep"])


# -- running a fresh process and measuring it --------------------------------------------------------


@dataclass
class Run:
    seconds: float  # wall clock, measured by the parent
    cpu: float  # the child's user + system time
    peak_mb: float  # the child's peak resident memory (ru_maxrss)
    out: str
    err: str
    code: int


def child_env(**extra: str) -> dict[str, str]:
    """The children's environment: Python's compiled modules cached (as in any installed copy; a
    sandbox's ``PYTHONDONTWRITEBYTECODE`` would make every start-up compile the package from source),
    kept out of the source tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.setdefault("PYTHONPYCACHEPREFIX", str(Path(tempfile.gettempdir()) / "kpis_bench_pycache"))
    return {**env, **extra}


def cold_env() -> dict[str, str]:
    """A child's environment with a cache folder of its own, empty: a figure of a first run is never
    served by what an earlier benchmark (or the user's own runs, the same day) left in the cache."""
    folder = tempfile.mkdtemp(prefix="kpis_bench_cache_")
    atexit.register(shutil.rmtree, folder, True)
    return child_env(KPIS_CACHE_DIR=folder)


def run_child(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 3600) -> Run:
    """Run ``cmd`` in a fresh process; wall time, CPU time and peak RSS of that child alone."""
    env = env if env is not None else child_env()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        deadline = t0 + timeout
        while True:  # os.wait4 gives this child's own rusage (RUSAGE_CHILDREN would mix them)
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                pid, status, usage = os.wait4(p.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read().decode(errors="replace"),
                   err.read().decode(errors="replace"), p.returncode)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def worker(name: str, *args: str) -> list[str]:
    """This script in worker mode: one measurement in a fresh process, printed as JSON."""
    return python(str(Path(__file__).resolve()), "--worker", name, *args)


def worker_json(r: Run) -> dict[str, Any]:
    if r.code != 0:
        raise RuntimeError(f"worker failed ({r.code}): {r.err[-2000:]}")
    return json.loads(r.out.strip().splitlines()[-1])


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.cpu)


def cpu_wall(r: Run) -> str:
    return f"{fmt_s(r.cpu)} CPU ({fmt_s(r.seconds)} wall)"


def checked(r: Run, what: str) -> Run:
    if r.code != 0:
        raise RuntimeError(f"{what} failed ({r.code}): {r.err[-2000:]}")
    return r


# -- workers (each runs in its own process) -----------------------------------------------------------


def w_calamine(path: str) -> dict[str, Any]:
    """python-calamine: every sheet as Python values (``to_python``), the least a reader keeping each
    cell's own type must make of a workbook whose columns mix types (fastexcel refuses them)."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(path)
    cells = 0
    for name in book.sheet_names:
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells += sum(len(r) for r in rows)
        del rows
    return {"cells": cells}


def w_floor(path: str) -> dict[str, Any]:
    """fastexcel: every sheet of the workbook into Arrow record batches."""
    import fastexcel

    reader = fastexcel.read_excel(path)
    cells = 0
    for name in reader.sheet_names:
        table = reader.load_sheet(name).to_arrow()
        cells += table.num_rows * table.num_columns
    return {"cells": cells}


def w_catalogue(activities: str, repeat: str) -> dict[str, Any]:
    from kpis.dataset import Dataset
    from kpis.demo.sample import ACTIVITIES_PER_SCALE, build_truth
    from kpis.engine import default_period
    from kpis.periods import last_n

    frames = build_truth(scale=int(activities) / ACTIVITIES_PER_SCALE)
    ds = Dataset.from_frames(**frames)
    months = last_n(default_period(ds), 13)
    times = []
    for _ in range(int(repeat)):
        ds = Dataset.from_frames(**frames)  # a dataset of its own each time: nothing it memoised is reused
        t0 = time.process_time()
        catalogue(ds, months)
        times.append(time.process_time() - t0)
    return {"seconds": min(times), "rows": {k: len(v) for k, v in ds.tables.items()}}


def _pyodide_stand_in() -> None:
    """What xlwings Lite has: ``pyodide.ffi`` imports (xlwings' per-cell JsNull check is instant)."""
    import types

    pyodide, ffi = types.ModuleType("pyodide"), types.ModuleType("pyodide.ffi")
    ffi.JsNull = type("JsNull", (), {})  # type: ignore[attr-defined]
    pyodide.ffi = ffi  # type: ignore[attr-defined]
    sys.modules["pyodide"], sys.modules["pyodide.ffi"] = pyodide, ffi


def w_udf(rows: str, lite: str) -> dict[str, Any]:
    """One ``=KPI("revenue"; range; period)`` through custom_functions_call, first call on the range."""
    if lite == "1":
        _pyodide_stand_in()
    from bench_udf import call, deals_range

    data = deals_range(int(rows))
    call("kpi", [["revenue"]], deals_range(50, seed=2), [["2026-03"]])  # imports and set-up out of the figure
    t0 = time.process_time()
    call("kpi", [["revenue"]], data, [["2026-03"]])
    first = time.process_time() - t0
    t0 = time.process_time()
    call("kpi", [["revenue"]], data, [["2026-03"]])
    again = time.process_time() - t0
    t0 = time.process_time()  # a sheet's other cells: another KPI over the range already read
    call("kpi", [["win_rate"]], data, [["2026-03"]])
    other = time.process_time() - t0
    bare = []
    for _ in range(3):
        t0 = time.process_time()
        _bare_first_call(data)
        bare.append(time.process_time() - t0)
    return {"first": first, "again": again, "other": other, "bare": min(bare)}


def _bare_first_call(data: list[list[Any]]) -> str:
    """The least any first call on a range can cost in CPython, before kpis does anything of its own:
    the content key that lets the same call again be a look-up (marshal + SHA-256, as
    ``kpis.xl.udfs.content_key``), and each column typed once -- one numpy object array, pandas'
    type inference, a factorize of a text column or a float conversion. No header recognised, no
    value checked, no date read, no KPI."""
    import hashlib
    import marshal

    import numpy as np
    import pandas as pd

    key = hashlib.sha256(marshal.dumps(data, 2)).hexdigest()
    cells = np.array(data[1:], dtype=object)
    for j in range(cells.shape[1]):
        column = cells[:, j]
        if pd.api.types.infer_dtype(column, skipna=False) == "string":
            pd.factorize(column)
        else:
            column.astype("float64")
    return key


def w_refresh(path: str) -> dict[str, Any]:
    """The add-in's refresh_kpis on the example, run as xlwings Lite runs scripts (remote engine)."""
    sys.path.insert(0, str(ROOT / "tests" / "xl"))
    from conftest import book_json, new_book, run_script  # noqa: E402  (the tests' Office.js payload)

    import kpis.engine  # noqa: F401  imports happen once when the add-in loads, not per click
    import kpis.reader  # noqa: F401
    import kpis.xl.scripts as S

    payload = book_json(path)
    t0 = time.process_time()
    run_script(S, "refresh_kpis", new_book(payload))
    first = time.process_time() - t0
    t0 = time.process_time()
    run_script(S, "refresh_kpis", new_book(payload))
    return {"first": first, "again": time.process_time() - t0}


def w_naive(path: str, out: str) -> dict[str, Any]:
    """The naive way: pandas read_excel (openpyxl), groupby for the report's KPIs, to_excel."""
    import pandas as pd

    from kpis.demo.sample import HEADERS, SHEET_NAMES

    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None)

    def table(key: str) -> pd.DataFrame:  # a user finds the header row by eye; here: the row naming the fields
        raw = sheets[SHEET_NAMES["fr"][key]]
        names = set(HEADERS["fr"][key].values())
        at = next(i for i in range(min(10, len(raw))) if names & set(map(str, raw.iloc[i])))
        df = raw.iloc[at + 1:].copy()
        df.columns = [str(c) for c in raw.iloc[at]]
        return df

    H = {k: {f: h for f, h in HEADERS["fr"][k].items()} for k in ("deals", "activities")}
    deals, acts = table("deals"), table("activities")
    d = pd.DataFrame({
        "rep": deals[H["deals"]["rep"]].astype(str).str.strip(),
        "stage": deals[H["deals"]["stage"]].astype(str),
        "amount": pd.to_numeric(deals[H["deals"]["amount"]].astype(str).str.replace(r"[^\d,.-]", "", regex=True)
                                .str.replace(",", "."), errors="coerce"),
        "created": pd.to_datetime(deals[H["deals"]["created_date"]], errors="coerce", dayfirst=True),
        "closed": pd.to_datetime(deals[H["deals"]["close_date"]], errors="coerce", dayfirst=True),
    })
    a = pd.DataFrame({"rep": acts[H["activities"]["rep"]].astype(str).str.strip(),
                      "date": pd.to_datetime(acts[H["activities"]["date"]], errors="coerce", dayfirst=True),
                      "type": acts[H["activities"]["type"]].astype(str)})
    won = d[d["stage"].str.contains("gagn", case=False)]
    lost = d[d["stage"].str.contains("perdu", case=False)]
    month = lambda s: s.dt.to_period("M")  # noqa: E731
    out_frames = {
        "CA": won.groupby(["rep", month(won["closed"])])["amount"].agg(["sum", "count", "mean"]),
        "Perdues": lost.groupby(["rep", month(lost["closed"])]).size().rename("lost").to_frame(),
        "Créées": d.groupby(["rep", month(d["created"])]).size().rename("created").to_frame(),
        "Activités": a.groupby(["rep", month(a["date"]), "type"]).size().unstack(fill_value=0),
        "Pipeline": d[~d.index.isin(won.index) & ~d.index.isin(lost.index)].groupby("rep")["amount"].sum().to_frame(),
    }
    with pd.ExcelWriter(out, engine="openpyxl") as xw:
        for name, frame in out_frames.items():
            frame.to_excel(xw, sheet_name=name)
    return {"rows": int(len(d) + len(a))}


def w_formulas(activities: str, out: str) -> dict[str, Any]:
    """The workbook a formula user keeps: the deals and activities as values, and a KPI sheet of
    COUNTIFS/SUMIFS per rep x month (13 months) -- the same KPIs as the naive pandas script."""
    import xlsxwriter

    from kpis.demo.sample import ACTIVITIES_PER_SCALE, build_truth

    t = build_truth(scale=int(activities) / ACTIVITIES_PER_SCALE)
    deals, acts = t["deals"], t["activities"]
    reps = sorted(deals["rep"].dropna().unique())
    end = max(deals["close_date"].dropna().max(), acts["date"].dropna().max())
    months = [(end.to_period("M") - i) for i in range(12, -1, -1)]
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    kpi = wb.add_worksheet("KPI")  # first: what --convert-to csv exports
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    nd, na = len(deals) + 1, len(acts) + 1
    sd = wb.add_worksheet("Affaires")
    for c, h in enumerate(("rep", "status", "amount", "created", "closed")):
        sd.write(0, c, h)
    for r, row in enumerate(deals[["rep", "status", "amount", "created_date", "close_date"]].itertuples(index=False), 1):
        sd.write(r, 0, row[0] if isinstance(row[0], str) else "")
        sd.write(r, 1, row[1])
        sd.write(r, 2, 0 if row[2] != row[2] else float(row[2]))
        for c, v in ((3, row[3]), (4, row[4])):
            if v == v and v is not None:
                sd.write_datetime(r, c, v.to_pydatetime(), date)
    sa = wb.add_worksheet("Activites")
    for c, h in enumerate(("rep", "date", "type")):
        sa.write(0, c, h)
    for r, row in enumerate(acts[["rep", "date", "type"]].itertuples(index=False), 1):
        sa.write(r, 0, row[0] if isinstance(row[0], str) else "")
        if row[1] == row[1]:
            sa.write_datetime(r, 1, row[1].to_pydatetime(), date)
        sa.write(r, 2, row[2] if isinstance(row[2], str) else "")
    D = lambda col: f"Affaires!${col}$2:${col}${nd}"  # noqa: E731
    A = lambda col: f"Activites!${col}$2:${col}${na}"  # noqa: E731
    heads = ["rep", "month", "revenue", "won", "avg deal", "lost", "created", "activities", "meetings", "calls"]
    for c, h in enumerate(heads):
        kpi.write(0, c, h)
    r = 1
    for rep in reps:
        for m in months:
            kpi.write(r, 0, rep)
            kpi.write_datetime(r, 1, m.start_time.to_pydatetime(), date)
            x = r + 1
            within = lambda rng: f'{rng},">="&$B{x},{rng},"<"&EDATE($B{x},1)'  # noqa: E731
            kpi.write_formula(r, 2, f'=SUMIFS({D("C")},{D("A")},$A{x},{D("B")},"won",{within(D("E"))})')
            kpi.write_formula(r, 3, f'=COUNTIFS({D("A")},$A{x},{D("B")},"won",{within(D("E"))})')
            kpi.write_formula(r, 4, f'=IF(D{x}>0,C{x}/D{x},0)')
            kpi.write_formula(r, 5, f'=COUNTIFS({D("A")},$A{x},{D("B")},"lost",{within(D("E"))})')
            kpi.write_formula(r, 6, f'=COUNTIFS({D("A")},$A{x},{within(D("D"))})')
            kpi.write_formula(r, 7, f'=COUNTIFS({A("A")},$A{x},{within(A("B"))})')
            kpi.write_formula(r, 8, f'=COUNTIFS({A("A")},$A{x},{A("C")},"meeting",{within(A("B"))})')
            kpi.write_formula(r, 9, f'=COUNTIFS({A("A")},$A{x},{A("C")},"call",{within(A("B"))})')
            r += 1
    wb.close()
    return {"formulas": (r - 1) * 8, "reps": len(reps)}


def w_imports(*modules: str) -> dict[str, Any]:
    """CPU time of this process once ``modules`` are imported: interpreter start-up plus imports
    (``-X importtime`` reports wall time, which a busy machine inflates)."""
    import importlib

    for name in modules:
        importlib.import_module(name)
    return {"cpu": time.process_time()}


WORKERS: dict[str, Callable[..., dict[str, Any]]] = {
    "imports": w_imports, 
    "floor": w_floor, "calamine": w_calamine, "catalogue": w_catalogue, "udf": w_udf, "refresh": w_refresh, "naive": w_naive,
    "formulas": w_formulas,
}


# -- the measurements ---------------------------------------------------------------------------------


def workbook(data: Path, activities: int) -> Path:
    """The realistic French tracking workbook with ``activities`` activity rows (generated once)."""
    path = data / f"suivi_{activities}.xlsx"
    if not path.exists():
        from bench_reader import make_workbook

        t0 = time.perf_counter()
        tmp = path.with_suffix(".tmp.xlsx")
        make_workbook(tmp, activities, True)
        tmp.replace(path)
        print(f"# generated {path} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return path


def report_cmd(path: Path, out: Path) -> list[str]:
    return python("-m", "kpis", "report", str(path), "-o", str(out), "--force", "--no-snapshot")


def cold_report(path: Path, repeat: int) -> tuple[Run, Path]:
    """``kpis report`` with nothing cached: each run on its own copy of the file, in its own folder,
    with its own cache home (a content cache beside the file or in the user's cache is cold)."""
    runs = []
    for _ in range(repeat):
        folder = Path(tempfile.mkdtemp(prefix="kpis_bench_run_"))
        src = folder / path.name
        try:
            os.link(path, src)
        except OSError:
            shutil.copy2(path, src)
        env = child_env(KPIS_CACHE_DIR=str(folder / "cache"))  # both caches (kpis.cache.cache_dir)
        runs.append((checked(run_child(report_cmd(src, folder / "rapport.xlsx"), env=env, cwd=folder), "kpis report"), folder))
    keep = min(runs, key=lambda rf: rf[0].cpu)
    for _, folder in runs:
        if folder is not keep[1]:
            shutil.rmtree(folder, ignore_errors=True)
    return keep


def warm_report(folder: Path) -> Run:
    """The same report again, same file, same folder, same cache home: nothing has changed."""
    src = next(p for p in folder.iterdir() if p.name.startswith("suivi_"))
    env = child_env(KPIS_CACHE_DIR=str(folder / "cache"))  # both caches (kpis.cache.cache_dir)
    return checked(run_child(report_cmd(src, folder / "rapport2.xlsx"), env=env, cwd=folder), "kpis report (again)")


def import_seconds(stderr: str) -> float:
    """Total import time from ``python -X importtime`` (sum of the top-level imports' cumulative us)."""
    total = 0
    for line in stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (\s*)(\S.*)$", line)
        if m and m.group(2) == "":
            total += int(m.group(1))
    return total / 1e6


@dataclass
class Row:
    figure: str
    value: str
    against: str
    ratio: float | None
    target: str
    met: bool | None


def fmt_s(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def table(rows: list[Row]) -> str:
    head = ("figure", "measured", "against (same run)", "ratio", "target", "met")
    body = [(r.figure, r.value, r.against, "" if r.ratio is None else f"{r.ratio:.2f}", r.target,
             "n/a" if r.met is None else ("yes" if r.met else "NO")) for r in rows]
    widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
    line = lambda cells: "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    return "\n".join([line(head), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, body)])


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    ram = ""
    if Path("/proc/meminfo").exists():
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        ram = f"{kb / 1024 / 1024:.0f} GB RAM"
    from importlib.metadata import PackageNotFoundError, version

    vers = []
    for pkg in ("pandas", "numpy", "pyarrow", "fastexcel", "python-calamine", "openpyxl", "xlsxwriter", "jinja2", "xlwings", "polars"):
        try:
            vers.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            pass
    soffice = shutil.which("soffice")
    lo = ""
    if soffice:
        try:
            lo = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
        except Exception:
            lo = "soffice (version unknown)"
    return (f"{os.cpu_count()} cores ({cpu}), {ram}, Python {platform.python_version()} on {platform.system()}\n"
            f"{', '.join(vers)}\n{lo}")


def soffice_recalc(xlsx: Path, outdir: Path) -> tuple[Run, list[list[str]]]:
    """LibreOffice headless: load (recalculating every formula: forced by a private profile), convert
    the KPI sheet to CSV. Returns the run and the CSV rows (to check the formulas were computed)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers.libreoffice import _profile  # the tests' private profile: OOXMLRecalcMode = always

    profile = _profile()
    try:
        cmd = [shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{profile}", "--headless",
               "--norestore", "--nologo", "--convert-to", "csv", "--outdir", str(outdir), str(xlsx)]
        r = checked(run_child(cmd), "soffice")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    import csv

    with open(outdir / (xlsx.stem + ".csv"), newline="", encoding="utf-8", errors="replace") as f:
        return r, list(csv.reader(f))


def measure(args: argparse.Namespace) -> list[Row]:
    data: Path = args.data
    data.mkdir(parents=True, exist_ok=True)
    quick = args.quick
    sizes = (3000, 12000) if quick else (ISSUE_ROWS, EXCEL_ROWS)
    repeat = args.repeat
    skip = set(args.skip or ())
    rows: list[Row] = []
    first_report: dict[int, tuple[Run, Path]] = {}
    floors: dict[int, Run] = {}
    subprocess.run(python("-m", "compileall", "-q", str(ROOT / "kpis"), str(BENCH)), env=child_env(), check=False)

    def step(name: str) -> bool:
        if name in skip:
            return False
        print(f"# {name} ...", file=sys.stderr, flush=True)
        return True

    def failed(figure: str, target: str, e: Exception) -> None:
        """A step that could not run is a row too: what failed, in its own words (one line)."""
        text = " ".join(str(e).split())
        rows.append(Row(figure, "FAILED: " + (text[:160] + "…" if len(text) > 160 else text), "", None, target, False))

    for n in sizes:
        path = workbook(data, n)
        label = f"{n:,} activity rows ({path.stat().st_size / 1e6:.0f} MB)"
        if not step(f"floor+report {n}"):
            continue
        floor = best([checked(run_child(worker("floor", str(path))), "floor") for _ in range(repeat)])
        floors[n] = floor
        rows.append(Row(f"floor: fastexcel -> Arrow, every sheet, {label}", f"{cpu_wall(floor)}, {floor.peak_mb:.0f} MB",
                        "", None, "(baseline)", None))
        if n == sizes[0] and step("calamine"):
            figure = f"reference: python-calamine -> a Python value per cell, every sheet, {label}"
            try:
                cal = best([checked(run_child(worker("calamine", str(path))), "calamine") for _ in range(repeat)])
            except RuntimeError as e:
                failed(figure, "(reference)", e)
            else:
                rows.append(Row(figure, f"{cpu_wall(cal)}, {cal.peak_mb:.0f} MB", f"floor {fmt_s(floor.cpu)}",
                                cal.cpu / floor.cpu, "(reference)", None))
        try:
            rep, folder = cold_report(path, repeat if n != EXCEL_ROWS else max(1, repeat - 1))
        except RuntimeError as e:
            failed(f"kpis report end to end, {label}", "<= 1.5 x floor", e)
            continue
        first_report[n] = (rep, folder)
        rows.append(Row(f"kpis report end to end, {label}: time", cpu_wall(rep), f"floor {fmt_s(floor.cpu)}",
                        rep.cpu / floor.cpu, "<= 1.5 x floor", rep.cpu / floor.cpu <= 1.5))
        rows.append(Row(f"kpis report end to end, {label}: peak memory", f"{rep.peak_mb:.0f} MB",
                        f"floor {floor.peak_mb:.0f} MB", rep.peak_mb / floor.peak_mb, "<= 1.5 x floor",
                        rep.peak_mb / floor.peak_mb <= 1.5))
        print(table(rows), file=sys.stderr, flush=True)

    base_n = sizes[0]
    base = first_report.get(base_n)
    if base is None and args.report_cpu:  # the first report measured by another run (given in CPU s)
        base = (Run(float("nan"), args.report_cpu, float("nan"), "", "", 0), None)
    path = workbook(data, base_n)

    def naive_step() -> None:
        out = Path(tempfile.mkdtemp(prefix="kpis_bench_naive_")) / "naive.xlsx"
        naive = checked(run_child(worker("naive", str(path), str(out))), "naive pandas")
        rows.append(Row(f"naive pandas (read_excel openpyxl, groupby, to_excel), {base_n:,} rows", cpu_wall(naive),
                        f"report {fmt_s(base[0].cpu)}", naive.cpu / base[0].cpu, ">= 20 x report",
                        naive.cpu / base[0].cpu >= 20))
        figure = f"reference: naive pandas against the floor, {base_n:,} rows"  # what the 20x would ask
        if base_n in floors:
            rows.append(Row(figure, cpu_wall(naive), f"floor {fmt_s(floors[base_n].cpu)}",
                            naive.cpu / floors[base_n].cpu, "(reference)", None))
        else:
            rows.append(Row(figure, "not measured: the floor was skipped", "", None, "(reference)", None))

    def libreoffice_step() -> None:
        tmp = Path(tempfile.mkdtemp(prefix="kpis_bench_lo_"))
        xlsx = data / f"formulas_{base_n}.xlsx"
        if not xlsx.exists():
            worker_json(run_child(worker("formulas", str(base_n), str(xlsx))))
        if shutil.which("soffice"):
            lo, csv_rows = soffice_recalc(xlsx, tmp)
            computed = sum(1 for r in csv_rows[1:] for v in r[2:] if v not in ("", "0"))
            rows.append(Row(f"COUNTIFS/SUMIFS in LibreOffice (recalc on load + convert), {base_n:,} rows, "
                            f"{(len(csv_rows) - 1) * 8} formulas, {computed} non-zero",
                            cpu_wall(lo), f"report {fmt_s(base[0].cpu)}", lo.cpu / base[0].cpu,
                            ">= 5 x report", lo.cpu / base[0].cpu >= 5))
        else:
            rows.append(Row("COUNTIFS/SUMIFS in LibreOffice", "soffice missing", "", None, ">= 5 x report", None))

    def catalogue_step() -> None:
        n = sizes[1]
        c = worker_json(checked(run_child(worker("catalogue", str(n), str(repeat)), env=cold_env()), "catalogue"))
        rows.append(Row(f"catalogue, 13 months x every rep, in memory, {n:,} activity rows", fmt_s(c["seconds"]), "",
                        None, "< 1 s", c["seconds"] < 1))

    def best_first(name: str, *args: str) -> dict[str, Any]:
        """The worker run ``repeat`` times, each in a fresh process with its own empty cache: the run
        whose first call was quickest (its "again" figure with it, a ratio within one run)."""
        runs = [worker_json(checked(run_child(worker(name, *args), env=cold_env()), name)) for _ in range(repeat)]
        return min(runs, key=lambda r: r["first"])

    def udf_step() -> None:
        n = 300 if quick else UDF_ROWS
        for lite, how in (("1", "as in xlwings Lite (Pyodide)"), ("0", "desktop/server (no Pyodide)")):
            u = best_first("udf", str(n), lite)
            rows.append(Row(f"=KPI() first call, {n:,} rows x 7, {how}", fmt_s(u["first"]), "", None, "< 50 ms",
                            u["first"] < 0.05))
            rows.append(Row(f"=KPI() same call again, {how}", fmt_s(u["again"]), f"first {fmt_s(u['first'])}",
                            u["again"] / u["first"], "< 0.10 x first", u["again"] / u["first"] < 0.10))
            rows.append(Row(f"reference: =KPI() of another KPI on the range already read, {how}", fmt_s(u["other"]),
                            f"first {fmt_s(u['first'])}", u["other"] / u["first"], "(reference)", None))
            if lite == "1":  # the same in both runtimes: no xlwings in it
                rows.append(Row(f"reference: the least a first call costs, {n:,} rows x 7 (content key + columns typed, nothing else)",
                                fmt_s(u["bare"]), "target 50 ms", u["bare"] / 0.05, "(reference)", None))

    def refresh_step() -> None:
        r = best_first("refresh", str(EXAMPLE))
        rows.append(Row("add-in refresh of the KPI sheets, example workbook", fmt_s(r["first"]), "", None, "< 1 s",
                        r["first"] < 1))
        rows.append(Row("add-in refresh again, unchanged workbook", fmt_s(r["again"]), f"first {fmt_s(r['first'])}",
                        r["again"] / r["first"], "< 0.10 x first", r["again"] / r["first"] < 0.10))

    def again_step() -> None:
        again = warm_report(base[1])
        rows.append(Row(f"kpis report again, unchanged workbook, {base_n:,} rows", cpu_wall(again),
                        f"first {fmt_s(base[0].cpu)}", again.cpu / base[0].cpu, "< 0.10 x first",
                        again.cpu / base[0].cpu < 0.10))

    def startup_step() -> None:
        helps = best([checked(run_child(python("-m", "kpis", "--help")), "kpis --help") for _ in range(max(3, repeat))])
        rows.append(Row("kpis --help, whole process", cpu_wall(helps), "", None, "< 0.5 s", helps.cpu < 0.5))
        runs = [run_child(python("-X", "importtime", "-m", "kpis", "validate", str(EXAMPLE))) for _ in range(max(3, repeat))]
        imports = min(import_seconds(r.err) for r in runs)
        whole = best(runs)
        # what validate imports before it reads: the CLI, the configuration, the reader (pandas...)
        cpu = min(worker_json(checked(run_child(worker("imports", "kpis.cli", "kpis.config", "kpis.config_sheet",
                                                              "kpis.reader")), "imports"))["cpu"]
                  for _ in range(max(3, repeat)))
        rows.append(Row("kpis validate example: start-up (CPU to import the CLI and the reader)", fmt_s(cpu),
                        f"imports {fmt_s(imports)} wall (-X importtime); whole run {cpu_wall(whole)}", None,
                        "< 0.5 s", cpu < 0.5))
    steps = (  # name, needs the first report, the figure and target written when it fails, the step
        ("report again", True, "kpis report again, unchanged workbook", "< 0.10 x first", again_step),
        ("start-up", False, "kpis --help / validate start-up", "< 0.5 s", startup_step),
        ("refresh", False, "add-in refresh of the KPI sheets", "< 1 s", refresh_step),
        ("udf", False, "=KPI() through custom_functions_call", "< 50 ms", udf_step),
        ("catalogue", False, "catalogue, 13 months x every rep, in memory", "< 1 s", catalogue_step),
        ("libreoffice", True, "COUNTIFS/SUMIFS in LibreOffice vs report", ">= 5 x report", libreoffice_step),
        ("naive", True, "naive pandas vs report", ">= 20 x report", naive_step),
    )
    for name, needs_base, figure, target, fn in steps:
        if needs_base and not base:
            if name not in skip:
                rows.append(Row(figure, "not measured: the first report failed", "", None, target, None))
            continue
        if step(name):
            try:
                fn()
            except (RuntimeError, OSError, ValueError, KeyError) as e:
                failed(figure, target, e)
            print(table(rows), file=sys.stderr, flush=True)  # so far: a long run can be read as it goes
    for _, folder in first_report.values():
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes (CI): checks every row is produced")
    ap.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "kpis_bench",
                    help="where the generated workbooks are kept and reused")
    ap.add_argument("--repeat", type=int, default=3, help="best of N for the timed runs")
    ap.add_argument("--skip", nargs="*", help="steps to leave out (by name, as printed)")
    ap.add_argument("--report-cpu", type=float, default=None,
                    help="with --skip of the first report: its CPU seconds from another run, for the ratios")
    ap.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(WORKERS[args.worker[0]](*args.worker[1:])))
        return 0
    if args.quick:
        args.data = args.data / "quick"
        args.repeat = 1
    t0 = time.perf_counter()
    rows = measure(args)
    print(machine())
    print(f"one run, {time.perf_counter() - t0:.0f} s{' (--quick sizes)' if args.quick else ''}; fresh processes: "
          "ratios on CPU time (user + system, from os.wait4, as the peak RSS), wall time beside it; "
          "in-process figures (catalogue, =KPI(), refresh) are CPU time of that process\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
