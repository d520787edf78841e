"""Writing report workbooks: where (default name, never over the source, never over an existing
file unless forced), how (rendered by :mod:`kpis.render`, written atomically), and per rep.

The checks happen before anything is computed, so a refused output costs nothing; files are
rendered in memory first and then written (a temporary file in the same folder, then
``os.replace``), so a failure never leaves half a workbook behind. Per-rep workbooks are all
rendered before the first is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..i18n import normalise_lang
from ..outputs import OutputError, check_output as _check_output
from ..periods import Period
from ..present import formats
from ..render.errors import TemplateError
from ..render.names import sanitise_file_stem

if TYPE_CHECKING:
    from ..render import Report  # openpyxl is imported when a report is rendered (render_report)

# Context keys a rep's own workbook carries: the period's words and the rep -- never the team's
# tables ("not a control tower": each rep sees their own numbers).
REP_CONTEXT_KEYS = ("lang", "currency", "currency_symbol", "company", "title", "period", "period_label",
                    "generated_at", "generated_on", "generated_text", "as_of", "as_of_text", "source")


def default_output(period: Period, lang: str, folder: str | os.PathLike = "out") -> Path:
    """``out/rapport_2026-10.xlsx`` (fr) / ``out/report_2026-10.xlsx`` (en), in the working directory."""
    stem = ("rapport_" if normalise_lang(lang) == "fr" else "report_") + period.label
    return Path(folder) / f"{sanitise_file_stem(stem.replace(':', '_'))}.xlsx"


def check_output(path: str | os.PathLike, *, lang: str, source: str | os.PathLike | None = None,
                 template: str | os.PathLike | None = None, config: str | os.PathLike | None = None,
                 force: bool = False) -> Path:
    """Refuse to write over the source workbook, its configuration or the template (even with
    ``force``), a file of another type than the template, or an existing file without ``force``
    (:func:`kpis.outputs.check_output`)."""
    out = Path(path)
    suffix = Path(template).suffix.lower() if template is not None else ".xlsx"
    suffix = suffix if suffix in (".xlsx", ".xlsm") else ".xlsx"
    inputs = ((source, "report_over_source"), (template, "report_over_template"), (config, "input_config"))
    return _check_output(out, lang=lang, inputs=inputs, suffixes=(suffix,), force=force)


def render_report(template: str | os.PathLike, context: Mapping[str, Any], *, lang: str) -> Report:
    """Render a template; money formats follow the context's currency (templates are written in €)."""
    from ..render import render

    report = render(template, context, lang=lang)
    symbol = context.get("currency_symbol") or formats.currency_symbol(context.get("currency", "EUR"))
    if symbol != "€":
        retarget_currency(report, "€", symbol)
    return report


def retarget_currency(report: Report, template_symbol: str, symbol: str) -> None:
    """Replace the template's currency symbol in the number formats of every written cell."""
    needle = f'"{template_symbol}'
    for ws in report.workbook.worksheets:
        for cell in ws._cells.values():
            f = cell.number_format
            if needle in f:
                cell.number_format = formats.retarget_currency(f, template_symbol, symbol)


def save(report: Report, path: str | os.PathLike) -> Path:
    """Write a rendered report atomically (see :func:`kpis.atomic.write_atomic`)."""
    return report.save(path)


def rep_context(context: Mapping[str, Any], rep: Mapping[str, Any]) -> dict[str, Any]:
    """The context of one rep's own workbook: the period's words and that rep only."""
    return {**{k: context[k] for k in REP_CONTEXT_KEYS if k in context}, "reps": [rep]}


def rep_outputs(context: Mapping[str, Any], out_dir: str | os.PathLike, *, lang: str, force: bool = False,
                template: str | os.PathLike | None = None, source: str | os.PathLike | None = None) -> list[tuple[Path, dict]]:
    """Where each rep's workbook goes (``fiche_2026-10_Alice Martin.xlsx`` / ``rep_2026-10_…``), checked
    like any output; returns (path, rep) pairs."""
    folder = Path(out_dir)
    if folder.exists() and not folder.is_dir():
        raise OutputError("report_per_rep_not_dir", lang, path=folder)
    prefix = "fiche" if normalise_lang(lang) == "fr" else "rep"
    code = context["period"]["code"].replace(":", "_")
    taken: set[str] = set()
    pairs = []
    for rep in context["reps"]:
        stem = sanitise_file_stem(f"{prefix}_{code}_{rep['name']}", taken)
        path = check_output(folder / f"{stem}.xlsx", lang=lang, source=source, template=template, force=force)
        pairs.append((path, rep))
    return pairs


def write_per_rep(template: str | os.PathLike, context: Mapping[str, Any], pairs: Iterable[tuple[Path, dict]], *,
                  lang: str) -> list[Path]:
    """Render every rep's workbook, then write them all (a template mistake writes none)."""
    reports = [(path, render_report(template, rep_context(context, rep), lang=lang)) for path, rep in pairs]
    return [save(report, path) for path, report in reports]


__all__ = ["OutputError", "TemplateError", "check_output", "default_output", "render_report", "rep_context",
           "rep_outputs", "retarget_currency", "save", "write_per_rep"]
