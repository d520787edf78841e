"""Derived fields: arithmetic over headers, parsed with ast, never run as code."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kpis.reader.derive import compile_expression, evaluate

HEADERS = {0: "Sales", 1: "Profit", 2: "Sales Tax"}


def test_longest_header_first_and_case_free():
    tree, names = compile_expression("sales tax + SALES - Profit", HEADERS)
    cols = {f"_c{c}": np.array([v]) for c, v in ((0, 100.0), (1, 30.0), (2, 5.0))}
    assert sorted(names.values()) == [0, 1, 2]
    assert evaluate(tree, cols).tolist() == [75.0]  # 5 + 100 - 30


def test_empty_inputs_and_division_by_zero_give_empty_results():
    tree, _ = compile_expression("Sales / Profit", HEADERS)
    out = evaluate(tree, {"_c0": np.array([10.0, np.nan, 1.0]), "_c1": np.array([2.0, 1.0, 0.0])})
    assert out[0] == 5.0 and np.isnan(out[1]) and np.isnan(out[2])


_leaf = st.one_of(st.sampled_from(["Sales", "Profit"]), st.integers(1, 9).map(str))
_expr = st.recursive(_leaf, lambda inner: st.tuples(inner, st.sampled_from("+-*/"), inner).map(
    lambda t: f"({t[0]} {t[1]} {t[2]})"), max_leaves=8)


@settings(max_examples=100, deadline=None)
@given(expr=_expr, a=st.floats(-1e6, 1e6), b=st.floats(-1e6, 1e6))
def test_any_arithmetic_over_headers_matches_plain_arithmetic(expr, a, b):
    assume("Sales" in expr or "Profit" in expr)  # an expression naming no column is refused
    tree, _ = compile_expression(expr, HEADERS)
    got = evaluate(tree, {"_c0": np.array([a]), "_c1": np.array([b])})[0]
    with np.errstate(all="ignore"):
        try:
            want = eval(expr.replace("Sales", "np.float64(a)").replace("Profit", "np.float64(b)"),  # the test's oracle
                        {"np": np, "a": a, "b": b})
        except ZeroDivisionError:  # constants alone divided by zero (1 / (1 - 1)): no number
            want = np.nan
    if not np.isfinite(want):
        assert np.isnan(got)
    else:
        assert np.isclose(got, want, rtol=1e-9, atol=1e-9)


def test_a_constant_divided_by_zero_is_no_number_not_a_crash():
    # "Sales + 1/(1-1)": the constants alone divide by zero; every row is then empty (NaN), as a
    # division of a column by zero is, instead of the reader stopping with a ZeroDivisionError
    tree, _ = compile_expression("Sales + 1/(1-1)", HEADERS)
    got = evaluate(tree, {"_c0": np.array([1.0, 2.0]), "_c1": np.array([3.0, 4.0])})
    assert np.isnan(got).all()
