"""Cell values -> canonical values: dates, amounts, rates, ids, text, names, month headers."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis.reader.text import fold, name_key, name_keys
from kpis.reader.values import (
    parse_date_text,
    parse_dates,
    parse_month_header,
    parse_number_text,
    parse_numbers,
    parse_text,
)


def one_date(value, kind="date", order="dmy"):
    p = parse_dates(np.array([value], dtype=object), kind, order)
    return p.values.iloc[0], p.problem[0], p.note[0]


# -- dates ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    ["15/10/2026", "15-10-2026", "15.10.2026", "15/10/26", "2026-10-15", "2026/10/15", "15 oct. 2026", "15 octobre 2026",
     "15 Oct 2026", "Oct 15, 2026", "October 15, 2026", "lundi 15 octobre 2026", "Thursday, Oct 15, 2026",
     "  15/10/2026 ", "15 OCTOBRE 2026", "2026-10-15T00:00:00"],
)
def test_text_dates(text):
    value, problem, note = one_date(text)
    assert value == pd.Timestamp("2026-10-15")
    assert problem is None and note == "text_converted_date"


@pytest.mark.parametrize("text, expected", [
    ("1er octobre 2026", "2026-10-01"), ("1 févr. 2026", "2026-02-01"), ("3 août 2026", "2026-08-03"),
    ("3 aout 2026", "2026-08-03"), ("12 déc. 2025", "2025-12-12"), ("Feb 3, 2026", "2026-02-03"),
])
def test_french_and_english_month_names(text, expected):
    assert one_date(text)[0] == pd.Timestamp(expected)


def test_date_times_keep_their_time_only_for_datetime_fields():
    assert one_date("15/10/2026 14:30", "datetime")[0] == pd.Timestamp("2026-10-15 14:30")
    assert one_date("15/10/2026 14h30", "datetime")[0] == pd.Timestamp("2026-10-15 14:30")
    assert one_date("2026-10-15 09:05:07", "datetime")[0] == pd.Timestamp("2026-10-15 09:05:07")
    assert one_date("15/10/2026 14:30", "date")[0] == pd.Timestamp("2026-10-15")
    assert one_date(dt.datetime(2026, 10, 15, 14, 30), "date")[0] == pd.Timestamp("2026-10-15")
    assert one_date(dt.datetime(2026, 10, 15, 14, 30), "datetime")[0] == pd.Timestamp("2026-10-15 14:30")


def test_ambiguous_order_follows_config_and_impossible_order_is_swapped_and_noted():
    assert one_date("03/04/2026", order="dmy")[0] == pd.Timestamp("2026-04-03")
    assert one_date("03/04/2026", order="mdy")[0] == pd.Timestamp("2026-03-04")
    value, problem, note = one_date("10/15/2026", order="dmy")
    assert value == pd.Timestamp("2026-10-15") and problem is None and note == "date_order_swapped"


def test_excel_serials_and_real_dates():
    assert one_date(46310.0) == (pd.Timestamp("2026-10-15"), None, "serial_dates")
    assert one_date(46310) == (pd.Timestamp("2026-10-15"), None, "serial_dates")
    assert one_date(46310.75, "datetime")[0] == pd.Timestamp("2026-10-15 18:00")
    assert one_date(dt.date(2026, 10, 15)) == (pd.Timestamp("2026-10-15"), None, None)


@pytest.mark.parametrize("bad", ["31/02/2026", "demain", "15/13/2026 ", "2026-13-01", "oct. 2026", True, -5.0, "12",
                                 dt.date(9999, 12, 31), dt.datetime(1850, 1, 1), 2958465.0, "15/10/2300"])
def test_unreadable_dates_are_problems(bad):
    value, problem, _ = one_date(bad)
    assert pd.isna(value) and problem == "bad_date"


def test_empty_cells_are_not_problems():
    p = parse_dates(np.array(["", "   ", "\u00a0"], dtype=object))
    assert p.values.isna().all() and list(p.problem) == [None] * 3 and p.empty.all()


def test_month_kind_takes_month_forms_and_full_dates():
    for text in ("janv. 2026", "janvier 2026", "Jan 2026", "2026-01", "01/2026", "15/01/2026", "Jan-26"):
        assert one_date(text, "month")[0] == pd.Timestamp("2026-01-01"), text


@pytest.mark.parametrize("header, expected", [
    ("janv. 2026", "2026-01-01"), ("févr. 2026", "2026-02-01"), ("2026-03", "2026-03-01"), ("Apr 2026", "2026-04-01"),
    ("05/2026", "2026-05-01"), (dt.datetime(2026, 6, 1), "2026-06-01"), ("Juillet 2026", "2026-07-01"),
])
def test_month_headers(header, expected):
    assert parse_month_header(header) == pd.Timestamp(expected)


@pytest.mark.parametrize("header", ["Commercial", "Total", "Total 2026", "Objectif", "2026", "", None, 12.0])
def test_non_month_headers(header):
    assert parse_month_header(header) is None


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31)), st.sampled_from(range(6)))
def test_any_date_written_in_a_supported_style_reads_back(d, style):
    months_fr = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
    text = (f"{d:%d/%m/%Y}", f"{d:%Y-%m-%d}", f"{d.day} {months_fr[d.month - 1]} {d.year}", f"{d:%b} {d.day}, {d.year}",
            f"{d:%d.%m.%Y}", f"{d.day} {d:%B %Y}")[style]
    value, swapped = parse_date_text(text, "dmy")
    assert value == dt.datetime(d.year, d.month, d.day) and not swapped


# -- amounts, numbers, rates -------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("12 500,00 €", 12500.0), ("12\u00a0500,00\u00a0€", 12500.0), ("12\u202f500 €", 12500.0), ("12,500.00", 12500.0),
    ("12.500,00", 12500.0), ("-1 200", -1200.0), ("(1 200)", -1200.0), ("1200-", -1200.0), ("−1 200", -1200.0),
    ("$12,500", 12500.0), ("€12,500.50", 12500.5), ("12 500 EUR", 12500.0), ("1 200 € HT", 1200.0), ("12,500", 12500.0),
    ("12,5", 12.5), ("12,50", 12.5), ("0,125", 0.125), ("12.5", 12.5), ("1.250.000", 1250000.0), ("1'250", 1250.0),
    ("1 250 000,75", 1250000.75), ("+300", 300.0), (",5", 0.5),
])
def test_text_amounts(text, expected):
    value, problem, _ = parse_number_text(text, "money")
    assert problem is None and value == expected


@pytest.mark.parametrize("text", ["1 200 k€", "12k", "12 K", "1,2 M€", "3 Mds", "2 millions", "5 mille €", "1.5M"])
def test_amounts_with_multipliers_are_refused_not_guessed(text):
    value, problem, _ = parse_number_text(text, "money")
    assert np.isnan(value) and problem == "amount_multiplier"


@pytest.mark.parametrize("text", ["abc", "12 500 ,00 ,1", "1-2", "€", "12/10"])
def test_unreadable_amounts(text):
    value, problem, _ = parse_number_text(text, "money")
    assert np.isnan(value) and problem == "bad_amount"


def test_amount_cells_of_every_type():
    u = np.array([12500.0, 3, "12 500,00 €", "", True, dt.date(2026, 1, 1), "12k"], dtype=object)
    p = parse_numbers(u, "money")
    assert p.values.tolist()[:3] == [12500.0, 3.0, 12500.0]
    assert all(np.isnan(p.values.tolist()[3:]))
    assert list(p.problem) == [None, None, None, None, "bad_amount", "bad_amount", "amount_multiplier"]
    assert list(p.note) == [None, None, "text_converted_money", None, None, None, None]
    assert list(p.empty) == [False, False, False, True, False, False, False]


@pytest.mark.parametrize("cell, expected", [("60 %", 0.6), ("60%", 0.6), (60, 0.6), (0.6, 0.6), ("0,6", 0.6), ("60", 0.6),
                                           (1, 1.0), (100, 1.0), ("12,5 %", 0.125), (0, 0.0)])
def test_rates(cell, expected):
    p = parse_numbers(np.array([cell], dtype=object), "rate")
    assert p.problem[0] is None and p.values.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("cell", [150, "-5 %", "120%"])
def test_rates_out_of_range(cell):
    p = parse_numbers(np.array([cell], dtype=object), "rate")
    assert np.isnan(p.values.iloc[0]) and p.problem[0] == "out_of_range"


@given(st.integers(min_value=-10**9, max_value=10**9), st.sampled_from(range(5)))
def test_any_amount_written_in_a_supported_style_reads_back(cents, style):
    value = cents / 100
    en = f"{abs(value):,.2f}"
    fr = en.replace(",", " ").replace(".", ",")
    sign = "-" if value < 0 else ""
    text = (f"{sign}{fr} €", f"{sign}{en}", f"{sign}{fr}".replace(" ", "\u00a0"), f"({fr})" if value < 0 else fr,
            f"{sign}€{en}")[style]
    parsed, problem, _ = parse_number_text(text, "money")
    assert problem is None and parsed == pytest.approx(value, abs=1e-9)


# -- ids and text ----------------------------------------------------------------------------------------
def test_ids_and_text():
    u = np.array([1042.0, 1042, " D-12 ", 12.5, "", "  Alice   Martin ", dt.date(2026, 1, 2), "a\u00a0b"], dtype=object)
    p = parse_text(u)
    got = [None if isinstance(v, float) and np.isnan(v) else v for v in p.values.tolist()]
    assert got == ["1042", "1042", "D-12", "12.5", None, "Alice Martin", "2026-01-02", "a b"]
    assert list(p.empty) == [False, False, False, False, True, False, False, False]


# -- folding ----------------------------------------------------------------------------------------------
def test_fold_and_name_keys():
    assert fold("  Montant HT (€) ") == "montant ht"
    assert fold("Étape") == "etape"
    assert fold("N° affaire") == "n affaire"
    assert name_key("alice  martin ") == name_key("Alice Martin") == name_key("ALICE MARTIN")
    assert name_key("Chloe Dubois") == name_key("Chloé Dubois")
    assert name_key("Jean-Pierre Roux") == name_key("jean pierre roux")


@given(st.text(max_size=30))
def test_fast_name_keys_agree_with_the_reference(text):
    assert name_keys([text]) == [name_key(text)]


def test_an_amount_of_9e16_or_more_is_left_empty_and_said():
    """1e20 in an amount cell is an id or a phone number pasted there, not a sale: left empty with
    its own reason (its cents fit no 64-bit integer: the history and the forecast count in cents)."""
    u = np.array([1e20, "100000000000000000000", -9e16, 8.99e16, 1250.5, float("nan")], dtype=object)
    p = parse_numbers(u, "money")
    assert list(p.problem[:5]) == ["amount_too_big", "amount_too_big", "amount_too_big", None, None]
    assert np.isnan(p.values[:3]).all() and p.values[3] == 8.99e16 and p.values[4] == 1250.5
    assert list(parse_numbers(np.array([1e20], dtype=object), "number").problem) == [None]  # not an amount
