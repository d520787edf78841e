"""The add-in's sheets saved to a file open in Excel without a repair prompt.

The sheets a refresh writes (summary, reps, pipeline, funnel, customers, data quality), the
commission statements, the quota planner and the settings sheet, laid out by :mod:`kpis.xl.layouts`
from the example workbooks and written by :func:`kpis.xl.xlsx.write_contents` -- the file the
desktop « Rapport mensuel » button writes when no template is installed -- checked against the
Excel rules (:mod:`kpis.render.excel_rules`) and the OOXML schemas (``../shared/ooxml-schemas``).
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
    from kpis.engine import compute
    from kpis.reader import read_workbook
    from kpis.reader.grids import column_mapping
    from kpis.xl.layouts import quota_sheet, refresh_contents, statements_sheet
    from kpis.xl.settings import Settings, settings_content
    from kpis.xl.sheets import sheet_name
    from kpis.xl.xlsx import write_contents
    from tests.report.conftest import EXAMPLES, PERIOD, config

    folder = tmp_path_factory.mktemp("addin")
    out = {}
    for lang in LANGS:
        cfg = config(lang)
        ds = read_workbook(EXAMPLES / ("suivi_commercial.xlsx" if lang == "fr" else "sales_tracking.xlsx"), cfg)
        results = compute(ds, PERIOD, config=cfg, by=("rep",))
        contents = {sheet_name(role, lang): c for role, c in refresh_contents(results, ds, lang, cfg.currency).items()}
        contents[sheet_name("commissions", lang)] = statements_sheet(commission_statements(ds, PERIOD, cfg), lang, cfg.currency)
        contents[sheet_name("quota", lang)] = quota_sheet(plan_quotas(ds, PERIOD.next(), 600_000, config=cfg), lang, cfg.currency)
        contents[sheet_name("settings", lang)] = settings_content(Settings(), column_mapping(ds), lang)
        out[lang] = write_contents(contents, folder / f"addin_{lang}.xlsx")
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_addin_sheets_keep_the_excel_rules(addin_files, lang):
    import openpyxl

    path = addin_files[lang]
    assert len(openpyxl.load_workbook(path, read_only=True).sheetnames) == 9
    assert [str(f) for f in check_package(path)] == []


@pytest.mark.shared
@pytest.mark.parametrize("lang", LANGS)
def test_addin_sheets_are_schema_valid(addin_files, lang):
    from tests.ooxml.validate import validate_package

    findings, _ = validate_package(addin_files[lang], shared_path("ooxml-schemas"))
    assert [str(f) for f in findings] == []
