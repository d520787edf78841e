"""One format per unit and language, one rounding: Excel's number format and the text the CLI
prints come from the same table, and the text is the format applied (known answers, hand-checked)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis.engine.format import format_change, format_value
from kpis.engine.model import UNITS
from kpis.present import formats as F

NB, THIN = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    "value, unit, lang, text",
    [
        (115604.5, "money", "fr", f"115{THIN}605{NB}€"),  # half away from zero, as Excel (not 115 604)
        (115604.5, "money", "en", "€115,605"),
        (-2.5, "count", "fr", "-3"),
        (0.48148, "ratio", "fr", f"48,1{NB}%"),
        (0.48148, "ratio", "en", "48.1%"),
        (0.0005, "ratio", "en", "0.1%"),  # 0.05 % -> 0.1 %: half up, not to even
        (62.45, "days", "fr", f"62,5{NB}j"),
        (62.45, "days", "en", f"62.5{NB}d"),
        (3.25, "hours", "en", f"3.3{NB}h"),
        (7578.4, "money_per_day", "fr", f"7{THIN}578{NB}€/j"),
        (42.0, "score", "fr", "42,0"),  # a score: one decimal everywhere (the add-in showed 42)
        (1.905, "number", "en", "1.91"),
        (12.3, "money", "fr", f"12{NB}€"),  # money in whole units, small or not, as its format
    ],
)
def test_value_texts(value, unit, lang, text):
    assert F.value_text(value, unit, lang) == text
    assert format_value(value, unit, lang) == text  # the CLI's and the commentary's function


@pytest.mark.parametrize(
    "change, kind, unit, lang, text",
    [
        (-0.1238, "points", "ratio", "fr", f"−12,4{NB}pts"),
        (0.237, "relative", "money", "fr", f"+23,7{NB}%"),
        (0.0, "relative", "count", "en", "±0.0%"),
        (3.0, "points", "score", "en", f"+3.0{NB}pts"),
    ],
)
def test_change_texts(change, kind, unit, lang, text):
    assert format_change(change, kind, unit, lang) == text
    shown = F.change_display(change, kind, unit)
    assert F.apply_format(shown, F.change_format(unit, lang), lang) == text  # what the change cell shows


@pytest.mark.parametrize("unit", [u for u in UNITS if u != "distribution"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_unit_has_one_format_per_language(unit, lang):
    fmt = F.unit_format(unit, lang)
    assert fmt and fmt == F.unit_format(unit, lang.upper())
    assert F.value_text(1234.5, unit, lang) == F.apply_format(1234.5, fmt, lang)


def test_english_and_french_money_formats():
    assert F.money("fr", "EUR") == f'#,##0{NB}"€"'
    assert F.money("en", "EUR") == '"€"#,##0'
    assert F.money("en", "CHF", 2) == f'#,##0.00{NB}"CHF"'
    assert F.retarget_currency(F.money("fr"), "€", "$") == f'#,##0{NB}"$"'


@given(st.integers(min_value=-10**9, max_value=10**9))
def test_halves_round_away_from_zero(n):
    """x.5 is exactly representable: Excel shows n+1 (or −(|n|+1)); Python's round() would go to even."""
    x = n + 0.5
    expected = n + 1 if x > 0 else n
    assert F.number_text(x, "en", 0, grouped=False) == str(expected)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_text_and_format_agree_for_any_value(x):
    for unit in ("money", "ratio", "days", "count", "score", "number"):
        for lang in ("fr", "en"):
            assert F.value_text(x, unit, lang) == F.apply_format(x, F.unit_format(unit, lang), lang)
