"""Excel errors and formulas without a value are found among a column's distinct cells, whatever
else the column holds (numbers, dates, booleans, texts with a "#" that is no error, missing cells)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.reader.build import _flag_problems
from kpis.reader.cells import CellFlag, cell_problem
from kpis.reader.values import Parsed

_CELL = st.one_of(
    st.text(max_size=5), st.sampled_from(["#N/A", " #DIV/0!", "#REF!", "#", "a#b", "#name?", "##"]),
    st.floats(allow_nan=True), st.integers(-5, 5), st.booleans(), st.none(),
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 1, 1)),
    st.sampled_from([CellFlag("error", "#N/A"), CellFlag("no_value", "=SUM(A1:A2)")]),
)


def _expected(uniques: np.ndarray) -> dict[int, str]:
    """The rule itself, one value at a time: a flag, or a text whose first non-space is "#" and
    that cell_problem recognises."""
    out = {}
    for i, u in enumerate(uniques):
        if isinstance(u, CellFlag) or (isinstance(u, str) and u.lstrip()[:1] == "#"):
            code = cell_problem(u)
            if code:
                out[i] = code
    return out


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(_CELL, max_size=12),
                 st.lists(st.floats(allow_nan=True), max_size=12), st.lists(st.text(max_size=4), max_size=12)))
def test_flags_found_whatever_the_column_holds(cells):
    uniques = np.empty(len(cells), dtype=object)
    uniques[:] = cells
    n = len(cells)
    p = Parsed(pd.Series(uniques.copy(), dtype=object), np.full(n, None, dtype=object), np.full(n, None, dtype=object),
               np.zeros(n, dtype=bool))
    got = _flag_problems(p, uniques)
    want = _expected(uniques)
    assert {i: got.problem[i] for i in range(n) if got.problem[i] is not None} == want
    for i in want:
        v = got.values.iloc[i]
        assert v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT
