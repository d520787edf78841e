"""The report's context holds the engine's and the calculators' numbers, unchanged, laid out by name."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kpis.calculators import commission_statements
from kpis.config import Config
from kpis.dataset import Dataset
from kpis.engine import REGISTRY, compute
from kpis.periods import last_n, parse_period
from kpis.report import build_context
from kpis.report.context import REP_KPIS, TREND_KPIS
from kpis.report.labels import period_label
from tests.report.conftest import GENERATED, PERIOD, config


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, dict):
        return a == b
    return b is not None and a == pytest.approx(b, rel=1e-12, abs=1e-12)


@pytest.fixture(scope="module")
def results(fr):
    return compute(fr.ds, PERIOD, config=fr.config, by=["rep", "source", "product", "segment"])


def test_every_kpi_value_and_card_is_the_engines(fr, results):
    assert set(fr.ctx["kpi"]) == set(REGISTRY)
    for r in results:
        card = fr.ctx["cards"][r.id]
        assert same(fr.ctx["kpi"][r.id], r.value), r.id
        for key in ("value", "previous", "year_ago", "target", "change", "good", "target_met"):
            assert same(card[key], getattr(r, key)), (r.id, key)
        assert card["label"] == REGISTRY[r.id].name_fr


def test_card_status_and_change_in_points(fr):
    win = fr.ctx["cards"]["win_rate"]
    assert win["change_display"] == pytest.approx(win["change"] * 100)  # percentage points
    assert win["change_format"].startswith('+0.0\u00a0"pts"')
    revenue = fr.ctx["cards"]["revenue"]
    assert revenue["target"] is not None
    assert revenue["status"] == ("good" if revenue["value"] >= revenue["target"] else "bad")
    assert revenue["number_format"] == '#,##0\u00a0"€"'


def test_leaderboard_is_the_rep_breakdown_and_adds_up(fr, results):
    lb = fr.ctx["leaderboard"]
    assert list(lb["revenue"]) == sorted(lb["revenue"], reverse=True)
    for _, row in lb.iterrows():
        for k in ("revenue", "deals_won", "deals_lost", "win_rate", "average_deal_size", "sales_cycle_days",
                  "quota_attainment", "open_pipeline_value"):
            expected = results[k].by["rep"].get(row["rep"])
            if expected is None and REGISTRY[k].kind == "simple":
                expected = 0.0  # a rep without rows: nothing counted
            assert same(row[k], expected), (row["rep"], k)
    assert lb["revenue"].sum() == pytest.approx(fr.ctx["kpi"]["revenue"])
    assert lb["deals_won"].sum() == pytest.approx(fr.ctx["kpi"]["deals_won"])
    assert lb["quota"].sum() == pytest.approx(fr.ctx["cards"]["revenue"]["target"])
    st = commission_statements(fr.ds, PERIOD, fr.config)
    assert dict(zip(lb["rep"], lb["commission"])) == pytest.approx({r: s.earned for r, s in st.reps.items()})


def test_tables_by_dimension_add_up_to_the_totals(fr):
    c, k = fr.ctx, fr.ctx["kpi"]
    assert c["pipeline_by_rep"]["open_pipeline_value"].sum() == pytest.approx(k["open_pipeline_value"])
    assert c["pipeline_by_product"]["open_deals"].sum() == pytest.approx(k["open_deals"])
    assert c["activities_by_rep"]["activities_total"].sum() == pytest.approx(k["activities_total"])
    assert c["customers_by_segment"]["mrr"].sum() == pytest.approx(k["mrr"])
    assert c["acquisition_by_channel"]["leads_created"].sum() == pytest.approx(k["leads_created"])
    assert c["lost_reasons"]["count"].sum() == pytest.approx(k["deals_lost"])
    assert c["lost_reasons"]["share"].sum() == pytest.approx(1.0)
    funnel = c["funnel"].set_index("step")
    for step, v in k["funnel"].items():
        assert funnel.loc[step, "count"] == v["count"]
    assert c["funnel_by_source"]["lead"].sum() == pytest.approx(k["leads_created"])


def test_trend_is_thirteen_months_of_engine_values(fr):
    trend = fr.ctx["trend"]
    months = last_n(PERIOD, 13)
    assert list(trend["month_start"]) == [m.start for m in months]
    assert trend["month"].iloc[-1] == "oct.-26" and trend["month"].iloc[0] == "oct.-25"
    for i in (0, 6, 12):
        res = compute(fr.ds, months[i], config=fr.config, kpis=list(TREND_KPIS), compare=False)
        for k in TREND_KPIS:
            assert same(trend[k].iloc[i], res[k].value if res[k].value is not None else np.nan), (i, k)
        assert trend["revenue_target"].iloc[i] == pytest.approx(res["revenue"].target)


def test_rep_contexts_hold_their_own_numbers(fr, results):
    prev = compute(fr.ds, PERIOD.previous(), config=fr.config, kpis=list(REP_KPIS), by=["rep"], compare=False)
    st = commission_statements(fr.ds, PERIOD, fr.config)
    names = [r["name"] for r in fr.ctx["reps"]]
    assert names == sorted(names, key=str.casefold)
    assert "Sophie Bernard" not in names  # the manager
    for rep in fr.ctx["reps"]:
        for k in REP_KPIS:
            expected = results[k].by["rep"].get(rep["name"])
            if expected is None and REGISTRY[k].kind == "simple":
                expected = 0.0
            assert same(rep["kpi"][k], expected), (rep["name"], k)
            before = prev[k].by["rep"].get(rep["name"])
            if before is None and REGISTRY[k].kind == "simple":
                before = 0.0
            assert same(rep["cards"][k]["previous"], before), (rep["name"], k)
            assert same(rep["cards"][k]["team"], results[k].value)
        s = st.reps[rep["name"]]
        assert rep["has_statement"] and rep["statement"]["payable"] == pytest.approx(s.payable)
        # the lines table adds up to what the rep earned: deals, SPIFFs, clawbacks (negative)
        assert rep["statement_lines"]["commission"].sum() == pytest.approx(s.earned, abs=0.005)
        assert rep["statement_lines"]["credited"].sum() == pytest.approx(s.credited_to_date, abs=0.005)


def test_period_words_and_sources(fr, en):
    assert fr.ctx["period"]["label"] == "octobre 2026" and en.ctx["period"]["label"] == "October 2026"
    assert fr.ctx["period"]["previous_word"] == "Mois préc."
    assert fr.ctx["generated_text"] == "16 novembre 2026" and en.ctx["generated_text"] == "November 16, 2026"
    assert fr.ctx["source"] == "suivi_commercial.xlsx"
    assert period_label(parse_period("2026-Q4"), "fr") == "4e trimestre 2026"
    assert period_label(parse_period("2026-Q1"), "fr") == "1er trimestre 2026"
    assert period_label(parse_period("2026-Q4"), "en") == "Q4 2026"


def test_quality_table_is_the_readers_report(fr):
    q = fr.ds.quality.to_frame("fr")
    assert len(fr.ctx["quality"]) == int((q["severity"] != "info").sum())
    assert len(fr.ctx["quality_info"]) == int((q["severity"] == "info").sum())
    assert set(fr.ctx["tables_read"]["table"]) == set(fr.ds.tables)
    assert fr.ctx["quality_summary"]["rows_skipped"] == fr.ds.quality.rows_skipped


def test_english_context_has_english_words(en):
    assert en.ctx["cards"]["win_rate"]["label"] == "Win rate"
    assert en.ctx["cards"]["revenue"]["number_format"] == '"€"#,##0'
    assert list(en.ctx["funnel"]["label"]) == ["Leads", "MQL", "SQL", "Opportunities", "Customers"]


# -- hand-built data: edge cases ------------------------------------------------------------------
def _deals(rows):
    df = pd.DataFrame(rows, columns=["deal_id", "rep", "amount", "status", "created_date", "close_date"])
    for c in ("created_date", "close_date"):
        df[c] = pd.to_datetime(df[c])
    df["stage"] = df["status"]
    return df


def test_deals_without_a_rep_and_reps_without_deals():
    deals = _deals([
        ("D1", "Alice", 1000.0, "won", "2026-09-01", "2026-10-05"),
        ("D2", None, 500.0, "won", "2026-09-01", "2026-10-06"),
        ("D3", "Bruno", 800.0, "lost", "2026-09-01", "2026-10-07"),
    ])
    team = pd.DataFrame({"rep": ["Alice", "Bruno", "Chloé", "Sophie"], "role": ["AE", "AE", "AE", "manager"],
                         "hire_date": pd.to_datetime(["2020-01-01"] * 4), "leave_date": pd.to_datetime([None] * 4)})
    ds = Dataset.from_frames(deals=deals, team=team)
    ctx = build_context(ds, PERIOD, Config(), generated_at=GENERATED)  # no commission plan
    lb = ctx["leaderboard"].set_index("rep")
    assert list(lb.index) == ["Alice", "Bruno", "Chloé", "(non renseigné)"]  # blank rep last, manager out
    assert lb["revenue"].sum() == 1500.0  # = the team's revenue
    assert lb.loc["Chloé", "revenue"] == 0.0 and np.isnan(lb.loc["Chloé", "win_rate"])
    assert [r["name"] for r in ctx["reps"]] == ["Alice", "Bruno", "Chloé"]
    assert ctx["reps"][0]["role"] == "Chargé d'affaires"  # the role in the user's words, not the id "AE"
    assert ctx["statements"]["available"] is False and ctx["statements"]["reason"]
    assert all(not r["has_statement"] for r in ctx["reps"])


def test_a_workbook_with_only_deals_still_makes_a_full_context():
    deals = _deals([("D1", "Alice", 1000.0, "won", "2026-09-01", "2026-10-05")])
    ctx = build_context(Dataset.from_frames(deals=deals), PERIOD, config("en"), generated_at=GENERATED)
    assert ctx["kpi"]["revenue"] == 1000.0
    assert ctx["cards"]["mrr"]["kpi_status"] == "missing_input" and ctx["cards"]["mrr"]["value"] is None
    assert ctx["customers_by_segment"].empty and ctx["funnel"].empty
    assert len(ctx["trend"]) == 13


def test_a_context_renders_with_every_default_template():
    from kpis.render import check_template, render
    from kpis.report import default_template

    deals = _deals([("D1", "Alice", 1000.0, "won", "2026-09-01", "2026-10-05")])
    ctx = build_context(Dataset.from_frames(deals=deals), PERIOD, config("fr"), generated_at=GENERATED)
    for kind in ("report", "rep", "statements"):
        for lang in ("fr", "en"):
            tpl = default_template(kind, lang)
            assert check_template(tpl, ctx) == [], (kind, lang)
            if kind != "statements":
                render(tpl, ctx, lang=lang)


def test_attainment_is_coloured_against_its_quota_not_its_change():
    """A rep at 115 % who was at 162 % last month beat the quota: green, though the change is bad
    (115 % − 162 % = −47 pts); 95 % after 80 % is short of it: red, though the change is good."""
    from kpis.report.cards import rep_card

    beat = rep_card("quota_attainment", 1.154, 1.621, None, 1.269, "fr")
    assert beat["good"] is False and beat["status"] == "good"
    assert beat["target"] is None and beat["target_met"] is None  # the engine's, unchanged
    short = rep_card("quota_attainment", 0.95, 0.80, None, 1.269, "en")
    assert short["good"] is True and short["status"] == "bad"
    # a KPI without an implicit target keeps the colour of its change
    assert rep_card("win_rate", 0.30, 0.80, None, 0.48, "fr")["status"] == "bad"
