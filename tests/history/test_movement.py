"""Pipeline movement: known answers on two hand-made snapshots (every case twice), the identity on
random histories (hypothesis), push counts over a history."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.history.movement import FLOW_KEYS, SIGNS, classify, movement, movement_by, push_counts

from .helpers import snap

# A = state on 2026-09-30, B = state on 2026-10-31.
A = snap(
    ("D1", "open", 1000, "2026-10-15", "Alice"),   # pushed: 10-15 -> 10-20
    ("D2", "open", 2000, "2026-10-10", "Alice"),   # pushed: 10-10 -> 11-30
    ("D3", "open", 3000, "2026-11-15", "Bruno"),   # pulled in: 11-15 -> 10-25
    ("D4", "open", 4000, "2026-12-01", "Bruno"),   # pulled in: 12-01 -> 11-01
    ("D5", "open", 500, "2026-12-01", "Alice"),    # amount changed while open: 500 -> 800
    ("D6", "open", 900, "2026-12-01", "Bruno"),    # amount changed while open: 900 -> 600
    ("D7", "open", 1500, "2026-10-20", "Alice"),   # won with a changed amount: 1500 -> 1700
    ("D8", "open", 2500, "2026-10-20", "Bruno"),   # won with a changed amount: 2500 -> 2000
    ("D9", "open", 1200, "2026-10-20", "Alice"),   # lost with a changed amount: 1200 -> 1000
    ("D10", "open", 800, "2026-10-20", "Bruno"),   # lost with a changed amount: 800 -> 1100
    ("D11", "won", 700, None, "Alice"),            # reopened at 700
    ("D12", "lost", 600, None, "Bruno"),           # reopened at 650
    ("D13", "open", 400, "2026-11-01", "Alice"),   # deleted row
    ("D14", "open", 350, "2026-11-01", "Bruno"),   # deleted row
    ("D15", "won", 5000, None, "Alice"),           # closed at both (won, won, amount changed: no flow)
    ("D16", "lost", 300, None, "Bruno"),           # closed at both (lost -> won: no flow)
    ("D17", "won", 1000, None, "Alice"),           # closed, then deleted: no flow
)
B = snap(
    ("D1", "open", 1000, "2026-10-20", "Alice"),
    ("D2", "open", 2000, "2026-11-30", "Alice"),
    ("D3", "open", 3000, "2026-10-25", "Bruno"),
    ("D4", "open", 4000, "2026-11-01", "Bruno"),
    ("D5", "open", 800, "2026-12-01", "Alice"),
    ("D6", "open", 600, "2026-12-01", "Bruno"),
    ("D7", "won", 1700, None, "Alice"),
    ("D8", "won", 2000, None, "Bruno"),
    ("D9", "lost", 1000, None, "Alice"),
    ("D10", "lost", 1100, None, "Bruno"),
    ("D11", "open", 700, "2026-12-15", "Alice"),
    ("D12", "open", 650, "2026-12-15", "Bruno"),
    ("D15", "won", 5200, None, "Alice"),
    ("D16", "won", 300, None, "Bruno"),
    ("N1", "open", 1000, "2026-12-01", "Alice"),   # new open
    ("N2", "open", 2500, "2026-12-01", "Bruno"),   # new open
    ("N3", "won", 1800, None, "Alice"),            # new won
    ("N4", "won", 900, None, "Bruno"),             # new won
    ("N5", "lost", 400, None, "Alice"),            # new lost
    ("N6", "lost", 750, None, "Bruno"),            # new lost
)


def test_known_flows():
    m = movement(A, B)
    f = {k: v / 100 for k, v in m.flows.items()}
    # start = open at A: D1..D10, D13, D14
    #       = 1000 + 2000 + 3000 + 4000 + 500 + 900 + 1500 + 2500 + 1200 + 800 + 400 + 350 = 18 150
    assert f["start"] == 18150
    # created = amount at B of N1..N6 = 1000 + 2500 + 1800 + 900 + 400 + 750 = 7 350 (whatever their status)
    assert f["created"] == 7350
    # reopened = D11 at B 700 + D12 at B 650 = 1 350
    assert f["reopened"] == 1350
    # increased = D5 +300, D7 +200 (then won), D10 +300 (then lost) = 800
    assert f["increased"] == 800
    # decreased = D6 300, D8 500 (then won), D9 200 (then lost) = 1 000
    assert f["decreased"] == 1000
    # won = amount at B: D7 1700 + D8 2000 + N3 1800 + N4 900 = 6 400 (D15, D16 closed at both: none)
    assert f["won"] == 6400
    # lost = D9 1000 + D10 1100 + N5 400 + N6 750 = 3 250
    assert f["lost"] == 3250
    # removed = amount at A of D13 400 + D14 350 = 750 (D17, closed, deleted: none)
    assert f["removed"] == 750
    # end = open at B: D1 1000 + D2 2000 + D3 3000 + D4 4000 + D5 800 + D6 600 + D11 700 + D12 650
    #       + N1 1000 + N2 2500 = 16 250
    assert f["end"] == 16250
    # identity: 18150 + 7350 + 1350 + 800 − 1000 − 6400 − 3250 − 750 = 16250
    assert m.identity_holds()


def test_known_counts_and_slipped():
    m = movement(A, B)
    assert m.counts == {"start": 12, "created": 6, "reopened": 2, "increased": 3, "decreased": 3, "won": 4,
                        "lost": 4, "removed": 2, "end": 10}
    # counts: 12 + 6 + 2 − 4 − 4 − 2 = 10 (increased / decreased are not movements of deals)
    # slipped: D1 (10-15 -> 10-20) and D2 (10-10 -> 11-30), amount at B 1000 + 2000; D3, D4 pulled in
    assert (m.slipped_count, m.slipped_cents) == (2, 300000)
    c = classify(A, B)
    assert sorted(c.index[c["pulled_in"]]) == ["D3", "D4"]
    assert m.to_json()["slipped"] == {"count": 2, "amount": 3000}
    assert list(m.to_json()["flows"]) == list(FLOW_KEYS)


def test_by_rep_adds_up():
    c = classify(A, B)
    by = movement_by(c, c["rep"])
    assert set(by) == {"Alice", "Bruno"}
    for k in FLOW_KEYS:
        assert sum(v.flows[k] for v in by.values()) == movement(A, B).flows[k]
    # Alice start: D1 1000 + D2 2000 + D5 500 + D7 1500 + D9 1200 + D13 400 = 6 600
    assert by["Alice"].flows["start"] == 660000
    assert all(v.identity_holds() for v in by.values())


def test_missing_amount_counts_as_zero_and_cents_are_exact():
    a = snap(("X", "open", None, "2026-10-01", "A"), ("Y", "open", 0.1, "2026-10-01", "A"))
    b = snap(("X", "open", 0.2, "2026-10-01", "A"), ("Y", "won", 0.3, None, "A"))
    m = movement(a, b)
    # start 0 + 0.10; increased 0.20 (X) + 0.20 (Y); won 0.30; end 0.20 -- exactly, in cents
    assert m.flows == {"start": 10, "created": 0, "reopened": 0, "increased": 40, "decreased": 0, "won": 30,
                       "lost": 0, "removed": 0, "end": 20}
    assert m.to_json()["flows"]["won"] == 0.3


def test_push_counts_over_history():
    s1 = snap(("P", "open", 1, "2026-10-01", "A"), ("Q", "open", 1, "2026-10-01", "A"))
    s2 = snap(("P", "open", 1, "2026-10-15", "A"), ("Q", "open", 1, "2026-09-20", "A"))   # P pushed, Q pulled in
    s3 = snap(("P", "open", 1, None, "A"), ("Q", "open", 1, "2026-11-01", "A"))           # P: no date (skipped), Q pushed
    s4 = snap(("P", "open", 1, "2026-12-01", "A"), ("Q", "won", 1, "2026-12-01", "A"))    # P pushed (vs 10-15); Q won: no push
    s5 = snap(("P", "open", 1, "2027-01-10", "A"))                                        # P pushed a third time
    assert push_counts([s1, s2, s3, s4, s5]).to_dict() == {"P": 3, "Q": 1}


# -- the identity on random histories --------------------------------------------------------------
STATUS = st.sampled_from(["open", "won", "lost", "Prospection"])  # an unknown status counts as open
DAY = st.one_of(st.none(), st.dates().map(lambda d: d.isoformat()))
AMOUNT = st.one_of(st.none(), st.integers(-10**9, 10**12).map(lambda c: c / 100))
STATE = st.dictionaries(st.sampled_from([f"D{i}" for i in range(25)]),
                        st.tuples(STATUS, AMOUNT, DAY, st.sampled_from(["Alice", "Bruno", None])), max_size=25)


def _frame(state: dict) -> pd.DataFrame:
    return snap(*[(k, *v) for k, v in state.items()])


@settings(max_examples=120, deadline=None)
@given(STATE, STATE)
def test_identity_holds_exactly_on_random_states(a, b):
    m = movement(_frame(a), _frame(b))
    f, n = m.flows, m.counts
    assert f["end"] == f["start"] + f["created"] + f["reopened"] + f["increased"] - f["decreased"] - f["won"] - f["lost"] - f["removed"]
    assert n["end"] == n["start"] + n["created"] + n["reopened"] - n["won"] - n["lost"] - n["removed"]
    assert all(isinstance(v, int) for v in f.values())
    # every flow is a positive amount entering with its sign (negative amounts aside, counts always are)
    assert all(v >= 0 for v in n.values())
    c = classify(_frame(a), _frame(b))
    by = movement_by(c, c["rep"])
    for k in FLOW_KEYS:
        assert sum(v.flows[k] for v in by.values()) == f[k]
    assert set(SIGNS) | {"start", "end"} == set(FLOW_KEYS)


def _push_counts_loop(states):
    """The reference: the loop push_counts was, one deal of one state at a time (over the same
    dated rows of each state)."""
    from kpis.history.movement import dated_rows

    last, pushes = {}, {}
    for rows in map(dated_rows, states):
        if rows is None:
            continue
        for deal, is_open, e in zip(rows["deal"], rows["open"], rows["exp"]):
            prev = last.get(deal)
            if prev is not None and prev[0] and is_open and e > prev[1]:
                pushes[deal] = pushes.get(deal, 0) + 1
            last[deal] = (is_open, e)
    return pd.Series(pushes, dtype="int64").rename_axis("deal_id")


@settings(max_examples=150, deadline=None)
@given(st.lists(STATE, min_size=0, max_size=6))
def test_push_counts_column_wise_equal_the_deal_by_deal_loop(history):
    frames = [snap(*[(k, *v) for k, v in s.items()]) for s in history]
    got, want = push_counts(frames), _push_counts_loop(frames)
    assert got.to_dict() == want.to_dict()
    assert list(got.index) == list(want.index)  # same order: deals as their first push happened


def test_push_counts_of_dates_past_2262():
    """A date pandas keeps in microseconds (past 2262-04-11, beyond nanoseconds) is compared as a
    date, not wrapped around (found by the property test above)."""
    frames = [snap(("D0", "open", None, "2000-01-01", "Alice")), snap(("D0", "open", None, "2263-01-01", "Alice"))]
    assert push_counts(frames).to_dict() == _push_counts_loop(frames).to_dict() == {"D0": 1}
