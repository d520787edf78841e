"""Colours from the data (examples/templates/status.xlsx)."""

from __future__ import annotations

import pytest

from kpis.render import render
from tests.render.conftest import reopen

GOOD, BAD, NEUTRAL = "00C6EFCE", "00FFC7CE", "00FFEB9C"


@pytest.fixture()
def status_ws(templates, samples, tmp_path):
    wb, _ = reopen(render(templates / "status.xlsx", samples.status()), tmp_path)
    return wb["Statut"]


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:].rjust(8, "0") if cell.fill.fill_type == "solid" else ""


def test_status_and_fill_filters_keep_the_value_and_set_the_fill(status_ws):
    ws = status_ws
    assert ws["B1"].value == 125400 and ws["B1"].number_format == '#,##0 "€"'
    assert _fill(ws["B1"]) == GOOD and ws["B1"].font.color.rgb.endswith("006100")
    assert ws["B2"].value == 41 and _fill(ws["B2"]) == BAD  # cycle got longer: lower is better
    assert ws["B3"].value == "3 affaires sans activité" and _fill(ws["B3"]) == BAD


def test_status_by_colours_one_table_column(status_ws):
    ws = status_ws
    assert [ws[f"A{r}"].value for r in range(6, 10)] == ["Alice", "Bruno", "Chloé", "David"]
    assert [_fill(ws[f"B{r}"]) for r in range(6, 10)] == [GOOD, BAD, NEUTRAL, BAD]
    assert all(ws[f"B{r}"].border.left.style == "thin" for r in range(6, 10))  # template style kept
    assert [_fill(ws[f"C{r}"]) for r in range(6, 10)] == ["", "", "", ""]


def test_template_conditional_formats_cover_the_new_rows(status_ws):
    cfs = {str(cf.sqref): cf.rules for cf in status_ws.conditional_formatting}
    assert set(cfs) == {"D6:D9", "A6:A9"}
    assert cfs["D6:D9"][0].type == "colorScale"
    assert cfs["A6:A9"][0].formula == ["$D6>=1"]  # relative to the range's first cell, unchanged
    assert cfs["A6:A9"][0].dxf.font.color.rgb.endswith("006100")
