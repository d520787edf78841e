"""``read_workbook``: a tracking workbook -> canonical tables + data-quality report.

The steps, each in its own module:

1. open the file, load the sheets that may hold wanted tables (:mod:`.source`; in-memory grids from
   the add-in: :mod:`.grids`);
2. find each sheet's header row and table regions (:mod:`.locate`), match headers to fields
   (:mod:`.headers`, words from :mod:`kpis.vocab`); ``[mapping.TABLE]`` places its table first;
3. give each region the table it matches best, each table once (best scores first); a region whose
   best table is taken joins it when it is clearly the same table on another sheet (:mod:`.join`);
4. read each region into its canonical table, a table's regions put together in workbook order (ids
   met in several sheets: the last sheet's row kept) (:mod:`.build`: values by :mod:`.values`, category
   words by :mod:`.categories`, one column per month by :mod:`.targets`);
5. split shared deals (:mod:`.splits`), derive deal status (:mod:`.categories`), give every name one
   spelling across tables (:mod:`.names`), set canonical dtypes (:mod:`.canonical`).

Every problem met is an :class:`~kpis.quality.Issue` (texts in :mod:`.messages`).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from .. import vocab
from ..config import Config, TableMapping
from ..dataset import Dataset
from ..memory import release_free_memory
from ..i18n import message
from ..quality import Action, Issue, QualityReport
from ..schema import TABLES
from . import messages  # noqa: F401  (registers the texts)
from .build import MAX_CELL_ISSUES, Built, build_table
from .canonical import conform
from .categories import stage_status
from .headers import WIDE_TABLES, TableMatch, header_text, sheet_name_scores
from .join import same_table
from .locate import Region, best_header_row, match_in, region_at, region_of_table, regions_of
from .names import fold_names
from .source import RawSheet, Source
from .splits import split_deals
from .text import column_index, column_letter, fold

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
        dataset = _read_sheets(src.path, sheets, plan, wanted, cfg, tables is not None, progress, src.notes,
                               release=True)
        del sheets  # millions of cells: freed before the garbage collector is back, not walked by it
    release_free_memory()
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
        dataset = _read_sheets(Path(src.path), sheets, plan, wanted, cfg, tables is not None, progress,
                               getattr(src, "notes", []))
        del sheets
    return dataset


def detect_layout(path: str | Path, config: Config | None = None) -> tuple[list[tuple[Region, TableMatch]], QualityReport]:
    """What :func:`read_workbook` would read, without reading it: each region kept and its table
    match (fields, confidences, runner-ups, columns rejected by content), in workbook order, and the
    sheets left aside (``report``). ``kpis init`` explains it and writes it down as a configuration."""
    cfg = config or Config()
    with _gc_paused():
        with Source(Path(path), cfg.lang) as src:
            wanted, plan, sheets = _load(src, cfg, None, None)
        report = QualityReport()
        assigned = _assign(sheets, plan, wanted, cfg, report)
    order = {name: k for k, name in enumerate(sheets)}
    assigned.sort(key=lambda rm: (order[rm[0].sheet.name], rm[0].header_row))
    return assigned, report


class _Released(list):  # type: ignore[type-arg]
    """A sheet's grid once its tables are built (:func:`_read_sheets`): reading it is a bug, said
    loudly rather than seen as an empty sheet."""

    def _gone(self, *args: Any) -> Any:
        raise RuntimeError("the sheet's cells were released once its tables were built")

    __getitem__ = __iter__ = __len__ = __bool__ = _gone


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Millions of cell objects are created and dropped while reading: the cyclic garbage collector
    would walk them again and again for nothing (none of them is part of a cycle)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


BESIDE_COLUMNS = 64  # columns looked at on each side of a table for values nothing reads


def _values_beside(assigned: list[tuple[Region, TableMatch]], kept: list[np.ndarray | None], report: QualityReport) -> None:
    """Values in the rows of a table but in columns outside its region -- past an empty column, or
    under no header at its edge -- and in no other table: nothing reads them. Each such column is
    said with its letter, its count of values and the first one (a column typed one column too far is
    otherwise lost). Not said: an index column pandas writes at the left edge (0, 1, 2… under no
    header). Typed and coded columns are checked per distinct value; plain rows by two slices each,
    cell by cell only where a slice holds something."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for region, _ in assigned:
        spans.setdefault(region.sheet.name, []).append((region.first_col, region.last_col))
    for (region, match), rows_read in zip(assigned, kept):
        grid = region.sheet.grid
        r0, r1 = region.first_row, region.last_row
        if r1 < r0 or rows_read is None or not rows_read.any():
            continue
        taken = spans[region.sheet.name]
        lo = max(0, region.first_col - BESIDE_COLUMNS)
        hi = region.last_col + 1 + BESIDE_COLUMNS
        found = _beside_values(grid, r0, r1, lo, region.first_col, region.last_col + 1, hi, taken)
        for col in sorted(found):
            at_all, _, values_all = found[col]
            pairs = [(k, v) for k, v in zip(at_all, values_all) if rows_read[k]]  # not a totals row, a blank one
            if not pairs:
                continue
            at = [k for k, _ in pairs]
            values = [v for _, v in pairs]
            first = pairs[0][1]
            if col == region.first_col - 1 == 0 and _an_index(values, at):
                continue
            letter = column_letter(col)
            report.add(Issue(region.name, r0 + at[0] + 1, letter, first, "ignored", "values_beside_table",
                             {"letter": letter, "count": len(at), "range": region.ref, "table": match.table},
                             match.table))


def _beside_values(grid: Any, r0: int, r1: int, lo: int, first: int, after: int, hi: int,
                   taken: list[tuple[int, int]]) -> dict[int, tuple[list[int], Any, list[Any]]]:
    """column -> (row offsets of its filled cells, the first cell, those cells) for the columns
    ``lo..first-1`` and ``after..hi-1`` in no span of ``taken``, rows ``r0..r1``."""
    from .cells import filled

    free = [c for c in (*range(lo, first), *range(after, hi)) if not any(a <= c <= b for a, b in taken)]
    out: dict[int, tuple[list[int], Any, list[Any]]] = {}
    if not free:
        return out
    if hasattr(grid, "factorize"):  # typed or coded columns: one check per distinct value
        for col in (c for c in free if c < grid.width):
            codes, uniques = grid.factorize(col, r0, r1)
            full = np.array([filled(u) for u in uniques] + [False], dtype=bool)
            hits = np.flatnonzero(full[np.where(codes < 0, len(uniques), codes)])
            if len(hits):
                out[col] = ([int(x) for x in hits], uniques[codes[hits[0]]], list(np.asarray(uniques, dtype=object)[codes[hits]]))
        return out
    blank = ("", None)
    rows = grid[r0 : r1 + 1]
    sides = [(a, b) for a, b in ((lo, first), (after, hi)) if a < b]
    reach = min(a for a, _ in sides) if sides else 0
    lens = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    for k in np.flatnonzero(lens > reach).tolist():  # rows of a CSV (or a range) end with their data
        row = rows[k]
        for a, b in sides:
            seg = row[a:b]
            empty = seg.count("")  # C-level: most rows end here
            if empty == len(seg) or empty + seg.count(None) == len(seg):
                continue
            for j, v in enumerate(seg):
                col = a + j
                if v not in blank and filled(v) and col in free:
                    rows_at, _, values = out.setdefault(col, ([], v, []))
                    rows_at.append(k)
                    values.append(v)
    return out


def _an_index(values: list[Any], at: list[int]) -> bool:
    """Whether a headerless first column is a row index (pandas' to_excel writes 0, 1, 2…): every row
    filled with consecutive whole numbers."""
    nums = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(nums) != len(values) or len(at) < 2 or at != list(range(at[0], at[0] + len(at))):
        return False
    return all(float(b) - float(a) == 1.0 for a, b in zip(nums, nums[1:]))


def _load(src: Any, cfg: Config, tables: Iterable[str] | None, progress: Callable[[str], None] | None
          ) -> tuple[set[str], _Plan, dict[str, RawSheet]]:
    wanted = _wanted(tables, cfg)
    plan = _plan(src, wanted, cfg)
    sheets: dict[str, RawSheet] = {}
    for name in plan.load:
        if progress:
            progress(message("reading_sheet", cfg.lang, sheet=name))
        sheets[name] = src.load(name)
    return wanted, plan, sheets


def _read_sheets(path: Path, sheets: dict[str, RawSheet], plan: "_Plan", wanted: set[str], cfg: Config,
                 asked: bool, progress: Callable[[str], None] | None, notes: Iterable[Issue] = (),
                 release: bool = False) -> Dataset:
    """The tables of the loaded sheets. ``release``: the sheets are the reader's own (loaded from a
    file, not the caller's grids), and their cells are dropped once every table is built -- at
    400,000 activities ~50 MB less at the read's peak, which post-processing and conforming reach."""
    report = QualityReport(notes)  # the file's own notes (its real kind, links to other files) first
    for sheet in sheets.values():
        report.extend(sheet.issues)  # noted while loading: stray cells, formulas without values…
    assigned = _assign(sheets, plan, wanted, cfg, report)
    order = {name: k for k, name in enumerate(sheets)}
    assigned.sort(key=lambda rm: (order[rm[0].sheet.name], rm[0].header_row))  # workbook order within a table
    parts: dict[str, list[Built]] = {}
    kept: list[np.ndarray | None] = []  # each region's rows read (a mask over its data rows), None: not read
    for region, match in assigned:
        kept.append(None)
        if progress:
            progress(message("reading_table", cfg.lang, table=match.table, range=region.ref))
        missing = match.missing_required
        if missing:
            report.add(Issue(region.name, region.header_row + 1, None, None, "skipped", "missing_required_column",
                             {"fields": ", ".join(missing), "table": match.table}, match.table))
            continue
        b = build_table(region, match, cfg)
        parts.setdefault(match.table, []).append(b)
        mask = np.zeros(max(0, region.last_row - region.first_row + 1), dtype=bool)
        offsets = b.rows.astype(np.int64) - (region.first_row + 1)
        mask[offsets[(offsets >= 0) & (offsets < len(mask))]] = True
        kept[-1] = mask
    _values_beside(assigned, kept, report)  # the grids are still there; the rows read are known
    if release and parts:  # the sheets' cells are in the tables now: freed before post-processing
        for sheet in sheets.values():
            sheet.grid = _Released()
    built: dict[str, _Table] = {}
    for tname, bs in parts.items():
        t = _Table.of(bs)
        _report_table_layout(report, t)
        for b in bs:
            report.extend(b.issues)
        built[tname] = t
    frames, _rows = _post_process(built, cfg, report)
    dataset = Dataset(path=path)
    for tname in TABLES:
        if tname in frames and (tname in wanted or (tname == "splits" and "deals" in wanted)):
            dataset.tables[tname] = conform(tname, frames[tname], trusted=True)
            if tname in built:
                dataset.sources[tname] = built[tname].ref
            elif tname == "splits" and "deals" in built:
                dataset.sources[tname] = built["deals"].ref
    lacking_columns = {i.table for i in report if i.code == "missing_required_column"}
    if asked:
        for tname in sorted(wanted - set(dataset.tables) - set(built) - lacking_columns):
            report.add(Issue(path.name, None, None, None, "info", "table_not_found", {"table": tname}, tname))
    if not built and not lacking_columns:
        empty = all(not any(v not in ("", None) for row in s.grid for v in row) for s in sheets.values())
        report.add(Issue(path.name, None, None, None, "ignored", "empty_workbook" if empty else "no_tables", {}))
    dataset.quality = report
    return dataset


@dataclass
class _Table:
    """One canonical table read from one region or more (the same table over several sheets,
    concatenated in workbook order); every row keeps its sheet (``part``) and Excel row."""

    table: str
    parts: list[Built]
    frame: pd.DataFrame
    rows: np.ndarray  # Excel row of each frame row
    part: np.ndarray  # index in ``parts`` of each frame row

    @classmethod
    def of(cls, parts: list[Built]) -> "_Table":
        if len(parts) == 1:
            b = parts[0]
            return cls(b.table, parts, b.frame, b.rows, np.zeros(len(b.frame), dtype=np.int64))
        frame = pd.concat([b.frame for b in parts], ignore_index=True)  # columns missing in a sheet: empty
        rows = np.concatenate([b.rows for b in parts])
        part = np.repeat(np.arange(len(parts)), [len(b.frame) for b in parts])
        return cls(parts[0].table, parts, frame, rows, part)

    @property
    def ref(self) -> str:
        """``'Affaires 2025'!A1:T400; 'Affaires 2026'!A1:T380``."""
        return "; ".join(b.region.ref for b in self.parts)

    def sheet(self, pos: int) -> str:
        return self.parts[int(self.part[pos])].region.name

    def header(self, pos: int | None, fld: str | None) -> str | None:
        b = self.parts[int(self.part[pos])] if pos is not None and pos < len(self.part) else self.parts[0]
        return b.headers.get(fld) if fld else None

    def keep(self, mask: np.ndarray) -> "_Table":
        frame = self.frame.loc[mask].reset_index(drop=True)
        return _Table(self.table, self.parts, frame, self.rows[mask], self.part[mask])


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
        self.mapped: dict[str, list[tuple[str, str | None]]] = {}  # table -> [(sheet, excel table)]


def _plan(src: Source, wanted: set[str], cfg: Config) -> _Plan:
    """Resolve ``[mapping]`` sheets and choose the sheets to load."""
    plan = _Plan()
    config_sheets = {fold(n) for n in vocab.CONFIG_SHEET_NAMES}
    names = [n for n in src.sheet_names if fold(n) not in config_sheets]
    for tname, spec in cfg.mapping.items():
        if spec.ignore or tname not in wanted or not _pinned(spec):
            continue
        key = "sheets" if spec.sheets else "sheet"
        plan.mapped[tname] = [_resolve_sheet(src, names, want, tname, key, cfg) for want in _pinned(spec)]
    reading = wanted | ({"deals"} if "splits" in wanted else set())
    mapped_sheets = {s for pins in plan.mapped.values() for s, _ in pins}
    other_mapped = {s for t, spec in cfg.mapping.items() if t not in reading for s in _pinned(spec)}
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


def _pinned(spec: TableMapping) -> list[str]:
    """The sheets ``[mapping.TABLE]`` names: ``sheet = "…"`` (one) or ``sheets = [...]`` (each, in order)."""
    return list(spec.sheets) if spec.sheets else ([spec.sheet] if spec.sheet else [])


def _resolve_sheet(src: Source, names: list[str], want: str, tname: str, key: str, cfg: Config) -> tuple[str, str | None]:
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
        message("mapping_sheet_not_found", cfg.lang, sheet=want, sheets=", ".join(names)), "mapping", tname, key
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
        if spec is None or spec.ignore or not spec.shapes:
            continue
        for pin in plan.mapped.get(tname) or _NO_PIN:
            region = _mapped_region(sheets, pin, tname, spec, cfg)
            if region is None:
                continue  # no sheet given and nothing looks like the table: reported as not found
            forced = _forced_columns(region, tname, spec, cfg)
            unmapped = _unmapped_columns(region, tname, spec, cfg)
            out.append((region, _apply_spec(match_in(region, tname, forced, unmapped, cfg), region, tname, spec, cfg)))
            used.add(_region_key(region))
            used_sheets.add(region.sheet.name)
            done.add(tname)
    pinned = set(done)
    # 2. every other region, best matches first
    auto = [t for t in TABLES if t in reading and t not in done]
    candidates: list[tuple[int, int, Region, TableMatch]] = []
    all_regions: list[tuple[Region, list[TableMatch]]] = []
    best_of: dict[tuple[str, int, str | None], TableMatch] = {}  # region -> its best eligible match
    for order, sheet in enumerate(sheets.values()):
        if sheet.name in used_sheets and not sheet.tables:
            continue
        for region, matches in regions_of(sheet, [t for t in TABLES if t in reading] or ["deals"], cfg):
            if _region_key(region) in used:
                continue
            all_regions.append((region, matches))
            best = next((m for m in matches if m.eligible), None)
            if best is not None:
                best_of[_region_key(region)] = best
            for m in matches:
                if m.eligible and m.table in auto:
                    candidates.append((m.score, -order, region, m))
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    for score, _, region, m in candidates:
        if _region_key(region) in used:
            continue
        best = best_of[_region_key(region)]
        if best.table in done:
            # The region is first of all a table already read: the same table on another sheet
            # ("Affaires 2026" after "Affaires 2025") is appended to it, else it is left aside (and
            # reported), never read as some lesser match.
            first = next((r, mm) for r, mm in out if mm.table == best.table)
            if best.table not in pinned and same_table(region, best, *first):
                out.append((region, best))
                used.add(_region_key(region))
                used_sheets.add(region.sheet.name)
            continue
        if m.table in done:
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
            kept = next(r for r, mm in out if mm.table == m.table) if m.table in done else None
            if kept is not None:
                report.add(Issue(region.name, region.header_row + 1, None, None, "ignored", "duplicate_source",
                                 {"table": m.table, "range": region.ref, "first": kept.ref}, m.table))
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


_NO_PIN: list[tuple[str | None, str | None]] = [(None, None)]  # a mapping without sheet: searched everywhere


def _mapped_region(sheets: dict[str, RawSheet], pin: tuple[str | None, str | None], tname: str, spec: TableMapping,
                   cfg: Config) -> Region | None:
    sheet_name, excel_table = pin
    if sheet_name is None:
        # No sheet given: the best region for this table anywhere, then the header row/columns apply.
        best: tuple[int, Region] | None = None
        for sheet in sheets.values():
            for candidate, _ in regions_of(sheet, [tname], cfg):
                score = match_in(candidate, tname, config=cfg).score
                if best is None or score > best[0]:
                    best = (score, candidate)
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
        return max(regions, key=lambda r: match_in(r, tname, config=cfg).score)
    found = best_header_row(sheet, only=tname)
    region = region_at(sheet, found[0]) if found else None
    if region is None:
        raise cfg.error(message("mapping_no_header", cfg.lang, sheet=sheet.name), "mapping", tname, "sheet")
    return region


def _header_column(region: Region, header: str) -> int | None:
    """The column of ``header`` (as written, case and accents free, or a column letter)."""
    for col, cell in region.headers.items():
        if fold(header_text(cell)) == fold(header):
            return col
    letter = column_index(header)
    return letter if letter is not None and region.first_col <= letter <= region.last_col else None


def _unmapped_columns(region: Region, tname: str, spec: TableMapping, cfg: Config) -> list[int]:
    out = []
    for header in spec.unmapped:
        col = _header_column(region, header)
        if col is None:
            shown = ", ".join(f"« {header_text(c)} »" for c in region.headers.values())
            raise cfg.error(message("mapping_column_not_found", cfg.lang, header=header, range=region.ref, headers=shown),
                            "mapping", tname, "unmapped")
        out.append(col)
    return out


def _check_constant(tname: str, fld: str, value: str, cfg: Config) -> None:
    """A constant that does not read as its field's kind ("fin mars" for a date, "150 %" for a rate)
    would leave the whole column empty: refused as a configuration error, the way a column not found
    is, rather than a column of blanks said nowhere."""
    from .build import _parse, problem_params

    kind = TABLES[tname].field(fld).kind
    parsed = _parse(kind, np.array([value], dtype=object), tname, fld, cfg, True)
    problem = parsed.problem[0]
    if problem:
        reason = message(problem, cfg.lang, value=value, **problem_params(problem, kind, tname, fld))
        raise cfg.error(message("mapping_constant_unreadable", cfg.lang, value=value, field=fld, table=tname,
                                reason=reason), "mapping", tname, "constants", fld)


def _apply_spec(m: TableMatch, region: Region, tname: str, spec: TableMapping, cfg: Config) -> TableMatch:
    """Constants, derived fields and order lines of ``[mapping.TABLE]`` on a match."""
    from .derive import ExpressionError, compile_expression

    for f, value in spec.constants.items():
        _check_constant(tname, f, value, cfg)
        m.constants[f] = value
        m.columns.pop(f, None)
        m.scores.pop(f, None)
    for f, expr in spec.derived.items():
        try:
            compile_expression(expr, region.headers)
        except ExpressionError as e:
            raise cfg.error(str(e), "mapping", tname, "derived", f) from None
        m.derived[f] = expr
        m.columns.pop(f, None)
        m.scores.pop(f, None)
    if "stage" in m.constants:
        m.stage_from = None
    if spec.order_lines is not None:
        m.order_lines = spec.order_lines
    return m


def _forced_columns(region: Region, tname: str, spec: TableMapping, cfg: Config) -> dict[str, int]:
    forced: dict[str, int] = {}
    by_text: dict[str, int] = {}
    for c, cell in region.headers.items():
        by_text.setdefault(fold(header_text(cell)), c)
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

def _report_table_layout(report: QualityReport, t: _Table) -> None:
    """``table_found`` once per table (every range, every row), then each sheet's columns; a sheet
    appended to the first one says so (``sheet_appended``)."""
    first = t.parts[0]
    report.add(Issue(first.region.name, first.region.header_row + 1, None, None, "mapped", "table_found",
                     {"table": t.table, "range": t.ref, "rows": len(t.frame)}, t.table))
    for k, b in enumerate(t.parts):
        if k:
            r = b.region
            report.add(Issue(r.name, r.header_row + 1, None, None, "info", "sheet_appended",
                             {"table": t.table, "range": r.ref, "rows": len(b.frame), "first": first.region.ref}, t.table))
        _report_layout(report, b)


def _report_layout(report: QualityReport, b: Built) -> None:
    r, m = b.region, b.match
    row = r.header_row + 1
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
    for fld, why in m.guessed.items():
        header = r.header(m.columns[fld])
        code, _, other = why.partition(":")
        report.add(Issue(r.name, row, header, None, "info", f"column_guessed_{code}",
                         {"table": m.table, "field": fld, "column": header, "other": other}, m.table, fld))
    for fld, value in m.constants.items():
        report.add(Issue(r.name, row, None, value, "mapped", "field_constant", {"table": m.table, "field": fld, "constant": value},
                         m.table, fld))
    for fld, expr in m.derived.items():
        report.add(Issue(r.name, row, None, None, "mapped", "field_derived", {"table": m.table, "field": fld, "expr": expr},
                         m.table, fld))
    for e, col in sorted(m.extra.items(), key=lambda kv: kv[1]):
        if e in ("status", "won_date", "lost_date", "active"):
            report.add(Issue(r.name, row, r.header(col), None, "mapped", f"deal_{e}_column", {"column": r.header(col)},
                             m.table, "stage"))
    if m.stage_from:
        report.add(Issue(r.name, row, None, None, "info", f"stage_from_{m.stage_from}", {"table": m.table}, m.table, "stage"))
    taken = set(m.columns.values()) | set(m.months) | {c for e, c in m.extra.items() if e in _EXTRAS_READ}
    if m.derived:
        from .derive import compile_expression

        for expr in m.derived.values():
            taken |= set(compile_expression(expr, r.headers)[1].values())
    seen_rejected: set[int] = set()
    for col, fld, reason in m.rejected:
        if col in taken or col in seen_rejected:
            continue
        seen_rejected.add(col)
        report.add(Issue(r.name, row, r.header(col), None, "info", f"column_rejected_{reason}",
                         {"table": m.table, "field": fld, "column": r.header(col), "reason": reason}, m.table, fld))
    for col, fld in sorted(m.losers.items()):
        if col not in taken and col not in seen_rejected and fld in m.columns:
            report.add(Issue(r.name, row, r.header(col), None, "info", "column_not_preferred",
                             {"table": m.table, "field": fld, "column": r.header(col),
                              "chosen": r.header(m.columns[fld])}, m.table, fld))
    _report_duplicate_headers(report, b, taken)
    for col in sorted(r.headers):
        if col not in taken:
            report.add(Issue(r.name, row, r.header(col), None, "ignored", "column_unmapped",
                              {"table": m.table, "column": r.header(col)}, m.table))


def _report_duplicate_headers(report: QualityReport, b: Built, taken: set[int]) -> None:
    """Two columns under the same header: say which one is read (a wrong guess is worse than a note)."""
    r, m = b.region, b.match
    by_text: dict[str, list[int]] = {}
    for col in sorted(r.headers):
        text = fold(header_text(r.headers[col]))
        if text:
            by_text.setdefault(text, []).append(col)
    for cols in by_text.values():
        if len(cols) < 2:
            continue
        used = [c for c in cols if c in taken]
        letters = ", ".join(column_letter(c) for c in cols)
        header = r.header(cols[0])
        if used:
            report.add(Issue(r.name, r.header_row + 1, header, None, "ignored", "duplicate_header",
                             {"column": header, "letters": letters, "used": ", ".join(column_letter(c) for c in used)}, m.table))
        else:
            report.add(Issue(r.name, r.header_row + 1, header, None, "info", "duplicate_header_unused",
                             {"column": header, "letters": letters}, m.table))


_EXTRAS_READ = ("status", "won_date", "lost_date", "active", "profit")


def _says_thousands(header: str) -> bool:
    words = fold(header).split()
    return "k" in words or "keur" in words or "milliers" in words or "thousands" in words or "k€" in header.lower()


# -- after reading: duplicates across sheets, splits, status, names, duplicates --------------------------

def _post_process(built: dict[str, _Table], cfg: Config, report: QualityReport) -> tuple[dict[str, pd.DataFrame], dict[str, np.ndarray]]:
    if "deals" in built and built["deals"].parts[0].match.order_lines:
        built["deals"] = _group_order_lines(built["deals"], report)
    for t in list(built):
        if len(built[t].parts) > 1 and t in ID_FIELDS:
            built[t] = _drop_cross_sheet_duplicates(built[t], ID_FIELDS[t], report)
    frames = {t: b.frame for t, b in built.items()}
    rows = {t: b.rows for t, b in built.items()}
    sheet_of = {t: np.array([p.region.name for p in b.parts], dtype=object)[b.part] for t, b in built.items()}
    headers = {t: {p.region.name: p.headers for p in b.parts} for t, b in built.items()}

    def header(t: str, pos: int | None, fld: str | None) -> tuple[str, str | None]:
        """Sheet and header of a frame row (the first sheet when the row is unknown)."""
        src = t if t in built else "deals"
        sheets = sheet_of.get(t)
        sheet = str(sheets[pos]) if pos is not None and sheets is not None and pos < len(sheets) else built[src].parts[0].region.name
        return sheet, headers[src].get(sheet, {}).get(fld) if fld else None

    if "deals" in built:
        d = built["deals"]

        def split_issue(pos: int, column: str | None, value: Any, action: Action, code: str, fld: str | None = None,
                        **params: Any) -> None:  # rows passed as positions
            sheet, head = header("deals", pos, fld)
            report.add(Issue(sheet, int(d.rows[pos]), head or column, value, action, code, params, "deals", fld))

        deals, splits, split_pos = split_deals(frames["deals"], np.arange(len(d.frame)), split_issue,
                                               d.parts[0].headers.get("rep"))
        frames["deals"] = deals
        if len(splits):
            split_rows, split_sheets = d.rows[split_pos], sheet_of["deals"][split_pos]
            if "splits" in frames:
                frames["splits"] = pd.concat([frames["splits"], splits], ignore_index=True)
                rows["splits"] = np.concatenate([rows["splits"], split_rows])
                sheet_of["splits"] = np.concatenate([sheet_of["splits"], split_sheets])
                for sheet in set(split_sheets) - set(headers["splits"]):
                    headers["splits"][sheet] = headers["deals"][sheet]
            else:
                frames["splits"] = splits
                rows["splits"] = split_rows
                sheet_of["splits"] = split_sheets
        if "stage" in deals.columns:
            status, unknown = stage_status(deals["stage"], cfg)
            if "status" in deals.columns:  # said by a status column, won/lost dates or an active flag
                given = deals["status"]
                unknown &= given.isna()
                status = given.where(given.notna(), status)
            deals = deals.copy()
            deals["status"] = status
            frames["deals"] = deals
            if unknown.any():
                words = deals.loc[unknown, "stage"]
                first_pos = words.groupby(words, sort=False).head(1)
                counts = words.value_counts()
                for pos, word in first_pos.items():
                    sheet, head = header("deals", pos, "stage")
                    report.add(Issue(sheet, int(rows["deals"][pos]), head, word, "info",
                                     "unknown_stage", {"count": int(counts[word])}, "deals", "stage"))

    def name_report(t: str, f: str, spelling: str, display: str, count: int, pos: int) -> None:
        r = rows.get(t)
        row = int(r[pos]) if r is not None and pos < len(r) else None
        sheet, head = header(t, pos if row is not None else None, f if t in built else "rep")
        report.add(Issue(sheet, row, head, spelling, "converted", "name_folded",
                         {"name": display, "count": count}, t, f))

    frames = fold_names(frames, name_report)
    for t, f in ID_FIELDS.items():
        if t in frames and f in frames[t].columns and t in built:
            ids = frames[t][f]
            dup = ids.notna() & ids.duplicated(keep=False)
            if dup.any():
                for value, group in ids[dup].groupby(ids[dup], sort=False):
                    pos = group.index.to_numpy()
                    r = rows[t][pos]
                    sheet, head = header(t, int(pos[0]), f)
                    report.add(Issue(sheet, int(r[0]), head, value, "info", "duplicate_id",
                                     {"count": len(r), "rows": ", ".join(str(int(x)) for x in r[:10])}, t, f))
    if "deals" in built:
        _won_without_close_date(frames["deals"], rows["deals"], header, report)
        _won_without_amount(frames["deals"], rows["deals"], header, report)
    if "targets" in built:
        _targets_added_up(frames["targets"], rows["targets"], header, report)
    if "splits" in frames and "deals" in frames:
        _splits_said(frames["splits"], rows["splits"], frames["deals"], header, report)
    return frames, rows


def _splits_said(splits: pd.DataFrame, rows: np.ndarray, deals: pd.DataFrame,
                 header: Callable[..., tuple[str, str | None]], report: QualityReport) -> None:
    """What the credit of a split deal does without the splits saying it (kpis.credit): shares that
    do not add up to 100 % are scaled to (60 % / 30 % credit 66.7 % / 33.3 %); a split naming no deal
    of the table credits nobody; a split whose deal id several won deals carry applies only to those
    of them whose rep it names."""
    from ..credit import ids_of_several_won
    from .splits import TOLERANCE

    if not {"deal_id", "rep", "share"} <= set(splits.columns) or "deal_id" not in deals.columns or not len(splits):
        return
    key = splits["deal_id"].astype(object)
    has = key.notna()
    key = key.where(~has, key[has].astype(str))  # ids as the credit joins them: text
    known = set(deals["deal_id"].dropna().astype(str))
    several = ids_of_several_won(deals)  # the credit's own rule, so that what is said is what it does
    shares = pd.to_numeric(splits["share"], errors="coerce").clip(lower=0)
    totals = shares[has].groupby(key[has].to_numpy(), sort=False).sum()  # one pass; a line only where one is due
    unknown = {k for k in totals.index if k not in known}
    scaled = {k for k, t in totals.items() if k in known and t > 0 and abs(t - 1) > TOLERANCE}
    twice = {k for k in totals.index if k in several}
    due = unknown | scaled | twice
    if not due:
        return
    at = key[key.isin(list(due))]
    for deal_id, g in at.groupby(at, sort=False):
        pos = g.index.to_numpy()
        sheet, head = header("splits", int(pos[0]), "share")
        head = head or header("splits", int(pos[0]), "rep")[1]  # split from a rep cell: that column
        r = sorted(set(int(x) for x in rows[pos]))
        listed = ", ".join(map(str, r[:10]))
        if deal_id in unknown:
            report.add(Issue(sheet, r[0], head, deal_id, "ignored", "split_unknown_deal",
                             {"deal": deal_id, "rows": listed}, "splits", "deal_id"))
            continue
        if deal_id in scaled:
            report.add(Issue(sheet, r[0], head, deal_id, "info", "split_scaled",
                             {"deal": deal_id, "total": f"{float(totals[deal_id]) * 100:g} %", "rows": listed},
                             "splits", "share"))
        if deal_id in twice:
            report.add(Issue(sheet, r[0], head, deal_id, "info", "split_duplicate_id",
                             {"deal": deal_id, "rows": listed}, "splits", "deal_id"))


def _won_without(deals: pd.DataFrame, rows: np.ndarray, header: Callable[..., tuple[str, str | None]],
                 report: QualityReport, fld: str, code: str, *, skip_said: bool,
                 extra: Callable[[int], dict[str, Any]] = lambda pos: {}) -> None:
    """Won deals whose ``fld`` is empty, said deal by deal (``code``, then ``code``_more counting the
    rest past :data:`MAX_CELL_ISSUES`) when the table has the column at all (without it, the KPIs
    that need it say so). ``skip_said``: not the deals whose cell was already said left empty."""
    if "status" not in deals.columns or fld not in deals.columns:
        return
    empty = np.flatnonzero((deals["status"].eq("won").fillna(False) & deals[fld].isna()).to_numpy(dtype=bool)).tolist()
    if skip_said:
        said = {(i.sheet, i.row) for i in report if i.field == fld and i.action == "left_empty"}
        empty = [pos for pos in empty if (header("deals", pos, fld)[0], int(rows[pos])) not in said]
    for pos in empty[:MAX_CELL_ISSUES]:
        sheet, head = header("deals", pos, fld)
        report.add(Issue(sheet, int(rows[pos]), head, None, "info", code, {"deal": _deal_word(deals, pos), **extra(pos)},
                         "deals", fld))
    if len(empty) > MAX_CELL_ISSUES:
        pos = empty[MAX_CELL_ISSUES]
        sheet, head = header("deals", pos, fld)
        report.add(Issue(sheet, int(rows[pos]), head, None, "info", f"{code}_more",
                         {"count": len(empty) - MAX_CELL_ISSUES}, "deals", fld))


def _won_without_close_date(deals: pd.DataFrame, rows: np.ndarray, header: Callable[..., tuple[str, str | None]],
                            report: QualityReport) -> None:
    """A won deal whose close date is empty falls in no period: its amount is in no revenue and no
    commission, a loss said deal by deal (its amount with it)."""
    def amount(pos: int) -> dict[str, Any]:
        v = deals["amount"].iloc[pos] if "amount" in deals.columns else None
        return {"amount": None if v is None or pd.isna(v) else float(v)}

    _won_without(deals, rows, header, report, "close_date", "won_without_close_date", skip_said=False, extra=amount)


def _won_without_amount(deals: pd.DataFrame, rows: np.ndarray, header: Callable[..., tuple[str, str | None]],
                        report: QualityReport) -> None:
    """A won deal whose amount is empty counts as a deal won but adds nothing to revenue (and lowers
    the average deal size): said deal by deal, unless its cell was said already (unreadable, left
    empty)."""
    _won_without(deals, rows, header, report, "amount", "won_without_amount", skip_said=True)


def _deal_word(deals: pd.DataFrame, pos: int) -> str:
    """" D12" for a message ("won deal D12 without…"), "" when the deal has no id."""
    v = deals["deal_id"].iloc[pos] if "deal_id" in deals.columns else None
    return "" if v is None or pd.isna(v) else f" {v}"


def _targets_added_up(targets: pd.DataFrame, rows: np.ndarray, header: Callable[..., tuple[str, str | None]],
                      report: QualityReport) -> None:
    """Several rows of targets for one rep and month are added up (a quota typed twice doubles it; a
    quota split by product on rows of their own is meant to): said, with the rows and the total.
    Rows repeated only by two month columns naming one month are said by month_columns_same_month."""
    if not {"rep", "period", "quota"} <= set(targets.columns):
        return
    has = targets["rep"].notna() & targets["period"].notna()
    if not has.any():
        return
    t = targets[has]
    if not t.duplicated(["rep", "period"]).any():  # the usual case, in one pass
        return
    excel = pd.Series(rows[np.flatnonzero(has.to_numpy())], index=t.index)
    for (rep, period), g in t.groupby(["rep", "period"], sort=False):
        rs = sorted(set(int(x) for x in excel.loc[g.index]))
        if len(rs) < 2:
            continue
        sheet, head = header("targets", int(g.index[0]), "quota")
        report.add(Issue(sheet, rs[0], head, None, "info", "targets_added_up",
                         {"rep": rep, "month": pd.Timestamp(period).strftime("%Y-%m"), "count": len(rs),
                          "rows": ", ".join(map(str, rs[:10])), "total": float(g["quota"].sum())}, "targets", "quota"))


MONEY_FIELDS = tuple(f.name for f in TABLES["deals"].fields if f.kind == "money")


def _group_order_lines(t: _Table, report: QualityReport) -> _Table:
    """An order ledger's lines sharing an order id are one sale: their amounts (and costs, prices)
    are summed onto the order's first line, whose other cells (date, customer…) stand for the order.
    Lines without an order id stay as they are."""
    df = t.frame
    if "deal_id" not in df.columns:
        return t
    ids = df["deal_id"]
    has = ids.notna().to_numpy()
    first = ~ids.duplicated().to_numpy() | ~has
    if first.all():
        return t
    out = t.keep(first)
    kept_ids = out.frame["deal_id"]
    frame = out.frame.copy()
    for f in MONEY_FIELDS:
        if f in df.columns:
            sums = df.loc[has, f].groupby(ids[has], sort=False).sum(min_count=1)
            frame[f] = kept_ids.map(sums).where(kept_ids.notna(), frame[f]).astype("float64")
    p = t.parts[0]
    report.add(Issue(p.region.name, p.region.header_row + 1, p.headers.get("deal_id"), None, "converted",
                     "order_lines_grouped", {"lines": int(has.sum()), "orders": int(kept_ids.notna().sum())}, "deals", "deal_id"))
    return _Table(out.table, out.parts, frame, out.rows, out.part)


def _drop_cross_sheet_duplicates(t: _Table, f: str, report: QualityReport) -> _Table:
    """An id met in several sheets of the same table is the same record copied from one sheet to the
    next (last year's open deals carried into this year's sheet): only the rows of the LAST sheet
    holding it (workbook order) are kept; each dropped row is a warning (``ignored``,
    ``duplicate_across_sheets``). Duplicates within one sheet are left to ``duplicate_id``."""
    if f not in t.frame.columns:
        return t
    ids = t.frame[f]
    present = ids.notna().to_numpy()
    last = pd.Series(t.part).groupby(ids.to_numpy(), dropna=True).transform("max")  # NaN where no id
    drop = present & (t.part < last.to_numpy(dtype=float, na_value=-1))
    if not drop.any():
        return t
    kept_sheet = np.array([p.region.name for p in t.parts], dtype=object)
    positions = np.flatnonzero(drop)
    for pos in positions[:MAX_CELL_ISSUES]:
        p = t.parts[int(t.part[pos])]
        report.add(Issue(p.region.name, int(t.rows[pos]), p.headers.get(f), ids.iloc[pos], "ignored",
                         "duplicate_across_sheets", {"table": t.table, "kept": kept_sheet[int(last.iloc[pos])]}, t.table, f))
    if len(positions) > MAX_CELL_ISSUES:
        pos = positions[MAX_CELL_ISSUES]
        p = t.parts[int(t.part[pos])]
        report.add(Issue(p.region.name, int(t.rows[pos]), p.headers.get(f), None, "ignored",
                         "duplicate_across_sheets_more", {"table": t.table, "count": len(positions) - MAX_CELL_ISSUES},
                         t.table, f))
    return t.keep(~drop)
