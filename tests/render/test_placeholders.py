"""Placeholders in cells (examples/templates/placeholders.xlsx)."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from kpis.render import render
from tests.render.conftest import reopen


@pytest.fixture()
def rendered(templates, samples, tmp_path):
    wb, _ = reopen(render(templates / "placeholders.xlsx", samples.placeholders()), tmp_path)
    return wb["Résumé"]


def test_a_lone_placeholder_keeps_the_value_type_and_the_cell_format(rendered):
    ws = rendered
    assert ws["B3"].value == 125400.5 and ws["B3"].data_type == "n"
    assert ws["B3"].number_format == '#,##0 "€"'
    assert ws["B4"].value == 0.3125 and ws["B4"].number_format == "0.0%"
    assert ws["B5"].value == dt.datetime(2026, 10, 31) and ws["B5"].number_format == "dd/mm/yyyy"
    assert ws["B6"].value is True and ws["B6"].data_type == "b"
    assert ws["B7"].value is None  # None → empty cell
    assert ws["B8"].value == 5400.5  # arithmetic keeps the number


def test_text_with_placeholders_renders_as_text(rendered):
    assert rendered["A1"].value == "Rapport commercial — octobre 2026"
    assert rendered["F12"].value == "1240 affaires, 31\u00a0% gagnées"
    assert rendered["A3"].value == "Chiffre d'affaires"  # literal cells are untouched
    assert rendered["A3"].font.b


def test_formula_like_text_from_the_data_is_written_as_text(rendered):
    cell = rendered["B9"]
    assert cell.value == '=HYPERLINK("http://example.com")'
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_formatting_filters_in_french(rendered):
    assert rendered["B12"].value == "125\u202f401\u00a0€"  # 125 400.5: half away from zero, as Excel shows it
    assert rendered["C12"].value == "31,3\u00a0%"  # 31.25 %: half away from zero
    assert rendered["D12"].value == "1\u202f240"
    assert rendered["E12"].value == "31 octobre 2026"
    assert rendered["B10"].value == "n.d."  # default() for a missing value


def test_formatting_filters_in_english(templates, samples, tmp_path):
    wb, _ = reopen(render(templates / "placeholders.xlsx", samples.placeholders(), lang="en"), tmp_path)
    ws = wb["Résumé"]
    assert ws["B12"].value == "€125,401"  # 125,400.5 rounded half away from zero, as Excel
    assert ws["C12"].value == "31.3%"  # 31.25 %: half away from zero
    assert ws["D12"].value == "1,240"
    assert ws["E12"].value == "October 31, 2026"


@pytest.mark.parametrize(
    ("expr", "lang", "expected"),
    [
        ("{{ 0.5 | pct(0) }}", "fr", "50\u00a0%"),
        ("{{ none | pct }}", "fr", "n.d."),
        ("{{ none | pct(na='—') }}", "en", "—"),
        ("{{ 1234.5 | number(1) }}", "en", "1,234.5"),
        ("{{ 99.5 | money('USD', 2) }}", "en", "$99.50"),
        ("{{ d | date }}", "fr", "02/11/2026"),
        ("{{ d | date }}", "en", "Nov 2, 2026"),
        ("{{ d | date('month') }}", "fr", "novembre 2026"),
        ("{{ d | date('%A %d %B') }}", "fr", "lundi 02 novembre"),
        ("{{ missing | default('x') }}", "fr", "x"),
        ("{{ nan | default(0) }}", "fr", 0),
        ("{{ '' | default('vide', true) }}", "fr", "vide"),
    ],
)
def test_filters(expr, lang, expected):
    wb = openpyxl.Workbook()
    wb.active["A1"] = expr
    ctx = {"none": None, "d": dt.date(2026, 11, 2), "nan": float("nan")}
    out = render(wb, ctx, lang=lang).workbook.active["A1"].value
    assert out == expected


def test_numpy_and_pandas_values_become_plain_cell_values():
    import numpy as np
    import pandas as pd

    wb = openpyxl.Workbook()
    ws = wb.active
    for i, name in enumerate(["i", "f", "b", "ts", "nat", "na", "inf"], start=1):
        ws.cell(i, 1, "{{ %s }}" % name)
    ctx = {"i": np.int64(3), "f": np.float32(1.5), "b": np.bool_(True), "ts": pd.Timestamp("2026-10-01 08:30"),
           "nat": pd.NaT, "na": pd.NA, "inf": float("inf")}
    out = render(wb, ctx).workbook.active
    assert [out.cell(i, 1).value for i in range(1, 8)] == [3, 1.5, True, dt.datetime(2026, 10, 1, 8, 30),
                                                          None, None, None]
    assert type(out["A1"].value) is int and out["A4"].number_format == "dd/mm/yyyy hh:mm"


def test_the_lexer_is_skipped_only_where_it_would_find_one_expression():
    """single_expression answers plain placeholders without Jinja's lexer; on any text it answers as
    the lexer does (random texts of the characters that matter: braces, quotes, pipes...)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from kpis.render.placeholders import lexed_single_expression, single_expression

    # the fast path's own characters (most texts take it), and others that send texts to the lexer
    inner = st.one_of(st.text(alphabet="ab_.|,()[]'\"- 1", max_size=24), st.text(alphabet="ab_.|,()[]'\"- {}%#\\+1", max_size=24))

    @settings(max_examples=1000, deadline=None)
    @given(inner, st.sampled_from(["{{", "{{-"]), st.sampled_from(["}}", "-}}"]))
    def check(body, start, end):
        text = f"{start}{body}{end}"
        assert single_expression(text) == lexed_single_expression(text), text

    check()
    for text in ("{{ cards.revenue.value | default('n.d.') | fill(cards.revenue.status) }}",
                 '{{ rows | columns(["rep", "n"]) | noheader }}', "{{ \"a'b\" 'c }}", "{{ a }} {{ b }}"):
        assert single_expression(text) == lexed_single_expression(text), text
