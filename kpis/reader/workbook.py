"""``read_workbook``: a tracking workbook -> canonical tables + data-quality report.

The steps, each in its own module:

1. open the file, load the sheets that may hold wanted tables (:mod:`.source`; in-memory grids from
   the add-in: :mod:`.grids`);
2. find each sheet's header row and table regions (:mod:`.locate`), match headers to fields
   (:mod:`.headers`, words from :mod:`kpis.vocab`); ``[mapping.TABLE]`` places its table first;
3. give each region the table it matches best, each table at most once (best scores first);
4. read each region into its canonical table (:mod:`.build`: values by :mod:`.values`, category
   words by :mod:`.categories`, one column per month by :mod:`.targets`);
5. split shared deals (:mod:`.splits`), derive deal status (:mod:`.categories`), give every name one
   spelling across tables (:mod:`.names`), set canonical dtypes (:mod:`.canonical`).

Every problem met is an :class:`~kpis.quality.Issue` (texts in :mod:`.messages`).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from .. import vocab
from ..config import Config, TableMapping
from ..dataset import Dataset
from ..i18n import message
from ..quality import Issue, QualityReport
from ..schema import TABLES
from . import messages  # noqa: F401  (registers the texts)
from .build import Built, build_table
from .canonical import conform
from .categories import stage_status
from .headers import WIDE_TABLES, TableMatch, header_text, sheet_name_scores
from .locate import Region, best_header_row, match_in, region_at, region_of_table, regions_of
from .names import fold_names
from .source import RawSheet, Source
from .splits import split_deals
from .text import column_index, fold

ID_FIELDS = {"deals": "deal_id", "leads": "lead_id", "customers": "customer_id"}


def read_workbook(
    path: str | Path,
    config: Config | None = None,
    *,
    tables: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Dataset:
    """Read a tracking workbook (.xlsx, .xlsm) or a CSV export of one table.

    ``tables`` limits the canonical tables read (sheets that can only hold other tables are not even
    loaded). Raises :class:`~kpis.reader.ReadError` when the file cannot be read and
    :class:`~kpis.config.ConfigError` when ``[mapping]`` names a sheet or column that is not there;
    every other problem goes into ``dataset.quality``.
    """
    cfg = config or Config()
    with _gc_paused():
        with Source(Path(path), cfg.lang) as src:  # closed as soon as the sheets are in memory
            wanted, plan, sheets = _load(src, cfg, tables, progress)
        dataset = _read_sheets(src.path, sheets, plan, wanted, cfg, tables is not None, progress)
        del sheets  # millions of cells: freed before the garbage collector is back, not walked by it
    return dataset


def read_source(
    src: Any,
    config: Config | None = None,
    *,
    tables: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Dataset:
    """The reader's steps on an already open source: anything with ``path``, ``kind``,
    ``sheet_names``, ``_tables`` and ``load(name) -> RawSheet`` (a file's :class:`.source.Source`,
    or sheets already in memory: :class:`kpis.reader.grids.GridSource`)."""
    cfg = config or Config()
    with _gc_paused():
        wanted, plan, sheets = _load(src, cfg, tables, progress)
        dataset = _read_sheets(Path(src.path), sheets, plan, wanted, cfg, tables is not None, progress)
        del sheets
    return dataset


@contextmanager
def _gc_paused():
    """Millions of cell objects are created and dropped while reading: the cyclic garbage collector
    would walk them again and again for nothing (none of them is part of a cycle)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(src: Any, cfg: Config, tables: Iterable[str] | None, progress: Callable[[str], None] | None):
    wanted = _wanted(tables, cfg)
    plan = _plan(src, wanted, cfg)
    sheets: dict[str, RawSheet] = {}
    for name in plan.load:
        if progress:
            progress(message("reading_sheet", cfg.lang, sheet=name))
        sheets[name] = src.load(name)
    return wanted, plan, sheets


def _read_sheets(path: Path, sheets: dict[str, RawSheet], plan: "_Plan", wanted: set[str], cfg: Config,
                 asked: bool, progress: Callable[[str], None] | None) -> Dataset:
    report = QualityReport()
    assigned = _assign(sheets, plan, wanted, cfg, report)
    built: dict[str, Built] = {}
    for region, match in assigned:
        if progress:
            progress(message("reading_table", cfg.lang, table=match.table, range=region.ref))
        missing = match.missing_required
        if missing:
            report.add(Issue(region.name, region.header_row + 1, None, None, "skipped", "missing_required_column",
                             {"fields": ", ".join(missing), "table": match.table}, match.table))
            continue
        b = build_table(region, match, cfg)
        _report_layout(report, b)
        report.extend(b.issues)
        built[match.table] = b
    frames, _rows = _post_process(built, cfg, report)
    dataset = Dataset(path=path)
    for tname in TABLES:
        if tname in frames and (tname in wanted or (tname == "splits" and "deals" in wanted)):
            dataset.tables[tname] = conform(tname, frames[tname], trusted=True)
            if tname in built:
                dataset.sources[tname] = built[tname].region.ref
            elif tname == "splits" and "deals" in built:
                dataset.sources[tname] = built["deals"].region.ref
    lacking_columns = {i.table for i in report if i.code == "missing_required_column"}
    if asked:
        for tname in sorted(wanted - set(dataset.tables) - set(built) - lacking_columns):
            report.add(Issue(path.name, None, None, None, "info", "table_not_found", {"table": tname}, tname))
    if not built and not lacking_columns:
        report.add(Issue(path.name, None, None, None, "ignored", "no_tables", {}))
    dataset.quality = report
    return dataset


# -- which tables, which sheets ---------------------------------------------------------------------

def _wanted(tables: Iterable[str] | None, cfg: Config) -> set[str]:
    names = set(TABLES) if tables is None else set(tables)
    unknown = names - set(TABLES)
    if unknown:
        raise ValueError(f"unknown tables: {sorted(unknown)}; known: {sorted(TABLES)}")
    return {t for t in names if not (t in cfg.mapping and cfg.mapping[t].ignore)}


class _Plan:
    def __init__(self) -> None:
        self.load: list[str] = []
        self.mapped: dict[str, tuple[str | None, str | None]] = {}  # table -> (sheet, excel table)


def _plan(src: Source, wanted: set[str], cfg: Config) -> _Plan:
    """Resolve ``[mapping]`` sheets and choose the sheets to load."""
    plan = _Plan()
    config_sheets = {fold(n) for n in vocab.CONFIG_SHEET_NAMES}
    names = [n for n in src.sheet_names if fold(n) not in config_sheets]
    for tname, spec in cfg.mapping.items():
        if spec.ignore or tname not in wanted or not spec.sheet:
            continue
        plan.mapped[tname] = _resolve_sheet(src, names, spec, tname, cfg)
    reading = wanted | ({"deals"} if "splits" in wanted else set())
    mapped_sheets = {s for s, _ in plan.mapped.values()}
    other_mapped = {spec.sheet for t, spec in cfg.mapping.items() if t not in reading and spec.sheet}
    for n in names:
        if n in mapped_sheets:
            plan.load.append(n)
            continue
        if n in other_mapped:
            continue
        named = set(sheet_name_scores(n))
        if src.kind == "excel" and named and not (named & reading) and reading != set(TABLES):
            continue  # the sheet's name says it holds a table nobody asked for
        plan.load.append(n)
    return plan


def _resolve_sheet(src: Source, names: list[str], spec: TableMapping, tname: str, cfg: Config) -> tuple[str, str | None]:
    want = spec.sheet or ""
    if src.kind == "csv":
        return names[0], None
    if want in names:
        return want, None
    by_fold = [n for n in names if fold(n) == fold(want)]
    if by_fold:
        return by_fold[0], None
    for sheet, tables in src._tables.items():
        for t in tables:
            if fold(t.name) == fold(want):
                return sheet, t.name
    raise cfg.error(
        message("mapping_sheet_not_found", cfg.lang, sheet=want, sheets=", ".join(names)), "mapping", tname, "sheet"
    )


# -- assigning regions to tables --------------------------------------------------------------------

def _region_key(r: Region) -> tuple[str, int, str | None]:
    return (r.sheet.name, r.header_row, r.excel_table)


def _assign(sheets: dict[str, RawSheet], plan: _Plan, wanted: set[str], cfg: Config, report: QualityReport) -> list[tuple[Region, TableMatch]]:
    out: list[tuple[Region, TableMatch]] = []
    used: set[tuple[str, int, str | None]] = set()
    used_sheets: set[str] = set()
    done: set[str] = set()
    reading = wanted | ({"deals"} if "splits" in wanted else set())
    # 1. tables placed by the configuration
    for tname in sorted(reading):
        spec = cfg.mapping.get(tname)
        if spec is None or spec.ignore or not (spec.sheet or spec.header_row or spec.columns):
            continue
        region = _mapped_region(sheets, plan, tname, spec, cfg)
        if region is None:
            continue  # no sheet given and nothing looks like the table: reported as not found
        forced = _forced_columns(region, tname, spec, cfg)
        out.append((region, match_in(region, tname, forced)))
        used.add(_region_key(region))
        used_sheets.add(region.sheet.name)
        done.add(tname)
    # 2. every other region, best matches first
    auto = [t for t in TABLES if t in reading and t not in done]
    candidates: list[tuple[int, int, Region, TableMatch]] = []
    all_regions: list[tuple[Region, list[TableMatch]]] = []
    for order, sheet in enumerate(sheets.values()):
        if sheet.name in used_sheets and not sheet.tables:
            continue
        for region, matches in regions_of(sheet, [t for t in TABLES if t in reading] or ["deals"]):
            if _region_key(region) in used:
                continue
            all_regions.append((region, matches))
            for m in matches:
                if m.eligible and m.table in auto:
                    candidates.append((m.score, -order, region, m))
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    for score, _, region, m in candidates:
        if m.table in done or _region_key(region) in used:
            continue
        out.append((region, m))
        used.add(_region_key(region))
        used_sheets.add(region.sheet.name)
        done.add(m.table)
    # 3. what was left aside
    for region, matches in all_regions:
        if _region_key(region) in used:
            continue
        eligible = [m for m in matches if m.eligible]
        if eligible:
            m = eligible[0]
            first = next(r for r, mm in out if mm.table == m.table) if m.table in done else None
            if first is not None:
                report.add(Issue(region.name, region.header_row + 1, None, None, "ignored", "duplicate_source",
                                 {"table": m.table, "range": region.ref, "first": first.ref}, m.table))
                continue
        near = matches[0] if matches else None
        params: dict[str, Any] = {}
        code = "sheet_unused"
        if near is not None and near.score - near.sheet_bonus > 0 and near.missing_required:
            code, params = "sheet_unused_near", {"table": near.table, "fields": ", ".join(near.missing_required)}
        report.add(Issue(region.name, None, None, None, "ignored", code, params))
    for sheet in sheets.values():
        if sheet.name not in used_sheets and not any(r.sheet.name == sheet.name for r, _ in all_regions):
            report.add(Issue(sheet.name, None, None, None, "ignored", "sheet_unused", {}))
    return out


def _mapped_region(sheets: dict[str, RawSheet], plan: _Plan, tname: str, spec: TableMapping, cfg: Config) -> Region | None:
    sheet_name, excel_table = plan.mapped.get(tname, (None, None))
    if sheet_name is None:
        # No sheet given: the best region for this table anywhere, then the header row/columns apply.
        best: tuple[int, Region] | None = None
        for sheet in sheets.values():
            for region, _ in regions_of(sheet, [tname]):
                score = match_in(region, tname).score
                if best is None or score > best[0]:
                    best = (score, region)
        if best is None:
            return None
        sheet_name = best[1].sheet.name
        excel_table = best[1].excel_table
    sheet = sheets[sheet_name]
    if spec.header_row:
        row = spec.header_row - 1
        for t in sheet.tables:
            if t.header_row == row:
                return region_of_table(sheet, t)
        region = region_at(sheet, row)
        if region is None:
            raise cfg.error(message("mapping_header_empty", cfg.lang, row=spec.header_row, sheet=sheet.name),
                            "mapping", tname, "header_row")
        return region
    if excel_table:
        return region_of_table(sheet, next(t for t in sheet.tables if t.name == excel_table))
    if sheet.tables:
        regions = [region_of_table(sheet, t) for t in sheet.tables]
        return max(regions, key=lambda r: match_in(r, tname).score)
    found = best_header_row(sheet, only=tname)
    region = region_at(sheet, found[0]) if found else None
    if region is None:
        raise cfg.error(message("mapping_no_header", cfg.lang, sheet=sheet.name), "mapping", tname, "sheet")
    return region


def _forced_columns(region: Region, tname: str, spec: TableMapping, cfg: Config) -> dict[str, int]:
    forced: dict[str, int] = {}
    by_text: dict[str, int] = {}
    for col, cell in region.headers.items():
        by_text.setdefault(fold(header_text(cell)), col)
    for fld, header in spec.columns.items():
        col = by_text.get(fold(header))
        if col is None:
            letter = column_index(header)
            if letter is not None and region.first_col <= letter <= region.last_col:
                col = letter
        if col is None:
            shown = ", ".join(f"« {header_text(c)} »" for c in region.headers.values())
            raise cfg.error(message("mapping_column_not_found", cfg.lang, header=header, range=region.ref, headers=shown),
                            "mapping", tname, "columns", fld)
        forced[fld] = col
    return forced


# -- reporting the layout ---------------------------------------------------------------------------

def _report_layout(report: QualityReport, b: Built) -> None:
    r, m = b.region, b.match
    row = r.header_row + 1
    report.add(Issue(r.name, row, None, None, "mapped", "table_found",
                     {"table": m.table, "range": r.ref, "rows": len(b.frame)}, m.table))
    for fld, col in sorted(m.columns.items(), key=lambda kv: kv[1]):
        header = r.header(col)
        report.add(Issue(r.name, row, header, None, "mapped", "column_mapped", {"table": m.table, "field": fld, "column": header}, m.table, fld))
        f = TABLES[m.table].field(fld)
        if f.kind == "money" and _says_thousands(header):
            report.add(Issue(r.name, row, header, None, "info", "header_thousands", {}, m.table, fld))
    if m.wide:
        value_field = WIDE_TABLES[m.table][0]
        report.add(Issue(r.name, row, None, None, "mapped", "wide_layout",
                         {"table": m.table, "field": value_field, "count": len(m.months)}, m.table, value_field))
    taken = set(m.columns.values()) | set(m.months)
    for col in sorted(r.headers):
        if col not in taken:
            report.add(Issue(r.name, row, r.header(col), None, "ignored", "column_unmapped",
                              {"table": m.table, "column": r.header(col)}, m.table))


def _says_thousands(header: str) -> bool:
    words = fold(header).split()
    return "k" in words or "keur" in words or "milliers" in words or "thousands" in words or "k€" in header.lower()


# -- after reading: splits, status, names, duplicates -------------------------------------------------

def _post_process(built: dict[str, Built], cfg: Config, report: QualityReport) -> tuple[dict[str, pd.DataFrame], dict[str, np.ndarray]]:
    frames = {t: b.frame for t, b in built.items()}
    rows = {t: b.rows for t, b in built.items()}

    def issuer(b: Built) -> Callable[..., None]:
        def issue(row, column, value, action, code, fld=None, **params):
            report.add(Issue(b.region.name, row, column, value, action, code, params, b.table, fld))

        return issue

    if "deals" in built:
        b = built["deals"]
        deals, splits, split_rows = split_deals(frames["deals"], rows["deals"], issuer(b), b.headers.get("rep"))
        frames["deals"] = deals
        if len(splits):
            if "splits" in frames:
                frames["splits"] = pd.concat([frames["splits"], splits], ignore_index=True)
                rows["splits"] = np.concatenate([rows["splits"], split_rows])
            else:
                frames["splits"] = splits
                rows["splits"] = split_rows
        if "stage" in deals.columns:
            status, unknown = stage_status(deals["stage"], cfg)
            deals = deals.copy()
            deals["status"] = status
            frames["deals"] = deals
            if unknown.any():
                words = deals.loc[unknown, "stage"]
                first_pos = words.groupby(words, sort=False).head(1)
                counts = words.value_counts()
                for pos, word in first_pos.items():
                    report.add(Issue(b.region.name, int(rows["deals"][pos]), b.headers.get("stage"), word, "info",
                                     "unknown_stage", {"count": int(counts[word])}, "deals", "stage"))

    def name_report(t: str, f: str, spelling: str, display: str, count: int) -> None:
        b = built.get(t) or built.get("deals")
        col = frames[t][f]
        pos = int(np.flatnonzero((col == spelling).to_numpy())[0])
        r = rows.get(t)
        row = int(r[pos]) if r is not None and pos < len(r) else None
        header = built[t].headers.get(f) if t in built else (built["deals"].headers.get("rep") if "deals" in built else None)
        report.add(Issue(b.region.name, row, header, spelling, "converted", "name_folded",
                         {"name": display, "count": count}, t, f))

    frames = fold_names(frames, name_report)
    for t, f in ID_FIELDS.items():
        if t in frames and f in frames[t].columns and t in built:
            ids = frames[t][f]
            dup = ids.notna() & ids.duplicated(keep=False)
            if dup.any():
                b = built[t]
                for value, group in ids[dup].groupby(ids[dup], sort=False):
                    r = rows[t][group.index.to_numpy()]
                    report.add(Issue(b.region.name, int(r[0]), b.headers.get(f), value, "info", "duplicate_id",
                                     {"count": len(r), "rows": ", ".join(str(int(x)) for x in r[:10])}, t, f))
    return frames, rows
