"""The add-in's pipeline-history sheet: the report's movement and deals to watch, laid out."""

from __future__ import annotations

import datetime as dt

from kpis.config import Config
from kpis.dataset import Dataset
from kpis.history import store
from kpis.periods import parse_period
from kpis.xl.history_sheet import history_content

from ..history.test_movement import A, B


def _canonical(df):
    return df.drop(columns=["amount_cents", "forecast_category"])


def test_sheet_shows_flows_and_deals_to_watch(tmp_path):
    hist = tmp_path / "h.sqlite"
    store.record(hist, _canonical(A), dt.date(2026, 9, 30))
    ds = Dataset.from_frames(deals=_canonical(B))
    c = history_content(ds, parse_period("2026-10"), Config(), "en", as_of=dt.date(2026, 10, 31), path=hist)
    rows = {r[0]: r[1:] for r in c.values if r}
    # known answers of tests/history/test_movement.py
    assert rows["Starting pipeline"] == [18150, 12]
    assert rows["Won"][:1] == [6400] and rows["Ending pipeline"] == [16250, 10]
    assert rows["Slipped (expected date pushed)"] == [3000, 2]
    assert rows["Alice"][0] == 6600  # by rep: Alice's start
    deal_rows = [r for r in c.values if len(r) == 8 and r[2] in ("D1", "D3")]
    assert {r[2] for r in deal_rows} == {"D1", "D3"} and all(r[7] == "overdue" for r in deal_rows)


def test_without_history_the_sheet_says_why_and_still_lists_deals(tmp_path):
    ds = Dataset.from_frames(deals=_canonical(B))
    c = history_content(ds, parse_period("2026-10"), Config(), "fr", as_of=dt.date(2026, 10, 31), path=None)
    text = " ".join(str(v) for r in c.values for v in r)
    assert "Pas encore d'historique" in text and "en retard" in text
