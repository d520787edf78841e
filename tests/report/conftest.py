"""Fixtures for the report tests: the example workbooks read once, their contexts built once, the
reports rendered once (session scope: building a context computes every KPI, 13 months of trends
and the commission statements)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kpis.config import parse_config
from kpis.periods import parse_period

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PERIOD = parse_period("2026-10")
GENERATED = dt.datetime(2026, 11, 16, 9, 0)

# The plans the example team is paid on (its team table names Standard, BDR and Junior).
PLANS = """\
[plans.standard]
tiers = "marginal"
rates = [[0.0, 0.02], [0.5, 0.05], [1.0, 0.08], [1.5, 0.12]]
gate = 0.3
deal_type_weights = { renewal = 0.5 }
clawback_days = 90
draw = { amount = 1000, recoverable = true }
[[plans.standard.spiffs]]
name = "Formation"
match = { product = ["Formation", "Training"] }
amount = 150
[plans.junior]
rates = [[0.0, 0.03], [1.0, 0.06]]
[plans.bdr]
rates = [[0.0, 0.01]]
"""


def config(lang: str = "fr"):
    cfg = parse_config(PLANS)
    cfg.lang = lang
    return cfg


class Example:
    """One example workbook read, its context built and its report rendered and saved."""

    def __init__(self, lang: str, tmp: Path):
        from kpis.reader import read_workbook
        from kpis.report import build_context, render_report, default_template

        self.lang = lang
        self.path = EXAMPLES / ("suivi_commercial.xlsx" if lang == "fr" else "sales_tracking.xlsx")
        self.config = config(lang)
        self.ds = read_workbook(self.path, self.config)
        self.ctx = build_context(self.ds, PERIOD, self.config, generated_at=GENERATED)
        self.template = default_template("report", lang)
        self.report = render_report(self.template, self.ctx, lang=lang)
        self.out = self.report.save(tmp / f"report_{lang}.xlsx")


@pytest.fixture(scope="session")
def fr(tmp_path_factory) -> Example:
    return Example("fr", tmp_path_factory.mktemp("report_fr"))


@pytest.fixture(scope="session")
def en(tmp_path_factory) -> Example:
    return Example("en", tmp_path_factory.mktemp("report_en"))


def find_row(ws, text: str, column: int = 1) -> int:
    """The first row whose cell in ``column`` holds ``text``."""
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not found in {ws.title}")
