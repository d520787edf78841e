"""Commission statements as a plain workbook: a summary sheet and one sheet per rep.

A stop-gap until the template engine renders statements from a user-styled template: clean openpyxl
output, written atomically (a temporary file beside the target, then renamed), every text written as
text (a deal name starting with ``=`` never becomes a formula).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..i18n import message, normalise_lang
from .commissions import CLAWBACK_COLUMNS, LINE_COLUMNS, SPIFF_COLUMNS, Statements

_MONEY_FR = '#,##0.00 "€"'
_HEADER = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_FIGURES = ("credited", "quota", "attainment", "commission", "spiffs", "clawbacks", "recovered", "deferred", "draw", "payable", "balance_out")
_LABEL = {
    "credited": "stmt_credited", "quota": "stmt_quota", "attainment": "stmt_attainment", "commission": "stmt_commission",
    "spiffs": "stmt_spiffs", "clawbacks": "stmt_clawbacks", "draw": "stmt_draw", "recovered": "stmt_recovered",
    "deferred": "stmt_deferred", "payable": "stmt_payable", "balance_out": "stmt_balance", "kind": "stmt_kind",
    "deal_id": "stmt_deal", "account": "stmt_account", "close_date": "stmt_close_date", "amount": "stmt_amount",
    "share": "stmt_share", "weight": "stmt_weight", "rate": "stmt_rate", "spiff": "stmt_spiff",
    "churn_date": "stmt_churn_date", "customer_id": "stmt_account", "rep": "stmt_rep", "plan": "stmt_plan",
}
_RATIO = {"attainment", "share", "weight", "rate"}


def _label(key: str, lang: str) -> str:
    return message(_LABEL[key], lang) if key in _LABEL else key


def _put(ws, row: int, col: int, value, key: str | None = None, currency_fmt: str = _MONEY_FR):
    if isinstance(value, float) and pd.isna(value):
        value = None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime().date()
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text, even "=HYPERLINK(...)"
    elif key in _RATIO:
        cell.number_format = "0.0%"
    elif key is not None and isinstance(value, (int, float)):
        cell.number_format = currency_fmt
    elif value is not None and hasattr(value, "isoformat"):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _sheet_name(rep: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", str(rep)).strip("'")[:31] or "rep"
    name, i = base, 2
    while name.lower() in used:
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    used.add(name.lower())
    return name


def write_statements_xlsx(st: Statements, path: Path | str, lang: str = "fr") -> Path:
    lang = normalise_lang(lang)
    path = Path(path)
    fmt = _MONEY_FR if lang == "fr" else '"€"#,##0.00'
    if st.currency != "EUR":
        fmt = f'#,##0.00 "{st.currency}"'
    wb = Workbook()
    ws = wb.active
    ws.title = message("stmt_summary", lang)[:31]
    used = {ws.title.lower()}
    ws.cell(row=1, column=1, value=f"{message('stmt_title', lang)} — {st.period.label}").font = Font(bold=True, size=14)
    head = ["rep", "plan", *_FIGURES]
    for j, k in enumerate(head, 1):
        c = _put(ws, 3, j, _label(k, lang))
        c.font, c.fill = _HEADER, _FILL
    for i, (rep, s) in enumerate(st.reps.items(), 4):
        for j, k in enumerate(head, 1):
            v = rep if k == "rep" else getattr(s, k)
            _put(ws, i, j, v, None if k in ("rep", "plan") else k, fmt)
    _widths(ws, len(head))

    for rep, s in st.reps.items():
        sh = wb.create_sheet(_sheet_name(rep, used))
        sh.cell(row=1, column=1, value=f"{message('stmt_title', lang)} — {rep} — {s.period.label}").font = Font(bold=True, size=13)
        r = 3
        for k in ("plan", *_FIGURES):
            _put(sh, r, 1, _label(k, lang)).font = _HEADER
            _put(sh, r, 2, getattr(s, k), None if k == "plan" else k, fmt)
            r += 1
        r += 1
        for title, frame, cols in (("stmt_lines", s.lines, LINE_COLUMNS), ("stmt_spiffs", s.spiff_lines, SPIFF_COLUMNS),
                                   ("stmt_clawbacks", s.clawback_lines, CLAWBACK_COLUMNS)):
            if frame is None or frame.empty:
                continue
            _put(sh, r, 1, message(title, lang)).font = Font(bold=True, size=12)
            r += 1
            for j, k in enumerate(cols, 1):
                c = _put(sh, r, j, _label(k, lang))
                c.font, c.fill = _HEADER, _FILL
            r += 1
            for rec in frame.reindex(columns=cols).itertuples(index=False):  # statement lines: tens per rep
                for j, (k, v) in enumerate(zip(cols, rec), 1):
                    if k == "kind" and isinstance(v, str):
                        v = message(f"stmt_kind_{v}", lang)
                    _put(sh, r, j, v, k if k in _RATIO or k in ("amount", "credited", "commission") else None, fmt)
                r += 1
            r += 1
        for code, params in s.notes:
            _put(sh, r, 1, message(code, lang, **params))
            r += 1
        _widths(sh, max(len(LINE_COLUMNS), 2))

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _widths(ws, n: int) -> None:
    for j in range(1, n + 1):
        ws.column_dimensions[get_column_letter(j)].width = 16 if j > 1 else 24
    # printed (or exported to PDF) one page wide, landscape
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
