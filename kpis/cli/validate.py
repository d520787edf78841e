"""``kpis validate WORKBOOK``: what the reader understood, and every data-quality problem.

Prints which sheet (and range) became which canonical table, which columns went to which fields and
which were not used, which sheets were left aside; then the data-quality report (sheet, Excel row,
column, value, action, reason) in French or English. ``--format json`` / ``csv`` for machines.

Exit codes: 0 nothing lost; 1 at least one row had to be skipped (or a formula without a saved
result was met); 2 file or configuration error, or no tracking table found in the file (the report
still says what was looked at).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from ..i18n import message
from ..i18n import register as register_messages
from ..schema import TABLES
from .common import (EXIT_DATA, EXIT_OK, ConfigOpt, LangOpt, WorkbookArg, check_format, console, emit_json,
                     format_opt, load_cfg, run)

VALIDATE_FORMATS = ("table", "json", "csv")

# Issues describing the layout (shown in the first part, not in the problems table).
LAYOUT_CODES = frozenset({"table_found", "column_mapped", "column_unmapped", "wide_layout"})
SHEET_CODES = frozenset({"sheet_unused", "sheet_unused_near", "duplicate_source"})
MAX_VALUE_WIDTH = 50
MAX_LINES_PER_KIND = 200  # lines shown per (sheet, problem kind); --format csv / json list them all

register_messages(
    {
        "v_file": {"fr": "Fichier : {path}", "en": "File: {path}"},
        "v_tables": {"fr": "Tables reconnues", "en": "Tables found"},
        "v_table": {"fr": "Table", "en": "Table"},
        "v_range": {"fr": "Plage", "en": "Range"},
        "v_rows": {"fr": "Lignes", "en": "Rows"},
        "v_columns": {"fr": "Colonnes → champs", "en": "Columns → fields"},
        "v_unmapped": {"fr": "Non utilisées", "en": "Not used"},
        "v_wide": {"fr": "une colonne par mois ({count})", "en": "one column per month ({count})"},
        "v_no_tables": {"fr": "Aucune table reconnue.", "en": "No table found."},
        "v_config_sheet": {"fr": "Feuille de configuration : {sheet} (lue comme paramètres, pas comme données)",
                           "en": "Configuration sheet: {sheet} (read as settings, not as data)"},
        "v_from_rep_cells": {
            "fr": "cellules « {column} » partagées (« Alice 60 % / Bruno 40 % »)",
            "en": "shared \"{column}\" cells (\"Alice 60% / Bruno 40%\")",
        },
        "v_sheets_aside": {"fr": "Feuilles laissées de côté", "en": "Sheets left aside"},
        "v_issues": {"fr": "Rapport de qualité des données", "en": "Data-quality report"},
        "v_sheet": {"fr": "Feuille", "en": "Sheet"},
        "v_row": {"fr": "Ligne", "en": "Row"},
        "v_column": {"fr": "Colonne", "en": "Column"},
        "v_value": {"fr": "Valeur", "en": "Value"},
        "v_action": {"fr": "Action", "en": "Action"},
        "v_reason": {"fr": "Motif", "en": "Reason"},
        "v_no_issues": {"fr": "Aucun problème : toutes les lignes ont été lues.", "en": "No problems: every row was read."},
        "v_summary": {
            "fr": "{skipped} ligne(s) écartée(s), {empty} cellule(s) laissée(s) vide(s), {ignored} élément(s) ignoré(s), "
            "{converted} conversion(s), {info} information(s)",
            "en": "{skipped} row(s) skipped, {empty} cell(s) left empty, {ignored} item(s) ignored, "
            "{converted} conversion(s), {info} note(s)",
        },
        "v_more": {
            "fr": "… et {count} autre(s) ligne(s) de ce type (au-delà de {cap} ; --format csv pour toutes les voir)",
            "en": "… and {count} more line(s) of this kind (beyond {cap}; --format csv to see them all)",
        },
    }
)


def register(app: typer.Typer) -> None:
    app.command(
        "validate",
        help="Check a tracking workbook: tables found and data-quality report. / "
        "Vérifier un fichier de suivi : tables reconnues et rapport de qualité.",
    )(validate_cmd)


def validate_cmd(
    workbook: Path = WorkbookArg,
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = format_opt(*VALIDATE_FORMATS),
) -> None:
    """Show the tables found in WORKBOOK and every data-quality problem (exit 1 when rows were skipped)."""

    def body() -> int:
        from ..reader import read_workbook

        f = check_format(fmt, VALIDATE_FORMATS)
        cfg = load_cfg(config, workbook, lang)
        ds = read_workbook(workbook, cfg)
        summary = layout(ds)
        summary["config_sheet"] = cfg.sheet  # read as configuration (kpis.config_sheet), never as data
        if f == "json":
            emit_json({"file": str(workbook), **summary, "issues": _problems(ds, cfg.lang),
                       "counts": _counts(ds), "exit_code": _exit_code(ds)})
        elif f == "csv":
            _print_csv(ds, cfg.lang)
        else:
            _print_table(ds, summary, cfg.lang, workbook)
        return _exit_code(ds)

    raise typer.Exit(run(body))


def _exit_code(ds) -> int:
    from ..reader import no_table_code
    from .common import EXIT_USAGE

    if no_table_code(ds):
        return EXIT_USAGE
    return EXIT_DATA if ds.quality.has_errors else EXIT_OK


def layout(ds) -> dict[str, Any]:
    """Tables found (range, rows, columns → fields, unused columns) and sheets left aside, from the report."""
    tables: dict[str, dict[str, Any]] = {}
    aside: list[dict[str, Any]] = []
    for i in ds.quality:
        if i.code == "table_found":
            tables[i.params["table"]] = {"table": i.params["table"], "sheet": i.sheet, "range": i.params["range"],
                                         "rows": i.params["rows"], "columns": {}, "unmapped": [], "months": 0}
        elif i.code == "column_mapped" and i.table in tables:
            tables[i.table]["columns"][i.field] = i.column
        elif i.code == "column_unmapped" and i.table in tables:
            tables[i.table]["unmapped"].append(i.column)
        elif i.code == "wide_layout" and i.table in tables:
            tables[i.table]["months"] = i.params.get("count", 0)
        elif i.code in SHEET_CODES:
            aside.append({"sheet": i.sheet, "code": i.code, "params": i.params})
    if "splits" in ds.tables and "splits" not in tables and "deals" in tables:
        rep = tables["deals"]["columns"].get("rep")
        tables["splits"] = {"table": "splits", "sheet": tables["deals"]["sheet"], "range": ds.sources.get("splits", ""),
                            "rows": len(ds.tables["splits"]), "columns": {}, "unmapped": [], "months": 0,
                            "from_rep_cells": rep}
    order = {t: k for k, t in enumerate(TABLES)}
    return {"tables": sorted(tables.values(), key=lambda t: order[t["table"]]), "sheets_aside": aside}


def _sorted(issues: list) -> list:
    """By sheet (in the order met), then row (sheet-level issues first)."""
    order: dict[str, int] = {}
    for i in issues:
        order.setdefault(i.sheet, len(order))
    return sorted(issues, key=lambda i: (order[i.sheet], -1 if i.row is None else i.row))


def _problems(ds, lang: str) -> list[dict[str, Any]]:
    from ..quality import QualityReport

    kept = _sorted([i for i in ds.quality if i.code not in LAYOUT_CODES])
    return QualityReport(kept).to_records(lang)


def _counts(ds) -> dict[str, int]:
    counts = {"skipped": 0, "left_empty": 0, "ignored": 0, "converted": 0, "info": 0}
    for i in ds.quality:
        if i.code in LAYOUT_CODES:
            continue
        key = "info" if i.action in ("info", "mapped") else i.action
        counts[key] = counts.get(key, 0) + 1
    return counts


def _print_csv(ds, lang: str) -> None:
    cols = ["sheet", "row", "column", "value", "action", "severity", "code", "reason", "table", "field"]
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(cols)
    for r in _problems(ds, lang):
        w.writerow(["" if r.get(c) is None else r.get(c) for c in cols])


def _capped(problems: list) -> tuple[list, dict[tuple[str, str], tuple[Any, int]]]:
    """At most :data:`MAX_LINES_PER_KIND` lines per (sheet, problem kind); the rest counted per kind
    (first hidden issue, how many)."""
    seen: dict[tuple[str, str], int] = {}
    shown: list[Any] = []
    hidden: dict[tuple[str, str], tuple[Any, int]] = {}
    for i in problems:
        k = (i.sheet, i.code)
        seen[k] = seen.get(k, 0) + 1
        if seen[k] <= MAX_LINES_PER_KIND:
            shown.append(i)
        else:
            first, n = hidden.get(k, (i, 0))
            hidden[k] = (first, n + 1)
    return shown, hidden


def _short(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    s = str(value)
    return s if len(s) <= MAX_VALUE_WIDTH else s[: MAX_VALUE_WIDTH - 1] + "…"


def _print_table(ds, summary: dict[str, Any], lang: str, workbook: Path) -> None:
    from rich.markup import escape
    from rich.table import Table

    from ..reader.messages import ACTIONS
    from ..vocab import field_label, table_label

    con = console(None if sys.stdout.isatty() else 200)
    con.print(escape(message("v_file", lang, path=str(workbook))))
    if summary.get("config_sheet"):
        con.print(escape(message("v_config_sheet", lang, sheet=summary["config_sheet"])))
    if summary["tables"]:
        t = Table(title=message("v_tables", lang), title_justify="left")
        for key in ("v_table", "v_range", "v_rows", "v_columns", "v_unmapped"):
            t.add_column(message(key, lang), justify="right" if key == "v_rows" else "left", overflow="fold")
        for tb in summary["tables"]:
            cols = [f"{h} → {field_label(f, lang)}" for f, h in tb["columns"].items()]
            if tb["months"]:
                cols.append(message("v_wide", lang, count=tb["months"]))
            if tb.get("from_rep_cells"):
                cols.append(message("v_from_rep_cells", lang, column=tb["from_rep_cells"]))
            t.add_row(table_label(tb["table"], lang), escape(tb["range"]), str(tb["rows"]), escape("\n".join(cols)),
                      escape(", ".join(tb["unmapped"])))
        con.print(t)
    else:
        con.print(message("v_no_tables", lang))
    if summary["sheets_aside"]:
        con.print(message("v_sheets_aside", lang) + (" :" if lang == "fr" else ":"))
        for a in summary["sheets_aside"]:
            con.print(escape(f"  • {a['sheet']} — {message(a['code'], lang, **a['params'])}"))
    problems = _sorted([i for i in ds.quality if i.code not in LAYOUT_CODES and i.code not in SHEET_CODES])
    if not problems:
        con.print(message("v_no_issues", lang))
        return
    t = Table(title=message("v_issues", lang), title_justify="left")
    for key in ("v_sheet", "v_row", "v_column", "v_value", "v_action", "v_reason"):
        t.add_column(message(key, lang), justify="right" if key == "v_row" else "left", overflow="fold")
    styles = {"error": "red", "warning": "yellow", "info": "dim"}
    shown, hidden = _capped(problems)
    for i in shown:
        t.add_row(escape(i.sheet), "" if i.row is None else str(i.row), escape(i.column or ""), escape(_short(i.value)),
                  ACTIONS.get(i.action, {}).get(lang, i.action), escape(i.reason(lang)), style=styles[i.severity])
    for (sheet, code), (first, count) in hidden.items():
        t.add_row(escape(sheet), "" if first.row is None else str(first.row), "", "",
                  ACTIONS.get(first.action, {}).get(lang, first.action),
                  escape(message("v_more", lang, count=count, cap=MAX_LINES_PER_KIND)), style=styles[first.severity])
    con.print(t)
    c = _counts(ds)
    con.print(message("v_summary", lang, skipped=c["skipped"], empty=c["left_empty"], ignored=c["ignored"],
                      converted=c["converted"], info=c["info"]))
