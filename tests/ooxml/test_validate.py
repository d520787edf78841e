"""The schema validator itself: it sees what it must (issue 15's five selections, unknown parts),
processes markup compatibility as a consumer does, and allows only the two listed findings."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from tests.helpers.shared import shared_path
from tests.ooxml.validate import ALLOWED, CORE, MC, SML, SchemaFinding, allowed, apply_markup_compatibility, validate_package, validate_part

pytestmark = pytest.mark.shared

WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CORE_CT = "application/vnd.openxmlformats-package.core-properties+xml"


@pytest.fixture(scope="module")
def folder():
    return shared_path("ooxml-schemas")


def sheet(view: str = "", data: str = "") -> bytes:
    return (f'<worksheet xmlns="{SML}"><sheetViews><sheetView workbookViewId="0">{view}</sheetView></sheetViews>'
            f"<sheetData>{data}</sheetData></worksheet>").encode()


def messages(findings: list[SchemaFinding]) -> list[str]:
    return [f.message for f in findings if allowed(f) is None]


def test_five_selections_break_the_schema(folder):
    pane = '<pane xSplit="1" ySplit="4" topLeftCell="B5" activePane="bottomRight" state="frozen"/>'
    three = '<selection pane="topRight"/><selection pane="bottomLeft"/><selection pane="bottomRight" activeCell="A1" sqref="A1"/>'
    five = three + '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/><selection pane="bottomRight" activeCell="A1" sqref="A1"/>'
    assert validate_part(folder, "s.xml", sheet(pane + three), WORKSHEET, None) == []
    (f,) = validate_part(folder, "s.xml", sheet(pane + five), WORKSHEET, None)
    assert "selection': This element is not expected" in f.message


def test_a_wrong_root_or_an_unknown_part_is_a_finding(folder):
    (f,) = validate_part(folder, "xl/worksheets/sheet1.xml", f'<sst xmlns="{SML}"/>'.encode(), WORKSHEET, None)
    assert "expected" in f.message and "worksheet" in f.message
    (f,) = validate_part(folder, "xl/unknown.xml", b"<x/>", "application/vnd.example+xml", None)
    assert f.message.startswith("no schema for content type")


def test_markup_compatibility_is_processed_like_a_consumer(folder):
    x14ac = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
    data = (f'<worksheet xmlns="{SML}" xmlns:mc="{MC}" xmlns:x14ac="{x14ac}" mc:Ignorable="x14ac">'
            '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><sheetData/>'
            '<mc:AlternateContent><mc:Choice Requires="x14ac"><x14ac:unknown/></mc:Choice>'
            '<mc:Fallback><pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/></mc:Fallback>'
            "</mc:AlternateContent></worksheet>").encode()
    assert validate_part(folder, "s.xml", data, WORKSHEET, None) == []
    root = etree.fromstring(data)
    apply_markup_compatibility(root, frozenset({SML}))
    assert [etree.QName(e).localname for e in root] == ["sheetFormatPr", "sheetData", "pageMargins"]
    assert dict(root[0].attrib) == {"defaultRowHeight": "15"}
    # the same ignorable attribute without mc:Ignorable is a real schema error
    bare = data.replace(b' mc:Ignorable="x14ac"', b"")
    assert messages(validate_part(folder, "s.xml", bare, WORKSHEET, None))


def test_a_choice_understood_is_taken(folder):
    data = (f'<worksheet xmlns="{SML}" xmlns:mc="{MC}" xmlns:s="{SML}"><sheetData/><mc:AlternateContent>'
            '<mc:Choice Requires="s"><pageMargins left="1" right="1" top="1" bottom="1" header="0" footer="0"/></mc:Choice>'
            "<mc:Fallback><bogus/></mc:Fallback></mc:AlternateContent></worksheet>").encode()
    assert validate_part(folder, "s.xml", data, WORKSHEET, None) == []


def test_must_understand_an_unknown_namespace_is_a_finding(folder):
    data = (f'<worksheet xmlns="{SML}" xmlns:mc="{MC}" xmlns:z="urn:example" mc:MustUnderstand="z">'
            "<sheetData/></worksheet>").encode()
    assert any("MustUnderstand" in m for m in messages(validate_part(folder, "s.xml", data, WORKSHEET, None)))


def test_only_the_listed_findings_are_allowed(folder):
    assert [why for why, _ in ALLOWED] == ["xml:space on <t>", "core-properties extras"]
    sst = f'<sst xmlns="{SML}"><si><t xml:space="preserve"> Alice </t></si></sst>'.encode()
    found = validate_part(folder, "xl/sharedStrings.xml", sst, SST, None)
    assert found and [allowed(f) for f in found] == ["xml:space on <t>"]
    # any other attribute on <t>, or xml:space elsewhere, is not allowed
    other = f'<sst xmlns="{SML}"><si><t xml:lang="fr">Alice</t></si></sst>'.encode()
    assert messages(validate_part(folder, "xl/sharedStrings.xml", other, SST, None))
    data = sheet(data='<row r="1" xml:space="preserve"/>')
    assert messages(validate_part(folder, "s.xml", data, WORKSHEET, None))


def test_core_properties_extras_are_allowed_in_the_core_part_only(folder):
    core = (f'<cp:coreProperties xmlns:cp="{CORE}" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<dc:creator>x</dc:creator><cp:contentType>x</cp:contentType></cp:coreProperties>").encode()
    found = validate_part(folder, "docProps/core.xml", core, CORE_CT, None)
    assert found and all(allowed(f) == "core-properties extras" for f in found)
    assert messages(validate_part(folder, "docProps/other.xml", core, CORE_CT, None))


def test_a_whole_package_with_a_bad_part_fails(folder, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    path = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData><bogus/>")
            z.writestr(name, data)
    findings, skipped = validate_package(path, folder)
    assert [f.part for f in findings] == ["xl/worksheets/sheet1.xml"] and skipped == []
