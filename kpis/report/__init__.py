"""The monthly report: the context templates read, the default templates, writing the workbooks.

::

    from kpis.report import build_context, report_workbook
    ctx = build_context(ds, parse_period("2026-10"), config, lang="fr")    # dict: kpi, cards, leaderboard…
    report = report_workbook(ds, parse_period("2026-10"), config)           # kpis.render.Report
    report.save("out/rapport_2026-10.xlsx")                                 # atomic

Numbers come from :mod:`kpis.engine` and :mod:`kpis.calculators` only; templates are rendered by
:mod:`kpis.render`. The context's keys and the default templates are described in ``docs/report.md``.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..dataset import Dataset
from ..periods import Period
from .context import build_context, build_statements_context
from .templates import ReportSettings, default_template, resolve_template, settings
from .write import (
    OutputError,
    check_output,
    default_output,
    render_report,
    rep_context,
    rep_outputs,
    save,
    write_per_rep,
)

if TYPE_CHECKING:
    from ..render import Report  # openpyxl is imported when a report is rendered, not before

__all__ = [
    "OutputError",
    "ReportSettings",
    "build_context",
    "build_statements_context",
    "check_output",
    "default_output",
    "default_template",
    "render_report",
    "rep_context",
    "rep_outputs",
    "report_workbook",
    "save",
    "resolve_template",
    "settings",
    "statements_workbook",
    "write_per_rep",
]


def report_workbook(ds: Dataset, period: Period, config: Config | None = None, *, lang: str | None = None,
                    template: str | os.PathLike | None = None, source: str | None = None,
                    generated_at: dt.datetime | None = None) -> Report:
    """The monthly report of ``period`` rendered from ``template`` (default: the configuration's,
    else the packaged one for the language)."""
    cfg = config or Config()
    lg = lang or cfg.lang
    s = settings(cfg)
    ctx = build_context(ds, period, cfg, lang=lg, source=source, generated_at=generated_at, trend_months=s.trend_months)
    return render_report(resolve_template("report", ctx["lang"], cfg, template), ctx, lang=ctx["lang"])


def statements_workbook(ds: Dataset, statements: Any, period: Period, config: Config | None = None, *,
                        lang: str | None = None, template: str | os.PathLike | None = None,
                        source: str | None = None, generated_at: dt.datetime | None = None) -> Report:
    """Commission statements (a summary sheet, one sheet per rep) rendered from the statements template."""
    cfg = config or Config()
    ctx = build_statements_context(ds, statements, period, cfg, lang=lang, source=source, generated_at=generated_at)
    return render_report(resolve_template("statements", ctx["lang"], cfg, template), ctx, lang=ctx["lang"])
