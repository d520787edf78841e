"""Deals to watch: each reason on hand-made deals, activities and history states."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpis.history.alerts import deals_to_watch, median_stage_days, stage_times

from .helpers import snap

AS_OF = dt.date(2026, 10, 31)


def reasons(alerts) -> dict[str, list[str]]:
    return {r["deal_id"]: r["reasons"] for r in alerts.to_json()}


def test_overdue_no_amount_and_closed_deals_ignored():
    deals = snap(("A", "open", 100, "2026-10-30", "Alice"),   # overdue: 10-30 < 10-31
                 ("B", "open", 100, "2026-10-31", "Alice"),   # due today: not overdue
                 ("C", "open", None, "2026-11-30", "Bruno"),  # no amount
                 ("D", "open", 0, "2026-10-01", "Bruno"),     # overdue and zero amount
                 ("E", "won", None, "2026-01-01", "Bruno"))   # closed: never listed
    assert reasons(deals_to_watch(deals, AS_OF)) == {"D": ["overdue", "no_amount"], "A": ["overdue"], "C": ["no_amount"]}


def test_stale_from_linked_activities():
    deals = snap(("A", "open", 100, "2026-12-01", "Alice"), ("B", "open", 100, "2026-12-01", "Alice"),
                 ("C", "open", 100, "2026-12-01", "Alice"), ("D", "open", 100, "2026-12-01", "Alice"))
    deals["created_date"] = pd.to_datetime(["2026-01-01", "2026-01-01", "2026-10-25", "2026-01-01"])
    acts = pd.DataFrame({"deal_id": ["A", "B", "D", None], "date": pd.to_datetime(["2026-10-17", "2026-10-18", "2026-11-20", "2026-10-30"]),
                         "outcome": ["done", "done", "scheduled", "done"]})
    got = reasons(deals_to_watch(deals, AS_OF, activities=acts, stale_days=14))
    # A: last activity 10-17, 14 days before 10-31 -> stale; B: 13 days -> not; C: created 10-25, no
    # activity -> 6 days -> not; D: only a future (scheduled) activity, created 01-01 -> stale
    assert got == {"A": ["stale"], "D": ["stale"]}


def test_pushed_three_times_in_history():
    states = [
        (dt.date(2026, 7, 31), snap(("P", "open", 1, "2026-08-15", "A"), ("Q", "open", 1, "2026-08-15", "A"))),
        (dt.date(2026, 8, 31), snap(("P", "open", 1, "2026-09-15", "A"), ("Q", "open", 1, "2026-09-15", "A"))),
        (dt.date(2026, 9, 30), snap(("P", "open", 1, "2026-10-15", "A"), ("Q", "open", 1, "2026-09-15", "A"))),
    ]
    now = snap(("P", "open", 1, "2026-11-15", "A"), ("Q", "open", 1, "2026-11-15", "A"))
    # P pushed 08-15 -> 09-15 -> 10-15 -> 11-15 (3 times); Q twice
    assert reasons(deals_to_watch(now, AS_OF, states=states)) == {"P": ["pushed"]}


def test_stuck_against_the_median_stay_of_the_stage():
    S = "Proposition"
    day = [dt.date(2026, 6, 30), dt.date(2026, 7, 31), dt.date(2026, 8, 31), dt.date(2026, 9, 30)]
    rows = {
        # three finished stays in Proposition, created in it on 06-01 (created date), left at 07-31 /
        # 08-31 / 07-31: 60, 91, 60 days -> median 60 days; 1.5 x 60 = 90 days
        "F1": ["Proposition", "Négociation", "Négociation", "Négociation"],
        "F2": ["Proposition", "Proposition", "Négociation", "Négociation"],
        "F3": ["Proposition", "Négociation", "Négociation", "Négociation"],
        # S1 in Proposition since its creation 06-01: 152 days at 10-31 > 90 -> stuck
        "S1": ["Proposition", "Proposition", "Proposition", "Proposition"],
        # S2 entered Proposition at the 08-31 snapshot: 61 days -> not stuck
        "S2": ["Qualification", "Qualification", "Proposition", "Proposition"],
    }
    states = []
    for i, d in enumerate(day):
        df = snap(*[(k, "open", 1000, "2026-12-31", "A", v[i]) for k, v in rows.items()])
        df["created_date"] = pd.Timestamp("2026-06-01")
        states.append((d, df))
    stays = stage_times(states)
    med = median_stage_days(stays)
    assert med.to_dict() == {"proposition": 60.0}
    now = states[-1][1]
    got = deals_to_watch(now, AS_OF, states=states)
    assert reasons(got) == {"S1": ["stuck"]}
    row = got.rows.set_index("deal_id").loc["S1"]
    assert (row["days_in_stage"], row["stage_median_days"]) == (152, 60.0)
    assert S == "Proposition"


def test_stays_that_began_before_the_history_are_not_measured():
    d1, d2 = dt.date(2026, 9, 1), dt.date(2026, 10, 1)
    a = snap(*[(f"X{i}", "open", 1, None, "A", "Proposition") for i in range(5)])
    b = snap(*[(f"X{i}", "open", 1, None, "A", "Négociation") for i in range(5)])
    # no created date and first seen at the first snapshot: entry date unknown -> censored, no median
    assert median_stage_days(stage_times([(d1, a), (d2, b)])).empty


# -- properties on random histories ----------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from kpis.history.movement import push_counts  # noqa: E402

DEAL = st.tuples(st.sampled_from(["open", "won", "lost"]), st.one_of(st.none(), st.integers(0, 5000)),
                 st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2027, 6, 30)).map(str)),
                 st.sampled_from(["Alice", "Bruno"]), st.sampled_from(["Qualification", "Proposition", "Négociation"]))
STATE = st.dictionaries(st.sampled_from([f"D{i}" for i in range(12)]), DEAL, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(STATE, min_size=1, max_size=5))
def test_listed_deals_are_open_with_reasons_and_pushes_are_bounded(history):
    frames = [snap(*[(k, *v) for k, v in s.items()]) for s in history]
    days = [dt.date(2026, 6, 30) + dt.timedelta(days=30 * i) for i in range(len(frames))]
    states = list(zip(days[:-1], frames[:-1]))
    now = frames[-1]
    al = deals_to_watch(now, days[-1], states=states, pushed_min=2)
    open_now = set(now.loc[now["status"].eq("open"), "deal_id"])
    for r in al.to_json():
        assert r["deal_id"] in open_now and r["reasons"]
        assert set(r["reasons"]) <= {"overdue", "stale", "pushed", "stuck", "no_amount"}
    pushes = push_counts(frames)
    assert (pushes <= len(frames) - 1).all() and (pushes >= 1).all()


def test_the_report_and_its_commentary_share_one_watch_list(monkeypatch):
    """The report's "deals to watch" page and the commentary ask for the same alerts: computed once
    per dataset (issue 11), and again when the history file or the date differ."""
    from pathlib import Path

    from kpis.config import Config
    from kpis.history import service
    from kpis.reader import read_workbook

    ds = read_workbook(Path(__file__).resolve().parents[2] / "examples" / "suivi_commercial.xlsx")
    calls: list[dt.date] = []
    real = service.deals_to_watch
    monkeypatch.setattr(service, "deals_to_watch", lambda cur, as_of, **k: (calls.append(as_of), real(cur, as_of, **k))[1])
    day = dt.date(2026, 10, 31)
    first = service.workbook_alerts(ds, Config(), None, day, lang="fr")
    again = service.workbook_alerts(ds, Config(), None, day, lang="en")
    assert again is first and calls == [day]
    service.workbook_alerts(ds, Config(), None, dt.date(2026, 11, 30), lang="fr")
    assert len(calls) == 2
