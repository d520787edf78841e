"""The add-in's sheets saved to a file open in Excel without a repair prompt.

The sheets a refresh writes (summary, reps, pipeline, funnel, customers, acquisition, data quality:
rendered from the KPI-sheets template as the add-in renders them), the commission statements, the
quota planner and the settings sheet (laid out by :mod:`kpis.xl.layouts`), from the example
workbooks, written by :func:`kpis.xl.xlsx.write_contents`, checked against the Excel rules
(:mod:`kpis.render.excel_rules`) and the OOXML schemas (``../shared/ooxml-schemas``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kpis.render.excel_rules import check_package
from tests.helpers.shared import shared_path

LANGS = ("fr", "en")


@pytest.fixture(scope="session")
def addin_files(tmp_path_factory) -> dict[str, Path]:
    """Language -> the add-in's sheets of that language's example workbook, saved to a file."""
    from kpis.calculators import commission_statements
    from kpis.calculators.quota import plan_quotas
    from kpis.reader import read_workbook
    from kpis.reader.grids import column_mapping
    from kpis.report.context import build_context
    from kpis.xl.jobs import sheets_template
    from kpis.xl.layouts import quota_sheet, statements_sheet
    from kpis.xl.settings import Settings, settings_content
    from kpis.xl.sheets import sheet_name
    from kpis.xl.templates import render_contents
    from kpis.xl.xlsx import write_contents
    from tests.report.conftest import EXAMPLES, PERIOD, config

    folder = tmp_path_factory.mktemp("addin")
    out = {}
    for lang in LANGS:
        cfg = config(lang)
        ds = read_workbook(EXAMPLES / ("suivi_commercial.xlsx" if lang == "fr" else "sales_tracking.xlsx"), cfg)
        rendered = render_contents(sheets_template(lang, cfg), build_context(ds, PERIOD, cfg), lang)
        contents = {f"KPI - {name}": c for name, c in rendered.items()}
        contents[sheet_name("commissions", lang)] = statements_sheet(commission_statements(ds, PERIOD, cfg), lang, cfg.currency)
        contents[sheet_name("quota", lang)] = quota_sheet(plan_quotas(ds, PERIOD.next(), 600_000, config=cfg), lang, cfg.currency)
        contents[sheet_name("settings", lang)] = settings_content(Settings(), column_mapping(ds), lang)
        out[lang] = write_contents(contents, folder / f"addin_{lang}.xlsx")
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_addin_sheets_keep_the_excel_rules(addin_files, lang):
    import openpyxl

    path = addin_files[lang]
    assert len(openpyxl.load_workbook(path, read_only=True).sheetnames) == 10
    assert [str(f) for f in check_package(path)] == []


@pytest.mark.shared
@pytest.mark.parametrize("lang", LANGS)
def test_addin_sheets_are_schema_valid(addin_files, lang):
    from tests.ooxml.validate import validate_package

    findings, _ = validate_package(addin_files[lang], shared_path("ooxml-schemas"))
    assert [str(f) for f in findings] == []
