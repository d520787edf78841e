"""Ranges as Excel sends them to functions in cells, unconverted ("raw"), and the cache keyed on their
content: an error cell, Pyodide's null, a changed cell, the same range recalculated."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import kpis.xl.udfs as U

from .conftest import call_function

HEAD = ["ID affaire", "Commercial", "Étape", "Montant", "Date de création", "Date de clôture"]


def deals(n: int = 6) -> list[list]:
    # Serial 46296 = 2026-10-01, 46300 = 2026-10-05 (Office.js passes dates to functions as numbers).
    rows = [HEAD]
    for i in range(n):
        rows.append([f"D{i}", "Alice" if i % 2 else "Bruno", "Gagné", 1000.0 * (i + 1), 46296, 46300])
    return rows


def revenue(rows) -> float:
    out = call_function(U, "kpi", [["revenue"]], rows, [["2026-10"]])
    return out[0][0] if isinstance(out, list) else out


def test_raw_range_gives_the_kpi():
    # 1000 + 2000 + ... + 6000 = 21,000
    assert revenue(deals()) == 21000.0


class JsNull:  # what Pyodide >= 0.28 (xlwings Lite) passes for an empty cell of an array argument
    pass


def test_empty_cells_of_any_kind_and_blank_rows():
    rows = deals()
    rows.insert(3, [None, "", JsNull(), None, "", ""])  # a blank row in the middle
    rows[1][5] = None  # an empty close date: the deal is not in the month any more
    # 21,000 - 1,000 (D0 has no close date) = 20,000
    assert revenue(rows) == 20000.0


def test_an_error_cell_is_not_a_number():
    rows = deals()
    rows[2][3] = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
    # 21,000 - 2,000 (D1's amount is #N/A: not read as an amount) = 19,000
    assert revenue(rows) == 19000.0


def test_same_content_is_read_once_and_a_changed_cell_is_seen():
    U._DATASETS.clear()
    rows = deals()
    assert revenue(rows) == 21000.0
    assert revenue([list(r) for r in rows]) == 21000.0  # same content, other lists: one dataset
    assert len(U._DATASETS) == 1
    rows[6][3] = 16000.0  # D5: 6,000 -> 16,000
    assert revenue(rows) == 31000.0
    assert len(U._DATASETS) == 2


def test_content_key_does_not_depend_on_who_else_holds_the_values():
    """marshal's newer versions write back-references for objects referenced elsewhere: a digest of
    them would change when the same values are merely referenced once more."""
    rows = deals(50)
    before = U.content_key([rows], "fr")
    keep = [c for r in rows for c in r]  # more references to the very same objects
    assert U.content_key([rows], "fr") == before
    assert U.content_key([rows], "en") != before
    del keep


def _cleaned_cell_by_cell(rows: list[list]) -> list[list]:
    """What ``kpis.xl.args.table`` gives, written plainly: special cells cleaned, blank rows dropped."""
    import kpis.xl.args as A

    out = []
    for r in rows:
        row = [c if type(c) in (str, float, int) else A._raw_cell(c) for c in r]
        if not all(type(c) is str and not c.strip() for c in row):
            out.append(row)
    return out


_CELLS = [
    "D1", "Alice", "", " ", "  \t", 0, 1, -2.5, 1e308, float("nan"), None, JsNull(), True,
    {"type": "Error", "basicValue": "#N/A"}, {"type": "Double", "basicValue": 46296},
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(range(len(_CELLS))), min_size=3, max_size=3), min_size=1, max_size=12),
       st.booleans())
def test_a_range_sent_clean_is_taken_as_it_is_and_any_other_cleaned_cell_by_cell(picks, ragged):
    """The table argument's fast path (nothing to clean: the grid is kept as sent) and its cell-by-cell
    path give the same grid, whatever the cells: blanks of every kind, NaN, errors, data types."""
    import kpis.xl.args as A

    rows = [["ID affaire", "Commercial", "Montant"]] + [[_CELLS[i] for i in r] for r in picks]
    if ragged and len(rows) > 1:
        rows[-1] = rows[-1][:2]
    want = _cleaned_cell_by_cell(rows)
    try:
        got = A.table(rows)
    except Exception as e:  # a grid with no data row left: refused the same way
        assert len(want) < 2, e
        return
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert len(g) == len(w)
        assert all((x is y) or (x == y) or (x != x and y != y) for x, y in zip(g, w)), (g, w)


def test_the_evaluator_kept_with_a_range_answers_as_a_fresh_one():
    """A sheet's cells over one range share an evaluator (its joins, masks and one-pass months);
    whatever they ask, in whatever order -- months, a quarter, a year, by rep or not -- each answer
    is the one a fresh evaluator gives."""
    import random

    from kpis.config import Config
    from kpis.engine import REGISTRY, compute_kpi
    from kpis.periods import month, parse_period

    rnd = random.Random(3)
    rows = [HEAD + ["Compte"]]
    for i in range(400):  # two years of deals, serials 45658 (2025-01-01) onwards
        created = 45658 + rnd.randint(0, 540)
        rows.append([f"D{i}", f"Rep {i % 5}", rnd.choice(["Gagné", "Perdu", "Négociation"]),
                     float(rnd.randint(100, 9000)), created, created + rnd.randint(3, 80), f"C{i % 60}"])
    ds = U.dataset(("table", rows), lang="fr")
    periods = [month(2025, m) for m in range(1, 13)] + [month(2026, m) for m in range(1, 7)]
    periods += [parse_period("2025-Q3"), parse_period("2025")]
    for _ in range(120):
        kid, p, by = rnd.choice(list(REGISTRY)), rnd.choice(periods), rnd.choice([None, "rep"])
        got = U._result(ds, kid, p, by, "fr")
        want = compute_kpi(ds, kid, p, config=Config(lang="fr"), by=by)
        assert got.to_json() == want.to_json(), (kid, p.label, by)
