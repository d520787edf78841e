"""Row loops and conditions (examples/templates/loops.xlsx)."""

from __future__ import annotations

import openpyxl
import pytest

from kpis.render import render
from tests.render.conftest import reopen


@pytest.fixture()
def team(templates, samples, tmp_path):
    wb, path = reopen(render(templates / "loops.xlsx", samples.loops()), tmp_path)
    return wb["Équipe"], path


def test_rows_are_repeated_per_item_and_nested(team):
    ws, _ = team
    col_a = [ws[f"A{r}"].value for r in range(1, 15)]
    assert col_a[:2] == ["Affaires par commercial", "1. Alice"]
    assert col_a[5] == "2. Bruno" and col_a[9] == "3. Chloé"
    assert [ws[f"B{r}"].value for r in (3, 4, 11)] == ["Acme", "Globex", "Initech"]
    assert [ws[f"C{r}"].value for r in (3, 4, 11)] == [52000, 12000, 27500]
    assert ws["D3"].value == '=IF(C3>=50000,"gros","")' and ws["D11"].value == '=IF(C11>=50000,"gros","")'


def test_control_rows_are_removed_and_conditions_keep_or_drop_rows(team):
    ws, _ = team
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any("{%" in t for t in texts)
    assert ws["B8"].value == "aucune affaire"  # only for Bruno, who has no deals
    assert texts.count("aucune affaire") == 1
    assert ws["A13"].value == "Note : chiffres provisoires"


def test_subtotals_stay_inside_their_iteration_and_the_total_spans_all(team):
    ws, _ = team
    assert [ws[f"C{r}"].value for r in (5, 9, 12)] == [
        "=SUBTOTAL(9,C3:C4)",
        "=SUBTOTAL(9,C7:C7)",  # an empty loop keeps one hidden empty row: the formula stays valid
        "=SUBTOTAL(9,C11:C11)",
    ]
    assert ws.row_dimensions[7].hidden
    assert ws["C14"].value == "=SUBTOTAL(9,C2:C12)"


def test_merged_cells_and_styles_are_repeated_per_iteration(team):
    ws, _ = team
    assert sorted(str(r) for r in ws.merged_cells.ranges) == ["A10:C10", "A2:C2", "A6:C6"]
    assert all(ws[f"A{r}"].fill.fgColor.rgb == "00D9E1F2" for r in (2, 6, 10))


def test_a_false_condition_drops_its_rows(templates, samples):
    ctx = samples.loops() | {"show_notes": False}
    ws = render(templates / "loops.xlsx", ctx).workbook["Équipe"]
    assert ws["B13"].value == "Total général"
    assert ws["C13"].value == "=SUBTOTAL(9,C2:C12)"


def test_loop_variable_filters_elif_else_and_unpacking():
    wb = openpyxl.Workbook()
    ws = wb.active
    rows = ["{% for name, score in scores if score > 0 %}", "{{ loop.index }}/{{ loop.length }} {{ name }}",
            "{% if score >= 10 %}", "high", "{% elif score >= 5 %}", "mid", "{% else %}", "low", "{% endif %}",
            "{% endfor %}", "end"]
    for i, text in enumerate(rows, 1):
        ws.cell(i, 1, text)
    out = render(wb, {"scores": [("a", 12), ("b", 0), ("c", 7), ("d", 1)]}).workbook.active
    assert [c.value for c in out["A"]] == ["1/3 a", "high", "2/3 c", "mid", "3/3 d", "low", "end"]


def test_looping_over_a_dataframe_gives_one_dict_per_row():
    import pandas as pd

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["B2"], ws["A3"] = "{% for r in df %}", "{{ r.rep }}", "{{ r.ca }}", "{% endfor %}"
    out = render(wb, {"df": pd.DataFrame({"rep": ["x", "y"], "ca": [1, 2]})}).workbook.active
    assert [[c.value for c in row] for row in out.iter_rows()] == [["x", 1], ["y", 2]]


@pytest.mark.libreoffice
def test_libreoffice_grand_total_skips_subtotals(team):
    from tests.helpers.libreoffice import recalc

    _, path = team
    got = recalc(path)["Équipe"]
    assert [got[r - 1][2] for r in (5, 9, 12, 14)] == [64000, 0, 27500, 91500]
