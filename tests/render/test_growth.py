"""A table that grows from 1 to 500 rows: everything that points at it follows
(examples/templates/growth.xlsx)."""

from __future__ import annotations

import re

import pytest

from kpis.render import render
from tests.render.conftest import chart_formulas, reopen, zip_text


@pytest.fixture(scope="module", params=[1, 2, 37, 500])
def grown(request, templates, samples, tmp_path_factory):
    n = request.param
    ctx = samples.growth(n)
    wb, path = reopen(render(templates / "growth.xlsx", ctx), tmp_path_factory.mktemp(f"growth{n}"))
    return n, ctx, wb, path


def test_data_rows_and_per_row_formulas(grown):
    n, ctx, wb, _ = grown
    ws = wb["Ventes"]
    last = 4 + n
    assert [c.value for c in ws[4]][:4] == ["date", "commercial", "montant", "Cumul"]
    assert ws[f"C{last}"].value == ctx["sales"]["montant"].iloc[-1]
    assert ws[f"D{last}"].value == f"=SUM($C$5:C{last})"
    assert ws[f"C{last}"].number_format == '#,##0 "€"' and ws[f"A{last}"].number_format == "dd/mm/yyyy"
    assert ws["A2"].value == f"{n} ventes"


def test_sum_under_the_table_covers_exactly_the_new_rows(grown):
    n, _, wb, _ = grown
    ws = wb["Ventes"]
    assert ws[f"B{5 + n}"].value == "Total"
    assert ws[f"C{5 + n}"].value == f"=SUM(C5:C{4 + n})"


def test_conditional_formatting_range(grown):
    n, _, wb, _ = grown
    cfs = list(wb["Ventes"].conditional_formatting)
    assert [str(cf.sqref) for cf in cfs] == [f"C5:C{4 + n}" if n > 1 else "C5"]
    assert cfs[0].rules[0].formula == ["$F$2"]


def test_data_validation_range(grown):
    n, _, wb, _ = grown
    dvs = wb["Ventes"].data_validations.dataValidation
    assert [str(dv.sqref) for dv in dvs] == [f"B5:B{4 + n}" if n > 1 else "B5"]


def test_defined_name(grown):
    n, _, wb, _ = grown
    assert wb.defined_names["Montants"].attr_text == f"Ventes!$C$5:$C${4 + n}"


def test_excel_table_ref_autofilter_and_column_names(grown):
    n, _, wb, _ = grown
    table = wb["Ventes"].tables["TableVentes"]
    assert table.ref == f"A4:D{4 + n}"
    assert table.autoFilter.ref == f"A4:D{4 + n}"
    assert [c.name for c in table.tableColumns] == ["date", "commercial", "montant", "Cumul"]


def test_chart_series_and_categories(grown):
    n, _, _, path = grown
    assert chart_formulas(path) == ["Ventes!C4", f"Ventes!$A$5:$A${4 + n}" if n > 1 else "Ventes!$A$5",
                                    f"Ventes!$C$5:$C${4 + n}" if n > 1 else "Ventes!$C$5"]
    (_, drawing), = zip_text(path, r"xl/drawings/[^/]+\.xml$")
    assert re.search(r"<from><col>5</col><colOff>0</colOff><row>3</row>", drawing)  # beside the table: stays


def test_print_area_titles_freeze_panes_and_merged_cells_below(grown):
    n, _, wb, _ = grown
    ws = wb["Ventes"]
    assert ws.print_area == f"'Ventes'!$A$1:$D${7 + n}"
    assert ws.print_title_rows == "$4:$4"
    assert ws.freeze_panes == "A5"
    assert [str(r) for r in ws.merged_cells.ranges] == [f"A{7 + n}:D{7 + n}"]
    assert ws[f"A{7 + n}"].value == "Montants au-dessus de 15000 € en rouge."


def test_references_from_another_sheet(grown):
    n, _, wb, _ = grown
    ws = wb["Synthèse"]
    assert [ws[f"B{r}"].value for r in range(1, 6)] == [
        f"=Ventes!C{5 + n}",
        f"=SUM(Ventes!C5:C{4 + n})",
        "=SUM(Montants)",
        "=SUM(TableVentes[montant])",
        f"=COUNT(Ventes!C5:C{4 + n})",
    ]


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_500_row_report(templates, samples, tmp_path):
    from tests.helpers.libreoffice import recalc

    ctx = samples.growth(500)
    path = render(templates / "growth.xlsx", ctx).save(tmp_path / "growth500.xlsx")
    got = recalc(path)
    expected = float(ctx["sales"]["montant"].sum())
    ventes = got["Ventes"]
    assert ventes[504][2] == pytest.approx(expected)  # C505, the SUM under the table
    assert ventes[503][3] == pytest.approx(expected)  # D504, the running total's last row
    synthese = [row[1] for row in got["Synthèse"][:5]]
    assert synthese[:4] == [pytest.approx(expected)] * 4  # direct, cross-sheet, by name, by table
    assert synthese[4] == 500
