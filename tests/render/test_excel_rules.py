"""The Excel rules no schema catches (:mod:`kpis.render.excel_rules`), each broken once in a real file.

A small clean workbook is written with openpyxl (two sheets, two tables, a merged range, a
conditional format, a data validation, a defined name, a frozen pane); each test edits one part of
it the way a hand-edited or badly generated file would be, and the rule must name that part, sheet
and cell.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpis.render.excel_rules import (
    check_package,
    parse_range,
    referenced_sheets,
    valid_name,
)

SHEET1, TABLE1, WORKBOOK = "xl/worksheets/sheet1.xml", "xl/tables/table1.xml", "xl/workbook.xml"


@pytest.fixture(scope="module")
def base() -> bytes:
    import openpyxl
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in [("Rep", "Amount"), ("Alice", 10), ("Bob", 20)]:
        ws.append(row)
    ws.add_table(Table(displayName="Sales", ref="A1:B3"))
    ws.merge_cells("D1:E1")
    ws["D1"] = "Note"
    ws.conditional_formatting.add("B2:B3", CellIsRule(operator="greaterThan", formula=["15"], fill=PatternFill("solid", fgColor="FFC7CE")))
    dv = DataValidation(type="whole", operator="greaterThan", formula1="0")
    dv.add("B2:B3")
    ws.add_data_validation(dv)
    ws.freeze_panes = "B2"
    other = wb.create_sheet("Other")
    other.append(["Month", "Target"])
    other.append(["2026-10", 5])
    other.add_table(Table(displayName="Targets", ref="A1:B2"))
    wb.defined_names["Total"] = DefinedName("Total", attr_text="Data!$B$2:$B$3")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def edit(data: bytes, part: str, old: str, new: str) -> bytes:
    """``data`` with ``old`` replaced by ``new`` (once) in ``part``."""
    src = zipfile.ZipFile(io.BytesIO(data))
    text = src.read(part).decode()
    assert old in text, (part, old)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in src.namelist():
            z.writestr(name, text.replace(old, new, 1).encode() if name == part else src.read(name))
    return out.getvalue()


def codes(data: bytes) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.part, f.sheet, f.ref) for f in check_package(data)]


def test_a_clean_workbook_has_no_finding(base):
    assert check_package(base) == []


@pytest.mark.parametrize("name, code", [
    ("Data[1]", "sheet_name_chars"), ("A very long sheet name over 31 chars", "sheet_name_length"),
    ("'Data", "sheet_name_quote"), ("OTHER", "sheet_name_duplicate"), ("a/b", "sheet_name_chars"),
])
def test_sheet_names(base, name, code):
    found = codes(edit(base, WORKBOOK, 'name="Data"', f'name="{name}"'))
    sheet = "Other" if code == "sheet_name_duplicate" else name  # the second of the two equal names
    assert (code, WORKBOOK, sheet, "") in found


def test_table_header_must_equal_its_column_name(base):
    data = edit(base, TABLE1, 'tableColumn id="1" name="Rep"', 'tableColumn id="1" name="Name"')
    (f,) = check_package(data)
    assert (f.code, f.part, f.sheet, f.ref) == ("table_header", TABLE1, "Data", "A1")
    assert f.format("en") == "Data!A1: header of table 'Sales' reads 'Rep' but its column is named 'Name' (xl/tables/table1.xml)"
    assert f.format("fr") == ("Data!A1: l'en-tête du tableau 'Sales' contient 'Rep' mais sa colonne s'appelle 'Name' "
                              "(xl/tables/table1.xml)")


def test_table_column_names_are_decoded_before_comparing(base):
    """Excel writes a line break of a header as ``_x000a_`` in the column name."""
    data = edit(base, SHEET1, "<t>Rep</t>", "<t>R\nep</t>")
    data = edit(data, TABLE1, 'name="Rep"', 'name="R_x000a_ep"')
    assert check_package(data) == []


def test_table_names_and_ids_unique(base):
    data = edit(base, "xl/tables/table2.xml", 'name="Targets" displayName="Targets"', 'name="Sales" displayName="Sales"')
    assert ("table_name_duplicate", "xl/tables/table2.xml", "Other", "A1:B2") in codes(data)
    data = edit(base, "xl/tables/table2.xml", 'id="2"', 'id="1"')
    assert ("table_id_duplicate", "xl/tables/table2.xml", "Other", "A1:B2") in codes(data)
    data = edit(base, WORKBOOK, 'name="Total"', 'name="sales"')  # a defined name equal to a table's, ignoring case
    assert ("table_name_duplicate", WORKBOOK, "", "") in codes(data)
    data = edit(base, TABLE1, 'name="Sales" displayName="Sales"', 'name="Sales 1" displayName="Sales 1"')
    assert ("table_name_invalid", TABLE1, "Data", "A1:B3") in codes(data)


def test_table_columns_match_its_range(base):
    data = edit(base, TABLE1, '<tableColumn id="2" name="Amount"/>', "")
    assert ("table_columns_count", TABLE1, "Data", "A1:B3") in codes(data)
    data = edit(base, TABLE1, 'name="Amount"', 'name="rep"')
    found = codes(data)
    assert ("table_column_duplicate", TABLE1, "Data", "A1:B3") in found
    assert ("table_header", TABLE1, "Data", "B1") in found


def test_tables_and_merged_ranges_do_not_overlap(base):
    merged = edit(base, SHEET1, '<mergeCell ref="D1:E1"/>', '<mergeCell ref="D1:E1"/><mergeCell ref="E1:F2"/>')
    merged = edit(merged, SHEET1, 'mergeCells count="1"', 'mergeCells count="2"')
    assert ("merged_overlap", SHEET1, "Data", "D1:E1") in codes(merged)
    in_table = edit(base, SHEET1, '<mergeCell ref="D1:E1"/>', '<mergeCell ref="D1:E1"/><mergeCell ref="A2:A3"/>')
    assert ("table_merged", TABLE1, "Data", "A2:A3") in codes(in_table)
    single = edit(base, SHEET1, '<mergeCell ref="D1:E1"/>', '<mergeCell ref="D1"/>')
    assert ("merged_ref", SHEET1, "Data", "D1") in codes(single)


def test_two_tables_overlapping_on_one_sheet(base):
    data = edit(base, TABLE1, 'ref="A1:B3" headerRowCount="1"', 'ref="A1:B3" headerRowCount="0"')
    # a second tablePart on the same sheet pointing at the Other table's part, moved onto A2:B3
    data = edit(data, "xl/tables/table2.xml", 'ref="A1:B2"', 'ref="A2:B3"')
    data = edit(data, "xl/worksheets/_rels/sheet1.xml.rels", "</Relationships>",
                '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/table" '
                'Target="/xl/tables/table2.xml"/></Relationships>')
    data = edit(data, SHEET1, '<tableParts count="1">', '<tableParts count="2"><tablePart xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId9"/>')
    assert any(c[0] == "table_overlap" and c[2] == "Data" for c in codes(data))


@pytest.mark.parametrize("new, code", [
    ('<definedName name="A1">Data!$B$2</definedName>', "name_invalid"),
    ('<definedName name="Total">Nope!$B$2</definedName>', "name_ref"),
    ('<definedName name="Total">#REF!</definedName>', "name_ref"),
    ('<definedName name="Total" localSheetId="7">Data!$B$2</definedName>', "name_scope"),
    ('<definedName name="Total">Data!$B$2</definedName><definedName name="TOTAL">Data!$B$3</definedName>', "name_duplicate"),
])
def test_defined_names(base, new, code):
    data = edit(base, WORKBOOK, '<definedName name="Total">Data!$B$2:$B$3</definedName>', new)
    assert code in [c[0] for c in codes(data)]


def test_a_name_referring_to_a_quoted_sheet_that_exists_is_fine(base):
    data = edit(base, WORKBOOK, 'name="Data"', "name=\"Rep's data\"")
    data = edit(data, WORKBOOK, "Data!$B$2:$B$3", "'Rep''s data'!$B$2:$B$3")
    assert check_package(data) == []


def test_conditional_formats_and_validations(base):
    assert ("cf_sqref", SHEET1, "Data", "B0:B3") in codes(edit(base, SHEET1, 'conditionalFormatting sqref="B2:B3"', 'conditionalFormatting sqref="B0:B3"'))
    assert ("cf_dxf", SHEET1, "Data", "B2:B3") in codes(edit(base, SHEET1, 'dxfId="0"', 'dxfId="4"'))
    assert ("dv_sqref", SHEET1, "Data", "XFE1") in codes(edit(base, SHEET1, 'dataValidation sqref="B2:B3"', 'dataValidation sqref="B2 XFE1"'))


def test_five_selections_under_a_frozen_pane(base):
    """Issue 15: what openpyxl left when a frozen template sheet was frozen again."""
    data = edit(base, SHEET1, '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>',
                '<selection pane="bottomRight" activeCell="A1" sqref="A1"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
                '<selection pane="bottomRight" activeCell="A1" sqref="A1"/>')
    found = check_package(data)
    assert sorted((f.code, f.params["pane"]) for f in found) == [("selection_duplicate", "bottomLeft"), ("selection_duplicate", "bottomRight")]
    assert "2 selections for pane bottomLeft" in found[0].format("en") + found[1].format("en")


@pytest.mark.parametrize("pane, code", [
    ('<pane ySplit="1" topLeftCell="A2" activePane="bottomRight" state="frozen"/>', "pane_inconsistent"),  # no right panes
    ('<pane xSplit="1" ySplit="1" topLeftCell="A1" activePane="bottomRight" state="frozen"/>', "pane_inconsistent"),
    ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>', "selection_pane"),  # topRight selected
])
def test_panes_consistent_with_the_freeze(base, pane, code):
    data = edit(base, SHEET1, '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>', pane)
    assert code in [c[0] for c in codes(data)]


def test_style_and_shared_string_indexes(base):
    data = edit(base, SHEET1, '<c r="B2" t="n">', '<c r="B2" s="99" t="n">')
    ((code, part, sheet, ref),) = codes(data)
    assert (code, part, sheet, ref) == ("style_index", SHEET1, "Data", "B2")
    data = edit(base, SHEET1, '<c r="A3" t="inlineStr"><is><t>Bob</t></is></c>', '<c r="A3" t="s"><v>5</v></c>')
    assert ("shared_string_index", SHEET1, "Data", "A3") in codes(data)


def test_not_well_formed_part_is_a_finding_not_a_crash(base):
    data = edit(base, SHEET1, "<sheetData>", "<sheetData><oops>")
    assert [c[0] for c in codes(data)] == ["part_unreadable"]


PARTS = [SHEET1, TABLE1, WORKBOOK, "xl/styles.xml", "xl/worksheets/_rels/sheet1.xml.rels", "xl/_rels/workbook.xml.rels"]


@given(st.sampled_from(PARTS), st.integers(0, 10_000), st.text(min_size=1, max_size=12))
def test_a_hostile_part_gives_findings_never_a_traceback(base, part, at, junk):
    """Any text spliced into any part: the check answers with findings (or none), never raises."""
    text = zipfile.ZipFile(io.BytesIO(base)).read(part).decode()
    at %= len(text)
    data = edit(base, part, text, text[:at] + junk + text[at:])
    assert all(f.format("fr") and f.format("en") for f in check_package(data))


@pytest.mark.parametrize("name, ok", [
    ("Total", True), ("_x", True), ("\\x", True), ("Coût_moyen", True), ("a.b?c", True), ("_xlnm.Print_Titles", True),
    ("A1", False), ("XFD1048576", False), ("R1C1", False), ("R", False), ("c", False), ("r2", False), ("1a", False),
    ("a b", False), ("", False), ("x" * 256, False), ("XFE1", True),
])
def test_valid_name(name, ok):
    assert valid_name(name) is ok


def test_referenced_sheets():
    assert referenced_sheets("'Rep''s data'!$A$1,Data!B2:C3") == ["Rep's data", "Data"]
    assert referenced_sheets('"x!"&[1]Ext!A1&Sheet1:Sheet3!A1') == ["Sheet1", "Sheet3"]


@given(st.integers(1, 1_048_576), st.integers(1, 16_384), st.integers(1, 1_048_576), st.integers(1, 16_384))
def test_parse_range_round_trip(r1, c1, r2, c2):
    from openpyxl.utils import get_column_letter

    text = f"{get_column_letter(c1)}{r1}:${get_column_letter(c2)}${r2}"
    assert parse_range(text) == (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))
    assert parse_range(f"{get_column_letter(c1)}{r1 + 1_048_576}") is None


def test_finding_messages_exist_in_both_languages():
    from kpis.i18n import has
    from kpis.render.excel_rules import MESSAGES

    assert all(has(f"render.excel_{k}") and set(v) == {"fr", "en"} for k, v in MESSAGES.items())
    assert [k for k, v in MESSAGES.items() if not all(re.search(r"[{]part[}]", t) for t in v.values())] == []  # every one names its part


def test_template_check_reports_what_excel_would_repair(tmp_path, capsys):
    """``kpis template check`` on a restyled template Excel would repair: sheet, cell and part named,
    in French and English -- even when openpyxl cannot load the file (a sheet name with ``?``)."""
    from kpis.cli import main
    from kpis.render import check_template
    from kpis.report import default_template

    tpl = default_template("report", "fr")
    data = edit(tpl.read_bytes(), "xl/worksheets/sheet2.xml", '<selection pane="bottomRight"',
                '<selection pane="bottomRight" activeCell="A1" sqref="A1" /><selection pane="bottomRight"')
    path = tmp_path / "mine.xlsx"
    path.write_bytes(data)
    capsys.readouterr()
    assert main(["template", "check", str(path), "--lang", "fr"]) == 1
    out = capsys.readouterr().out
    assert "Indicateurs: l'affichage de la feuille a 2 sélections pour le volet bottomRight (une au plus) (xl/worksheets/sheet2.xml)" in out
    ((problem),) = check_template(path)
    assert problem.format("en") == ("Indicateurs: the sheet view has 2 selections for pane bottomRight (at most one) "
                                    "(xl/worksheets/sheet2.xml)")
    unreadable = tmp_path / "unreadable.xlsx"
    unreadable.write_bytes(edit(data, "xl/workbook.xml", 'name="Indicateurs"', 'name="Indicateurs?"'))
    found = [p.format("fr") for p in check_template(unreadable)]
    assert "Indicateurs?: le nom de feuille 'Indicateurs?' contient ? (refusé par Excel : [ ] : * ? / \\) (xl/workbook.xml)" in found
    assert any(f.startswith("Indicateurs?: l'affichage") for f in found)
    assert main(["template", "check", str(tpl), "--lang", "fr"]) == 0
