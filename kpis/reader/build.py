"""One region of a sheet -> one canonical table, and the issues met on the way.

The steps, in order, for the columns the table needs (other columns are never converted):

1. cells of each column, merged cells copied down;
2. distinct cells parsed by the field's kind (:mod:`.values`), category words mapped;
3. blank rows and totals rows set aside (reported as ``ignored``);
4. rows lacking a required field skipped (``skipped``, one issue per row);
5. cells that could not be read left empty (``left_empty``, one issue per cell), conversions from
   text noted once per column (``converted``);
6. a wide layout (one column per month) turned into one row per (key, month).
"""

from __future__ import annotations

import itertools
import re
import dataclasses
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, cast

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from .. import vocab
from ..config import Config
from ..quality import Issue
from ..schema import TABLES
from .categories import CATEGORY_FIELDS, category_words
from .cells import CellFlag, cell_problem
from .headers import WIDE_TABLES, TableMatch
from .locate import Region
from .targets import months_to_rows
from .text import column_letter, fold
from .values import Parsed, check_range, map_words, parse_dates, parse_numbers, parse_text

# Beyond this many cells with the same problem in one column, the rest are summed up in one issue.
MAX_CELL_ISSUES = 200
# Expected ranges of number fields: (table, field) -> (low, high).
RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("surveys", "score"): (0, 10),
    ("surveys", "csat"): (1, 5),
    ("employee_surveys", "score"): (0, 10),
}
# An amount this many times its column's median is said in the quality report (kept, not changed),
# for columns of at least OUTLIER_MIN_VALUES non-zero amounts; one line per cell up to the cap.
OUTLIER_TIMES = 1000
OUTLIER_MIN_VALUES = 20
MAX_OUTLIER_ISSUES = 20
TEXT_KINDS = ("text", "name", "id", "category")
MAX_LABEL_UNIQUES = 5000  # above this, a column is searched for "Total" only in likely rows


@dataclass
class Built:
    """A canonical table as read from one region, with its Excel row numbers and issues."""

    table: str
    frame: pd.DataFrame
    rows: np.ndarray  # Excel row number of each frame row
    region: Region
    match: TableMatch
    headers: dict[str, str]  # field -> header as written
    issues: list[Issue] = field(default_factory=list)


@dataclass
class _Column:
    header: str
    codes: np.ndarray
    uniques: np.ndarray
    parsed: Parsed
    kind: str
    field: str | None = None
    _cells: dict[str, np.ndarray] = dataclasses.field(default_factory=dict, repr=False)  # ``field`` is taken

    def cell(self, attr: str) -> np.ndarray:
        """Per-cell values of a per-unique array (cells outside the uniques are empty); cached."""
        cache = self._cells
        if attr in cache:
            return cache[attr]
        arr = getattr(self.parsed, attr)
        arr = arr.to_numpy() if isinstance(arr, pd.Series) else arr
        missing: Any
        if attr == "values":
            missing = np.nan if arr.dtype.kind in "fO" else np.datetime64("NaT")
        else:
            missing = {"empty": True, "problem": None, "note": None}[attr]
        if (self.codes < 0).any():
            ext = np.empty(len(arr) + 1, dtype=arr.dtype)
            ext[:-1] = arr
            ext[-1] = missing
            out = ext[np.where(self.codes < 0, len(arr), self.codes)]
        else:
            out = arr[self.codes] if len(arr) else np.empty(0, dtype=arr.dtype)
        cache[attr] = out
        return out

    def raw(self, positions: np.ndarray) -> list[Any]:
        return [self.uniques[c] if c >= 0 else None for c in self.codes[positions]]


@lru_cache(maxsize=1)
def _total_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = "|".join(sorted((re.escape(fold(w)) for w in vocab.TOTAL_WORDS), key=len, reverse=True))
    qualifiers = r"(?: (?:general|generale|equipe|team|annuel|annuelle|annee|mois|year|month|ytd|mtd|qtd|trimestre|quarter|[qt][1-4]|\d+))*"
    strict = re.compile(rf"^(?:{words}){qualifiers}$")
    loose = re.compile(rf"^(?:{words})\b")
    return strict, loose


_TOTAL_START = re.compile(r"^\s*(?:total|totaux|grand|sous|sub|somme|sum|cumul|ensemble|overall)", re.IGNORECASE)


def _total_words(uniques: np.ndarray, strict: re.Pattern[str], loose: re.Pattern[str], only: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which distinct cells read as a totals label (strictly: "Total 2026"; loosely: "Total Energies").

    ``only``: the indices worth checking (all when None)."""
    n = len(uniques)
    is_strict, is_loose = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    start = _TOTAL_START.match
    indices = range(n) if only is None else only.tolist()
    candidates = [i for i in indices if uniques[i].__class__ is str and start(uniques[i])]
    for i in candidates:
        f = fold(uniques[i])
        is_strict[i] = bool(strict.match(f))
        is_loose[i] = bool(loose.match(f))
    return is_strict, is_loose


def _trimmed(rows: list[list[Any]], width: int) -> list[list[Any]]:
    """Rows cut at the region's last column when the sheet is much wider (formatting far right)."""
    if rows and len(rows[0]) > 2 * width + 8:
        return [r[:width] for r in rows]
    return rows


def _block(rows: list[list[Any]]) -> np.ndarray:
    """The rows as a 2-D object array (calamine's rows are all as wide; ragged ones are padded)."""
    if not rows:
        return np.empty((0, 0), dtype=object)
    width = len(rows[0])
    if min(map(len, rows)) == width == max(map(len, rows)):  # rectangular: one flat pass, no shape discovery
        flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=object, count=width * len(rows))
        return flat.reshape(len(rows), width)
    width = max(len(r) for r in rows)
    block = np.full((len(rows), width), "", dtype=object)
    for i, r in enumerate(rows):  # rare: ragged rows (hand-made CSV)
        block[i, : len(r)] = r
    return block


def _extract(block: np.ndarray, j: int, copy: bool) -> np.ndarray:
    if j < block.shape[1]:
        return block[:, j].copy() if copy else block[:, j]
    return np.full(block.shape[0], "", dtype=object)


def _fill_merged(region: Region, col: int, cells: np.ndarray) -> int:
    """Copy the value of vertically merged cells onto every row they cover; returns cells filled."""
    filled = 0
    for r0, c0, r1, c1 in region.sheet.merged:
        if c0 != col or r1 <= r0 or r1 < region.first_row or r0 > region.last_row:
            continue
        top = region.sheet.grid[r0][c0] if r0 < len(region.sheet.grid) else ""
        a, b = max(r0 + 1, region.first_row), min(r1, region.last_row)
        if b >= a:
            cells[a - region.first_row : b - region.first_row + 1] = top
            filled += b - a + 1
    return filled


def factorize(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of an object array (None -> code -1), in order of appearance."""
    codes, uniques = pd.factorize(cells)
    return codes, np.asarray(uniques, dtype=object)


def _parse(kind: str, uniques: np.ndarray, table: str, fld: str | None, cfg: Config, text_source: bool) -> Parsed:
    p = _parse_values(kind, uniques, table, fld, cfg, text_source)
    return _flag_problems(p, uniques)


def _parse_values(kind: str, uniques: np.ndarray, table: str, fld: str | None, cfg: Config, text_source: bool) -> Parsed:
    if kind in ("date", "datetime", "month"):
        return parse_dates(uniques, kind, cfg.date_order, text_source)
    if kind in ("money", "number", "rate"):
        p = parse_numbers(uniques, kind, text_source)
        if fld and (table, fld) in RANGES:
            p = check_range(p, *RANGES[(table, fld)])
        return p
    p = parse_text(uniques)
    if kind == "category" and fld and (table, fld) in CATEGORY_FIELDS:
        mapped = map_words(p.values, category_words(table, fld, cfg))
        unknown = (mapped.isna() & p.values.notna()).to_numpy()
        p.problem[unknown] = "unknown_category"
        p.values = mapped
    return p


def _flag_problems(p: Parsed, uniques: np.ndarray) -> Parsed:
    """Excel error values (``#N/A``, also as text in a CSV export) and formulas without a saved
    result hold no value: left empty and reported as such, whatever the field's kind (a name column
    never reads "#N/A" as a rep's name)."""
    # "#" in u: a C search that rules out nearly every text before the exact test
    hits = [(i, code) for i, u in enumerate(uniques)
            if (u.__class__ is CellFlag or (u.__class__ is str and "#" in u and u.lstrip()[:1] == "#"))
            and (code := cell_problem(u))]  # numbers and dates never are (cell_problem: None)
    if not hits:
        return p
    values = p.values.copy()
    for i, code in hits:
        values.iloc[i] = None if values.dtype == object else (np.datetime64("NaT") if values.dtype.kind == "M" else np.nan)
        p.problem[i] = code
        p.note[i] = None
        p.empty[i] = False
    p.values = values
    return p


def _column(region: Region, rows: np.ndarray | int, col: int, kind: str, table: str, fld: str | None, cfg: Config) -> tuple[_Column, int]:
    """``rows``: the region's cells as a 2-D block, or (typed columns, :mod:`.fast`) the number of rows."""
    filled = 0
    if isinstance(rows, int):
        grid: Any = region.sheet.grid
        last = region.first_row + rows - 1
        if any(c0 == col and r1 > r0 and r1 >= region.first_row and r0 <= last for r0, c0, r1, c1 in region.sheet.merged):
            cells = grid.cells(col, region.first_row, last)  # merged cells: this column as Python cells
            filled = _fill_merged(region, col, cells)
            codes, uniques = factorize(cells)
        else:
            codes, uniques = grid.factorize(col, region.first_row, last)
    else:
        cells = _extract(rows, col, copy=bool(region.sheet.merged))
        filled = _fill_merged(region, col, cells) if region.sheet.merged else 0
        codes, uniques = factorize(cells)
    parsed = _parse(kind, uniques, table, fld, cfg, region.sheet.text_source)
    return _Column(region.header(col), codes, uniques, parsed, kind, fld), filled


def build_table(region: Region, match: TableMatch, cfg: Config) -> Built:
    """Read ``match.table`` from ``region`` (see the module docstring for the steps)."""
    tname = match.table
    table = TABLES[tname]
    sheet = region.name
    grid = region.sheet.grid
    rows: np.ndarray | int
    if hasattr(grid, "factorize"):  # typed columns (.fast): no block of Python cells
        rows = n = max(0, min(region.last_row + 1, len(grid)) - region.first_row)
    else:
        rows = _block(_trimmed(grid[region.first_row : region.last_row + 1], region.last_col + 1))
        n = rows.shape[0]
    excel_rows = np.arange(region.first_row, region.first_row + n) + 1
    issues: list[Issue] = []

    def issue(row: int | None, column: str | None, value: Any, action: str, code: str, fld: str | None = None, **params: Any) -> None:
        if isinstance(value, CellFlag):
            value = value.text  # "#N/A", "=SUM(C2:C9)": plain text in every report format
        issues.append(Issue(sheet, row, column, value, action, code, params, tname, fld))  # type: ignore[arg-type]

    # 1-2. columns ----------------------------------------------------------------------------------
    cols: dict[str, _Column] = {}
    merged_filled = 0
    for fld, col in match.columns.items():
        c, filled = _column(region, rows, col, table.field(fld).kind, tname, fld, cfg)
        cols[fld] = c
        merged_filled += filled
    value_field = WIDE_TABLES[tname][0] if match.wide else None
    months: dict[int, tuple[pd.Timestamp, _Column]] = {}
    for col, month in match.months.items():
        c, filled = _column(region, rows, col, "money", tname, value_field, cfg)
        months[col] = (month, c)
        merged_filled += filled
    same_month: dict[pd.Timestamp, list[str]] = {}
    for month, c in months.values():
        same_month.setdefault(month, []).append(c.header)
    for month, heads in same_month.items():  # added up by the KPIs: said, a typo in a header is likely
        if len(heads) > 1:
            issue(region.header_row + 1, heads[0], None, "info", "month_columns_same_month", value_field,
                  month=month.strftime("%Y-%m"), columns=" / ".join(heads))
    label_cols = _label_columns(region, rows, match, cols, tname, cfg)
    virtual, status, virtual_headers, undefined, read_for, unknown_status = _virtual_fields(region, rows, match, cols,
                                                                                            tname, cfg, n)
    if merged_filled:
        issue(None, None, None, "converted", "merged_filled", count=merged_filled)

    # 3. blank and totals rows ----------------------------------------------------------------------
    all_cols = list(cols.values()) + [c for _, c in months.values()]
    blank = np.ones(n, dtype=bool)
    for c in all_cols:
        blank &= c.cell("empty")
    required = [f for f in table.required if not (match.wide and f in ("period", value_field))]
    missing_req = np.zeros(n, dtype=bool)
    for f in required:
        if f in cols:
            missing_req |= _is_missing(cols[f].cell("values"))
        elif f in virtual:
            missing_req |= _is_missing(virtual[f])
        else:
            missing_req[:] = True
    totals, total_label = _totals_rows(label_cols, missing_req)
    totals &= ~blank
    _excel_totals_row(region, issue)
    blank_rows = excel_rows[blank]
    if len(blank_rows):
        issue(int(blank_rows[0]), None, None, "ignored", "blank_rows", count=int(len(blank_rows)), rows=_row_list(blank_rows))
    for pos in np.flatnonzero(totals):
        c = label_cols[total_label[pos]]
        issue(int(excel_rows[pos]), c.header, c.raw(np.array([pos]))[0], "ignored", "totals_row")

    # 4. rows lacking a required field ------------------------------------------------------------
    skipped = missing_req & ~blank & ~totals
    for pos in np.flatnonzero(skipped):
        _skip_issue(issue, cols, required, pos, int(excel_rows[pos]), tname)
    keep = ~(blank | totals | skipped)

    # 5. cells left empty, conversions noted ----------------------------------------------------------
    for c in all_cols:
        _cell_issues(issue, c, keep, excel_rows, tname, cfg)
    for c in cols.values():
        if c.kind == "money":
            _outlier_issues(issue, [c], keep, excel_rows)
            _currency_issues(issue, c, keep, excel_rows, cfg)
    for c in read_for:  # columns read only to derive a field or a deal's status: their cells said too
        _cell_issues(issue, c, keep, excel_rows, tname, cfg)
    if unknown_status is not None:  # status words read as neither won, lost nor open: the stage decides, said
        words, unknown, header = unknown_status
        at = np.flatnonzero(unknown & keep)
        for word, positions in pd.Series(at).groupby(pd.Series(words[at], dtype=object), sort=False):
            issue(int(excel_rows[positions.iloc[0]]), header, word, "ignored", "unknown_status_word", "stage",
                  count=int(len(positions)), rows=_row_list(excel_rows[positions.to_numpy()], 10))
    read_cols = set(match.columns.values()) | set(match.months) | set(match.extra.values())  # derived inputs have headers
    _headerless_columns(issue, region, rows, excel_rows, keep, read_cols, tname, cfg)
    if status is not None and "stage" in cols:
        _status_conflicts(issue, cols["stage"], status, keep, excel_rows, cfg,
                          " / ".join(region.header(col) for e, col in match.extra.items() if e in _EXTRA_KINDS))
    for f, (bad, given) in undefined.items():
        _undefined_issues(issue, f, match.derived[f], virtual_headers[f], bad & keep, given, excel_rows, tname)
    if months:  # one column per month (wide targets, spend): one median for all of them
        _outlier_issues(issue, [c for _, c in months.values()], keep, excel_rows)

    # 6. the frame ---------------------------------------------------------------------------------
    headers = {f: c.header for f, c in cols.items()}
    headers.update(virtual_headers)
    kept_rows = excel_rows[keep]
    # Explicit dtypes: pandas would otherwise turn object columns of str into its "str" dtype.
    all_kept = bool(keep.all())
    data = {f: pd.Series(v, dtype=v.dtype, copy=False) for f in table.field_names if f in cols
            for v in (cols[f].cell("values") if all_kept else cols[f].cell("values")[keep],)}
    for f in table.field_names:
        if f in virtual:  # constants, derived, dates completed: never also a column of their own
            data[f] = pd.Series(virtual[f][keep], dtype=virtual[f].dtype, copy=False)
    data = {f: data[f] for f in table.field_names if f in data}
    if status is not None:
        data["status"] = pd.Series(status[keep], dtype=object)
    frame = pd.DataFrame(data, index=pd.RangeIndex(int(keep.sum())), copy=False)
    if match.wide:
        assert value_field is not None  # set for every wide table
        per_month = [(month, c.cell("values")[keep]) for month, c in months.values()]
        frame, kept_rows = months_to_rows(frame, kept_rows, per_month, value_field)
        headers["period"] = headers[value_field] = ", ".join(c.header for _, c in months.values())
    return Built(tname, frame, kept_rows, region, match, headers, issues)


_EXTRA_KINDS = {"status": "text", "won_date": "date", "lost_date": "date", "active": "text"}
FALSE_WORDS = frozenset({"false", "faux", "no", "non", "0", "n", "archive", "archivee", "archived", "inactive", "inactif"})


_Undefined = dict[str, tuple[np.ndarray, dict[str, np.ndarray]]]
_Virtual = tuple[dict[str, np.ndarray], np.ndarray | None, dict[str, str], _Undefined, list[_Column],
                 tuple[np.ndarray, np.ndarray, str] | None]


def _virtual_fields(region: Region, rows: np.ndarray | int, match: TableMatch, cols: dict[str, _Column], tname: str,
                    cfg: Config, n: int) -> _Virtual:
    """Fields with no column of their own -- constants, derived arithmetic, a deal's stage from won/lost
    dates or an order ledger -- and the deals' status when a column says it (status words, won/lost
    dates, an active flag). Returns (field -> values per row, status per row or None, field -> header,
    derived field -> (rows whose inputs are all given but whose result is no number -- a division by
    zero --, the inputs by header), the columns read for these and mapped to no field of their own,
    named after the field they serve, for their cells' problems to be reported, and the status
    column's words that say no status with where they are)."""
    from .derive import compile_expression, evaluate

    table = TABLES[tname]
    out: dict[str, np.ndarray] = {}
    heads: dict[str, str] = {}
    undefined: _Undefined = {}
    unknown_status: tuple[np.ndarray, np.ndarray, str] | None = None
    mapped = set(match.columns.values()) | set(match.months)
    read_for: dict[int, _Column] = {}  # column -> the column as read, for the first field it serves

    def read(col: int, kind: str, serves: str) -> np.ndarray:
        c = _column(region, rows, col, kind, tname, None, cfg)[0]
        if col not in mapped and col not in read_for:
            read_for[col] = dataclasses.replace(c, field=serves)  # parsed as before; named for the report
        return c.cell("values")

    for f, value in match.constants.items():
        kind = table.field(f).kind
        parsed = _parse(kind, np.array([value], dtype=object), tname, f, cfg, True).values.to_numpy()
        out[f] = np.repeat(parsed, n) if n else parsed[:0]
        heads[f] = f"= {value}"
    for f, expr in match.derived.items():
        tree, names = compile_expression(expr, region.headers)
        inputs = {ph: read(col, "money", f) for ph, col in names.items()}
        out[f] = evaluate(tree, inputs)
        heads[f] = f"= {expr}"
        given = np.ones(n, dtype=bool)
        for v in inputs.values():
            given &= ~_is_missing(v)
        bad = given & _is_missing(out[f])
        if bad.any():  # every input there, no result: said row by row, not left empty silently
            undefined[f] = (bad, {region.header(col): inputs[ph] for ph, col in sorted(names.items(), key=lambda pc: pc[1])})
    extra = {e: read(col, _EXTRA_KINDS[e], "stage") for e, col in match.extra.items() if e in _EXTRA_KINDS}
    status: np.ndarray | None = None
    if tname != "deals":
        return out, status, heads, undefined, list(read_for.values()), unknown_status
    won = ~_is_missing(extra["won_date"]) if "won_date" in extra else np.zeros(n, dtype=bool)
    lost = ~_is_missing(extra["lost_date"]) if "lost_date" in extra else np.zeros(n, dtype=bool)
    if match.stage_from == "ledger":
        out.setdefault("stage", np.full(n, "won", dtype=object))
        heads.setdefault("stage", "= won")
    elif match.stage_from == "dates":
        out["stage"] = np.where(won, "won", np.where(lost, "lost", "open")).astype(object)
        heads["stage"] = " / ".join(region.header(match.extra[e]) for e in ("won_date", "lost_date") if e in match.extra)
    if "close_date" not in cols and "close_date" not in out and (won.any() or lost.any()):
        w = extra.get("won_date")
        lo = extra.get("lost_date")
        close = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
        if lo is not None:
            close = np.where(lost, lo, close)
        if w is not None:
            close = np.where(won, w, close)
        out["close_date"] = close.astype("datetime64[ns]")
        heads["close_date"] = heads.get("stage") or ""
    if "close_date" in cols and "lost_date" in extra and match.columns.get("close_date") == match.extra.get("won_date"):
        # "Won time" is the close date of won deals; a lost deal closed on its "Lost time"
        base = cols["close_date"].cell("values")
        out["close_date"] = np.where(np.isnat(base), extra["lost_date"], base).astype("datetime64[ns]")
        heads["close_date"] = f"{cols['close_date'].header} / {region.header(match.extra['lost_date'])}"
    if "status" in extra:
        from .categories import stage_status

        st, unknown = stage_status(pd.Series(extra["status"], dtype=object), cfg)
        status = st.where(~unknown, None).to_numpy(dtype=object)
        said = unknown.to_numpy(dtype=bool) & ~_is_missing(extra["status"])
        if said.any():
            unknown_status = (extra["status"], said, region.header(match.extra["status"]))
    if "won_date" in extra or "lost_date" in extra:
        by_dates = np.where(won, "won", np.where(lost, "lost", cast(Any, None))).astype(object)
        status = by_dates if status is None else np.where(pd.isna(status), by_dates, status).astype(object)
    if "active" in extra:
        inactive = np.array([isinstance(v, str) and fold(v) in FALSE_WORDS for v in extra["active"]], dtype=bool)
        base = status if status is not None else np.full(n, None, dtype=object)
        status = np.where(inactive & (base != "won"), "lost", base).astype(object)
    return out, status, heads, undefined, list(read_for.values()), unknown_status


def _label_columns(region: Region, rows: np.ndarray | int, match: TableMatch, cols: dict[str, _Column], tname: str,
                   cfg: Config) -> list[_Column]:
    """The columns a "Total" label may sit in: text columns among the region's first three, the first
    text column, and the region's first column even when it is no field of the table."""
    by_col = {col: cols[f] for f, col in match.columns.items()}
    text_cols = [col for col in sorted(by_col) if by_col[col].kind in TEXT_KINDS]
    label_cols = [by_col[col] for col in text_cols if col < region.first_col + 3]
    if text_cols and by_col[text_cols[0]] not in label_cols:
        label_cols.append(by_col[text_cols[0]])
    if region.first_col not in by_col and region.first_col not in match.months:
        c, _ = _column(region, rows, region.first_col, "text", tname, None, cfg)
        label_cols.append(c)
    return label_cols


def _totals_rows(label_cols: list[_Column], missing_req: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows that are totals, and the index in ``label_cols`` of each one's label (-1 elsewhere).

    A cell reading strictly as a total ("Total", "TOTAL général", "Sous-total 2026") makes its row a
    totals row; one only starting like it ("Total Energies") does so when the row also lacks a
    required field. Columns with many distinct values (ids, accounts) are searched only where a
    totals row can be -- rows lacking a required field, and the last rows -- to stay fast.
    """
    n = len(missing_req)
    strict, loose = _total_patterns()
    totals = np.zeros(n, dtype=bool)
    total_label = np.full(n, -1, dtype=np.int64)
    maybe_total = missing_req.copy()
    maybe_total[max(0, n - 3):] = True
    for k, c in enumerate(label_cols):
        only = None
        if len(c.uniques) > MAX_LABEL_UNIQUES:
            only = np.unique(c.codes[maybe_total])
            only = only[only >= 0]
        is_strict, is_loose = _total_words(c.uniques, strict, loose, only)
        if not (is_strict.any() or is_loose.any()):
            continue
        idx = np.where(c.codes < 0, len(c.uniques), c.codes)
        hit = np.append(is_strict, False)[idx] | (np.append(is_loose, False)[idx] & missing_req)
        total_label = np.where(hit & (total_label < 0), k, total_label)
        totals |= hit
    return totals, total_label


def _excel_totals_row(region: Region, issue: Callable[..., None]) -> None:
    """An Excel table's totals row sits just below its data: say it was left out."""
    if not region.excel_table:
        return
    below = region.last_row + 1
    grid = region.sheet.grid
    if below >= len(grid):
        return
    cells = grid[below][region.first_col : region.last_col + 1]
    filled = [(j, v) for j, v in enumerate(cells) if v != "" and v is not None]
    if filled:
        label = next((v for _, v in filled if isinstance(v, str)), filled[0][1])
        col = region.first_col + next((j for j, v in filled if v is label), filled[0][0])
        issue(below + 1, region.header(col), label, "ignored", "totals_row")


MAX_HEADERLESS_SAID = 20  # columns said one by one; the rest in one line


def _headerless_columns(issue: Callable[..., None], region: Region, rows: np.ndarray | int, excel_rows: np.ndarray,
                        keep: np.ndarray, read_cols: set[Any], tname: str, cfg: Config) -> None:
    """Columns inside the table's span whose header cell is empty (or a number: only text and dates
    make headers) but which hold values on the rows read: nothing reads them (unless the
    configuration maps them), so each is said with its letter, how many cells and one of them,
    rather than ignored without a word."""
    said: list[str] = []
    for col in range(region.first_col, region.last_col + 1):
        if col in region.headers or col in read_cols:
            continue
        c, _ = _column(region, rows, col, "text", tname, None, cfg)
        at = np.flatnonzero(~c.cell("empty") & keep)
        if not len(at):
            continue
        letter = column_letter(col)
        said.append(letter)
        if len(said) <= MAX_HEADERLESS_SAID:
            top = region.sheet.grid[region.header_row]
            head = top[col] if col < len(top) else ""
            first = c.uniques[c.codes[at[0]]]
            issue(int(excel_rows[at[0]]), letter, first, "ignored", "column_no_header", None, letter=letter,
                  count=int(len(at)), header="" if head in ("", None) else f" ({_shown(head)})", example=_shown(first),
                  table=tname)
    if len(said) > MAX_HEADERLESS_SAID:
        issue(region.header_row + 1, said[MAX_HEADERLESS_SAID], None, "ignored", "columns_no_header_more", None,
              count=len(said) - MAX_HEADERLESS_SAID, columns=", ".join(said[MAX_HEADERLESS_SAID:MAX_HEADERLESS_SAID + 20]),
              table=tname)


def _shown(v: Any) -> str:
    """A cell in a message: 2026.0 as "2026", anything else as its text."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _status_conflicts(issue: Callable[..., None], stage: _Column, status: np.ndarray, keep: np.ndarray,
                      excel_rows: np.ndarray, cfg: Config, source: str) -> None:
    """A stage that says won where the status column (or a won/lost date, an active flag) says lost,
    or the other way round: the status is kept, as before, and each such pair is said with its rows.
    A stage still open beside a won or lost status is not a contradiction (CRMs keep a closed deal's
    last stage)."""
    from .categories import stage_status

    words = stage.cell("values")
    if pd.isna(words).all():  # no stage at all: nothing to contradict
        return
    by_stage, unknown = stage_status(pd.Series(words, dtype=object), cfg)
    a = by_stage.to_numpy(dtype=object)
    closed = np.isin(a, ["won", "lost"]) & ~unknown.to_numpy(dtype=bool)
    given = np.isin(status, ["won", "lost"])
    at = np.flatnonzero(keep & closed & given & (a != status))
    if not len(at):
        return
    words = pd.Series(words[at], dtype=object)
    for (word, said), positions in pd.Series(at).groupby([words, pd.Series(status[at], dtype=object)], sort=False):
        pos = positions.to_numpy()
        issue(int(excel_rows[pos[0]]), stage.header, word, "info", "status_conflict", "stage", count=int(len(pos)),
              rows=_row_list(excel_rows[pos], 10), stage_status=a[pos[0]], status=said, source=source)


def _undefined_issues(issue: Callable[..., None], fld: str, expr: str, header: str, bad: np.ndarray,
                      given: dict[str, np.ndarray], excel_rows: np.ndarray, tname: str) -> None:
    """A derived field whose inputs are all there but whose arithmetic gives no number (a division by
    zero, a result beyond float range) is left empty: one line per cell, the inputs as found, capped
    as cell problems are."""
    positions = np.flatnonzero(bad)
    for pos in positions[:MAX_CELL_ISSUES]:
        value = " ; ".join(f"{h} = {float(v[pos]):g}" for h, v in given.items())
        issue(int(excel_rows[pos]), header, value, "left_empty", "derived_undefined", fld, table=tname, field=fld,
              expr=expr)
    if len(positions) > MAX_CELL_ISSUES:
        issue(int(excel_rows[positions[MAX_CELL_ISSUES]]), header, None, "left_empty", "more_issues", fld,
              count=int(len(positions) - MAX_CELL_ISSUES), problem="derived_undefined")


def _is_missing(values: np.ndarray) -> np.ndarray:
    if values.dtype == object:
        return cast(np.ndarray, pd.isna(values))
    return cast(np.ndarray, np.isnan(values) if values.dtype.kind == "f" else np.isnat(values))


def _row_list(rows: np.ndarray, limit: int = 20) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:limit])
    return shown + (f"… (+{len(rows) - limit})" if len(rows) > limit else "")


def _skip_issue(issue: Callable[..., None], cols: dict[str, _Column], required: list[str], pos: int | np.integer[Any], row: int, tname: str) -> None:
    """One issue for a skipped row: the unreadable required cell if there is one, else what is missing."""
    missing = []
    for f in required:
        c = cols.get(f)
        if c is None:
            missing.append(f)
            continue
        code = c.codes[pos]
        if code >= 0 and c.parsed.problem[code] is not None:
            issue(row, c.header, c.uniques[code], "skipped", c.parsed.problem[code], f, **_problem_params(c, code, tname))
            return
        if code < 0 or pd.isna(c.parsed.values.iloc[code]):
            missing.append(f)
    first = cols.get(missing[0]) if missing else None
    issue(row, first.header if first else None, None, "skipped", "missing_required", missing[0] if missing else None,
          fields=", ".join(missing))


def _problem_params(c: _Column, code: int, tname: str) -> dict[str, Any]:
    return problem_params(c.parsed.problem[code], c.kind, tname, c.field)


def problem_params(problem: str | None, kind: str, tname: str, fld: str | None) -> dict[str, Any]:
    """The parameters a value problem's message names: the expected range of an out-of-range value."""
    if problem == "out_of_range":
        low, high = RANGES.get((tname, fld or ""), (0, 100) if kind == "rate" else ("", ""))
        if kind == "rate":
            low, high = f"{low} %", f"{high} %"
        return {"low": low, "high": high}
    return {}


def _cell_issues(issue: Callable[..., None], c: _Column, keep: np.ndarray, excel_rows: np.ndarray, tname: str, cfg: Config) -> None:
    problem_u = c.parsed.problem
    note_u = c.parsed.note
    has_problem_u = problem_u.astype(bool)  # None -> False, a code -> True
    has_note_u = note_u.astype(bool) & ~has_problem_u
    if not (has_problem_u.any() or has_note_u.any()):
        return
    idx = np.where(c.codes < 0, len(problem_u), c.codes)
    cell_problem = np.append(has_problem_u, False)[idx] & keep
    # problems: one issue per cell (unknown category words: one per word), capped per code
    if cell_problem.any():
        positions = np.flatnonzero(cell_problem)
        codes_at = c.codes[positions]
        by_code: dict[str, list[Any]] = {}  # numpy integer positions
        for pos, code in zip(positions, codes_at):
            by_code.setdefault(problem_u[code], []).append(pos)
        for pcode, plist in by_code.items():
            if pcode == "unknown_category":
                _unknown_words(issue, c, np.asarray(plist), excel_rows, tname)
                continue
            for pos in plist[:MAX_CELL_ISSUES]:
                u = c.codes[pos]
                params = _problem_params(c, u, tname)
                issue(int(excel_rows[pos]), c.header, c.uniques[u], "left_empty", pcode, c.field, **params)
            if len(plist) > MAX_CELL_ISSUES:
                rest = len(plist) - MAX_CELL_ISSUES
                issue(int(excel_rows[plist[MAX_CELL_ISSUES]]), c.header, None, "left_empty", "more_issues", c.field,
                      count=rest, problem=pcode)
    # notes: one issue per column and note
    cell_note = np.append(has_note_u, False)[idx] & keep
    if cell_note.any():
        positions = np.flatnonzero(cell_note)
        notes_at = note_u[c.codes[positions]]
        for ncode in dict.fromkeys(notes_at):
            sel = positions[notes_at == ncode]
            example = c.uniques[c.codes[sel[0]]]
            extra = {"order": "mdy" if cfg.date_order == "dmy" else "dmy"} if ncode == "date_order_swapped" else {}
            issue(int(excel_rows[sel[0]]), c.header, example, "converted", ncode, c.field, count=int(len(sel)), **extra)


_CURRENCY_MARK = re.compile(r"(?P<EUR>€|\beuros?\b|\beur\b)|(?P<USD>\$|\busd\b)|(?P<GBP>£|\bgbp\b)|(?P<CHF>\bchf\b)",
                            re.IGNORECASE)


_DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "ARS", "CLP", "COP", "TWD"})  # "$" is theirs too


def _currency_issues(issue: Callable[..., None], c: _Column, keep: np.ndarray, excel_rows: np.ndarray, cfg: Config) -> None:
    """Amounts typed with another currency's sign than the workbook's ("$1,200" in a workbook in EUR)
    are read as numbers and added up as they are: a warning per currency, with the count and the
    first cell (kpis converts no currency; the configuration may say the workbook's)."""
    if c.uniques.dtype != object or infer_dtype(c.uniques, skipna=True) in ("floating", "integer", "mixed-integer-float"):
        return  # numbers only (the usual amount column), in one C pass
    expected = (cfg.currency or "EUR").upper()
    marked: dict[str, list[int]] = {}
    readable = (~np.asarray(c.parsed.problem, dtype=bool)).tolist()
    texts = [(k, u) for k, (u, ok) in enumerate(zip(c.uniques.tolist(), readable)) if ok and type(u) is str]
    if not texts:
        return
    # One regex pass over the texts laid end to end (a search per text cost 0.2 s at 180,000 amounts).
    joined = "\x00".join(u for _, u in texts)
    low = joined.lower()
    if not any(mark in low for mark in ("€", "$", "£", "eur", "usd", "gbp", "chf")):  # C-level: the usual case
        return
    starts = np.cumsum([0] + [len(u) + 1 for _, u in texts[:-1]])
    seen: set[int] = set()
    for m in _CURRENCY_MARK.finditer(joined):
        i = int(np.searchsorted(starts, m.start(), side="right")) - 1
        if i in seen:  # the first mark of a text decides, as a search would
            continue
        seen.add(i)
        if m.lastgroup != expected and not (m[0] == "$" and expected in _DOLLARS):
            marked.setdefault(str(m.lastgroup), []).append(texts[i][0])
    for currency, ks in marked.items():
        at = np.flatnonzero(np.isin(c.codes, ks) & keep)
        if len(at):
            issue(int(excel_rows[at[0]]), c.header, c.uniques[c.codes[at[0]]], "info", "amount_other_currency", c.field,
                  count=int(len(at)), currency=currency, expected=expected)


def _outlier_issues(issue: Callable[..., None], columns: list[_Column], keep: np.ndarray, excel_rows: np.ndarray) -> None:
    """Amounts of :data:`OUTLIER_TIMES` or more times the median of the columns' non-zero amounts (in
    absolute value: a refund of a billion is as doubtful), when they hold at least
    :data:`OUTLIER_MIN_VALUES`: kept as they are, and said -- an amount typed in cents, a zero too
    many, a phone number pasted into the cell would otherwise make a month's revenue silently.
    ``columns`` are one column, or a wide table's month columns (one median for them all). One
    issue per cell, the first :data:`MAX_OUTLIER_ISSUES`, then one line counting the rest."""
    sizes = []
    for c in columns:
        values = c.cell("values")
        sizes.append(np.abs(values) if values.dtype.kind == "f" else np.full(len(keep), np.nan))
    usable = [keep & np.isfinite(a) & (a > 0) for a in sizes]
    if sum(int(u.sum()) for u in usable) < OUTLIER_MIN_VALUES:
        return
    median = float(np.median(np.concatenate([a[u] for a, u in zip(sizes, usable)])))
    far = [(int(pos), c, a) for c, a, u in zip(columns, sizes, usable) for pos in np.flatnonzero(u & (a >= OUTLIER_TIMES * median))]
    if not far:
        return
    far.sort(key=lambda x: x[0])  # in row order (then column order, within a row)
    for pos, c, a in far[:MAX_OUTLIER_ISSUES]:
        issue(int(excel_rows[pos]), c.header, c.raw(np.array([pos]))[0], "info", "amount_outlier", c.field,
              times=float(a[pos] / median), median=median)
    if len(far) > MAX_OUTLIER_ISSUES:
        rest = far[MAX_OUTLIER_ISSUES:]
        rows = np.array(sorted({pos for pos, _, _ in rest}))
        first = rest[0][1]
        issue(int(excel_rows[rest[0][0]]), first.header if len(columns) == 1 else None, None, "info",
              "amount_outliers_more", first.field, count=len(rest), rows=_row_list(excel_rows[rows], 10),
              limit=OUTLIER_TIMES, median=median)


def _unknown_words(issue: Callable[..., None], c: _Column, positions: np.ndarray, excel_rows: np.ndarray, tname: str) -> None:
    assert c.field is not None  # a category column is a field's
    builtin, attr = CATEGORY_FIELDS[(tname, c.field)]
    codes_at = c.codes[positions]
    for u in dict.fromkeys(codes_at):
        sel = positions[codes_at == u]
        issue(int(excel_rows[sel[0]]), c.header, c.uniques[u], "left_empty", "unknown_category", c.field,
              count=int(len(sel)), rows=_row_list(excel_rows[sel], 10), choices=", ".join(builtin),
              section=attr or f"{tname}.{c.field}", field_name=f"{tname}.{c.field}")
