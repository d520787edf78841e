"""Every workbook kpis ships opens in Excel without a repair prompt: the packaged templates, the
example templates, the example tracking workbooks and the add-in ``kpis.xlam`` (its ribbon against
the customUI schemas). The files kpis writes are checked beside the code that writes them:
``tests/report/test_excel_files.py`` (reports, per-rep files, statements) and
``tests/xl/test_excel_files.py`` (the add-in's sheets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpis.render.excel_rules import check_package
from tests.helpers.shared import shared_path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(
    [*(ROOT / "kpis" / "templates").glob("*.xlsx"), *(ROOT / "examples" / "templates").glob("*.xlsx"),
     *(ROOT / "examples").glob("*.xlsx"), ROOT / "kpis" / "xl" / "kpis.xlam"]
)
IDS = [str(p.relative_to(ROOT)) for p in SHIPPED]


def test_the_shipped_files_are_all_there():
    assert len([p for p in SHIPPED if p.parent.name == "templates" and p.parent.parent.name == "kpis"]) == 8  # report, rep sheet, statements (FR, EN), add-in KPI sheets (FR, EN)
    assert (ROOT / "kpis" / "xl" / "kpis.xlam").is_file() and len(SHIPPED) >= 18


@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_shipped_file_keeps_the_excel_rules(path):
    assert [str(f) for f in check_package(path)] == []


@pytest.mark.shared
@pytest.mark.parametrize("path", SHIPPED, ids=IDS)
def test_shipped_file_is_schema_valid(path):
    from tests.ooxml.validate import validate_package

    findings, skipped = validate_package(path, shared_path("ooxml-schemas"))
    assert [str(f) for f in findings] == []
    assert all(p.endswith((".bin", ".png")) for p in skipped)


@pytest.mark.shared
def test_the_addin_ribbon_is_validated_against_customui():
    """kpis.xlam's customUI part is typed only by its relationship: it must be checked, not skipped."""
    import zipfile

    from tests.ooxml.validate import validate_part

    xlam = ROOT / "kpis" / "xl" / "kpis.xlam"
    folder = shared_path("ooxml-schemas")
    rel = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
    data = zipfile.ZipFile(xlam).read("customUI/customUI14.xml")
    assert validate_part(folder, "customUI/customUI14.xml", data, "application/xml", rel) == []
    broken = data.replace(b"<tab ", b"<tab bogus=\"1\" ", 1)
    assert broken != data
    assert validate_part(folder, "customUI/customUI14.xml", broken, "application/xml", rel)
