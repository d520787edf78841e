"""One sheet per item (examples/templates/sheet_per_rep.xlsx) and one workbook per item
(examples/templates/statement.xlsx)."""

from __future__ import annotations

import re

import openpyxl
import pytest

from kpis.render import render, render_per_item, sanitise_sheet_name
from tests.render.conftest import chart_formulas, reopen, zip_text

SHEETS = ["Sommaire", "Alice", "Bruno Nord équipe 1", "Chloé"]


@pytest.fixture()
def per_rep(templates, samples, tmp_path):
    return reopen(render(templates / "sheet_per_rep.xlsx", samples.sheet_per_rep()), tmp_path)


def test_one_sheet_per_item_named_from_the_data(per_rep):
    wb, _ = per_rep
    assert wb.sheetnames == SHEETS
    assert [wb[s]["A1"].value for s in SHEETS[1:]] == [
        "Fiche de Alice", "Fiche de Bruno/Nord: équipe*1", "Fiche de Chloé"]
    assert [wb[s]["B2"].value for s in SHEETS[1:]] == [64000, 0, 27500]


def test_each_sheet_has_its_own_table_names_and_formulas(per_rep):
    wb, _ = per_rep
    tables = {s: {t.name: t.ref for t in wb[s].tables.values()} for s in SHEETS[1:]}
    assert tables == {"Alice": {"Affaires": "A6:B8"}, "Bruno Nord équipe 1": {"Affaires_2": "A6:B7"},
                      "Chloé": {"Affaires_3": "A6:B9"}}
    assert [wb[s][f"B{r}"].value for s, r in zip(SHEETS[1:], (9, 8, 10))] == [
        "=SUM(B7:B8)", "=SUM(B7:B7)", "=SUM(B7:B9)"]


def test_sheet_scoped_names_conditional_formats_per_sheet(per_rep):
    wb, _ = per_rep
    assert wb["Alice"].defined_names["Atteinte"].attr_text == "Alice!$B$4"
    assert wb["Bruno Nord équipe 1"].defined_names["Atteinte"].attr_text == "'Bruno Nord équipe 1'!$B$4"
    for s in SHEETS[1:]:
        assert [str(cf.sqref) for cf in wb[s].conditional_formatting] == ["B4"]


def test_each_sheet_gets_its_own_chart_pointing_at_itself(per_rep):
    _, path = per_rep
    assert sorted(chart_formulas(path)) == sorted([
        "Alice!B6", "Alice!$A$7:$A$8", "Alice!$B$7:$B$8",
        "'Bruno Nord équipe 1'!B6", "'Bruno Nord équipe 1'!$A$7", "'Bruno Nord équipe 1'!$B$7",
        "'Chloé'!B6", "'Chloé'!$A$7:$A$9", "'Chloé'!$B$7:$B$9",
    ])
    drawings = zip_text(path, r"xl/drawings/[^/]+\.xml$")
    assert len(drawings) == 3
    # anchored at D2 in the template; the directive row 1 is removed, so the chart moves up
    assert all(re.search(r"<from><col>3</col><colOff>0</colOff><row>0</row>", d) for _, d in drawings)


def test_no_items_no_sheet(templates, samples):
    ctx = samples.sheet_per_rep() | {"reps": []}
    wb = render(templates / "sheet_per_rep.xlsx", ctx).workbook
    assert wb.sheetnames == ["Sommaire"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alice", "Alice"),
        ("a/b\\c?d*e[f]g:h", "a b c d e f g h"),
        ("'quoted'", "quoted"),
        ("x" * 40, "x" * 31),
        ("", "Sheet"),
        ("History", "History 1"),
    ],
)
def test_sheet_names_are_sanitised(name, expected):
    assert sanitise_sheet_name(name) == expected


def test_sheet_names_are_unique_case_insensitively():
    taken: set[str] = set()
    names = [sanitise_sheet_name(n, taken) for n in ["Alice", "alice", "ALICE", "y" * 35, "y" * 32]]
    assert names == ["Alice", "alice (2)", "ALICE (3)", "y" * 31, "y" * 27 + " (2)"]


def test_one_workbook_per_item(templates, samples, tmp_path):
    items = samples.statement_items() + [{"name": "Alice", "lines": []}]
    paths = render_per_item(templates / "statement.xlsx", items, "name", tmp_path / "out",
                            context={"period_label": "octobre 2026"})
    assert [p.name for p in paths] == ["Alice.xlsx", "Bruno.xlsx", "Alice_2.xlsx"]
    ws = openpyxl.load_workbook(paths[0])["Relevé"]
    assert ws["A1"].value == "Relevé de commissions — Alice"
    assert [c.value for c in ws[5]] == ["Acme", 52000, 2600]
    assert ws["C7"].value == "=SUM(C5:C6)"
    assert openpyxl.load_workbook(paths[2])["Relevé"]["C6"].value == "=SUM(C5:C5)"


def test_copies_keep_views_header_footer_and_print_settings(templates, samples):
    wb = openpyxl.load_workbook(templates / "sheet_per_rep.xlsx")
    tpl = wb["{{ rep.name }}"]
    tpl.freeze_panes = "A7"
    tpl.oddFooter.center.text = "Page &P"
    tpl.page_setup.orientation = "landscape"
    tpl.print_title_rows = "6:6"
    out = render(wb, samples.sheet_per_rep()).workbook
    for name in SHEETS[1:]:
        ws = out[name]
        assert ws.freeze_panes == "A6"  # the directive row above is removed
        assert ws.oddFooter.center.text == "Page &P"
        assert ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows == "$5:$5"
        assert not ws.sheet_view.tabSelected
