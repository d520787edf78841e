"""Adding a KPI touches the registry, not the views: a copy of the registry with one more KPI in a
section shows it on every page of that section, in the summaries, in the per-rep view when it can
be broken down by rep, and in the templates built from it -- no view list edited."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from kpis.engine.defs.common import kpi
from kpis.engine.model import Measure, Ratio, Simple
from kpis.engine.registry import REGISTRY
from kpis.present import views

ROOT = Path(__file__).resolve().parents[2]


def _with(*extra):
    reg = dict(REGISTRY)
    for k in extra:
        reg[k.id] = k
    return reg


# A count of won deals above 10 000 (deals: a table with a rep, so a rep's own number too) ...
BIG_WINS = kpi("big_wins", "deals", ("Grosses ventes", "Big wins"), "count", "higher",
               Simple(Measure("deals", "count", None, None, None)), ("test", "test"))
# ... a ratio of the pipeline section (not headline: its page, not the rep sheets) ...
PIPE_RATIO = kpi("pipe_ratio", "pipeline", ("Ratio test", "Test ratio"), "ratio", "higher",
                 Ratio("proposals_sent", "new_opportunities"), ("test", "test"))
# ... and a customers count (the company's: never a rep's).
CUST_COUNT = kpi("cust_count", "customers", ("Clients test", "Test customers"), "count", "higher",
                 Simple(Measure("customers", "count")), ("test", "test"))


def test_a_new_kpi_appears_in_the_views_of_its_section():
    reg = _with(BIG_WINS, PIPE_RATIO, CUST_COUNT)
    assert "big_wins" in views.page_kpis("kpis", reg) and "big_wins" in views.page_kpis("summary", reg)
    assert "big_wins" in views.rep_kpis(reg)  # a count on deals: every rep has one
    assert "big_wins" not in views.page_kpis("pipeline", reg)

    assert "pipe_ratio" in views.page_kpis("pipeline", reg) and "pipe_ratio" in views.page_kpis("summary", reg)
    assert "pipe_ratio" not in views.rep_kpis(reg)

    assert "cust_count" in views.page_kpis("customers", reg)
    assert "cust_count" in views.page_kpis("customers_acquisition", reg)
    assert "cust_count" not in views.rep_kpis(reg)
    # the registry's order, section by section
    summary = views.page_kpis("summary", reg)
    assert summary.index("big_wins") > summary.index("deals_won") and summary.index("big_wins") < summary.index("open_deals")
    # the real registry is untouched
    assert "big_wins" not in views.page_kpis("summary")


def test_views_of_the_registry():
    """Every scalar KPI is on the summary, once; the per-rep view is the union the report and the
    add-in used to list apart (20 and 17 ids, 7 different), from the registry."""
    summary = views.page_kpis("summary")
    assert len(summary) == len(set(summary)) == sum(1 for k in REGISTRY.values() if k.unit != "distribution")
    reps = views.rep_kpis()
    for k in ("revenue", "quota_attainment", "deals_won", "win_rate", "gross_margin", "forecast", "calls", "demos",
              "weighted_pipeline", "leads_created"):
        assert k in reps
    for k in ("churn_rate", "mrr", "cac", "reps_at_quota_rate", "enps", "lost_reasons"):
        assert k not in reps
    assert all(k in REGISTRY for line in views.card_kpis() for k in line)
    assert set(views.trend_kpis()) >= set(views.TREND_CHARTS)


def test_templates_built_with_one_more_kpi_show_it(monkeypatch, tmp_path):
    """templates/build.py reads the views: with the KPI in the registry, the KPIs page and the
    add-in's summary and reps sheets list it, with its number format."""
    from openpyxl import load_workbook

    monkeypatch.setitem(REGISTRY, "big_wins", BIG_WINS)
    spec = importlib.util.spec_from_file_location("kpis_templates_build_test", ROOT / "templates" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.build_sheets(tmp_path / "sheets.xlsx", "fr")
    wb = load_workbook(tmp_path / "sheets.xlsx")
    summary = wb["Synthèse"]
    rows = [r for r in summary.iter_rows(min_col=1, max_col=2) if r[0].value == "Grosses ventes"]
    assert len(rows) == 1 and rows[0][1].value == "{{ cards.big_wins.value | default('n.d.') | fill(cards.big_wins.status) }}"
    assert rows[0][1].number_format == "#,##0"
    head = [c.value for c in wb["Commerciaux"][4]]
    assert "Grosses ventes" in head
    assert "big_wins" in str(wb["Commerciaux"]["A5"].value)  # the table placeholder names its column


@pytest.mark.parametrize("page", sorted(views.PAGES))
def test_every_page_lists_registry_kpis_only(page):
    assert set(views.page_kpis(page)) <= set(REGISTRY)
