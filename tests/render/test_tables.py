"""Table placeholders: a DataFrame / list of dicts expands into rows and columns
(examples/templates/table.xlsx and table_filters.xlsx)."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from kpis.render import TableData, render
from kpis.render.tables import columns, head, noheader, sort_by, status_by, to_table, top
from tests.render.conftest import reopen, values


@pytest.fixture()
def table_ws(templates, samples, tmp_path):
    wb, _ = reopen(render(templates / "table.xlsx", samples.table()), tmp_path)
    return wb["Classement"]


def test_header_at_the_placeholder_and_data_below(table_ws):
    ws = table_ws
    assert values(ws, 3, 8)[0][:5] == ["Commercial", "CA", "Taux", "Affaires", "Part du CA"]
    assert [r[:4] for r in values(ws, 4, 7)] == [
        ["Alice", 52000, 0.35, 12],
        ["Bruno", 31000, 0.28, 9],
        ["Chloé", 27500, 0.31, 8],
        ["David", 14900.5, 0.22, 5],
    ]


def test_header_and_data_rows_keep_the_template_styles(table_ws):
    ws = table_ws
    for col in "ABCD":
        assert ws[f"{col}3"].font.b and ws[f"{col}3"].fill.fgColor.rgb == "001F3864"
    for row in range(4, 8):
        assert ws[f"B{row}"].number_format == '#,##0 "€"'
        assert ws[f"C{row}"].number_format == "0.0%"
        assert ws[f"A{row}"].border.left.style == "thin"
        assert ws.row_dimensions[row].height == 18
    assert ws.row_dimensions[3].height == 24
    assert ws["A8"].value == "Total" and ws.row_dimensions[8].height is None


def test_formulas_in_the_data_row_are_copied_per_row_and_totals_cover_the_rows(table_ws):
    ws = table_ws
    assert [ws[f"E{r}"].value for r in range(4, 8)] == [f"=B{r}/SUM($B$4:$B$7)" for r in range(4, 8)]
    assert ws["B8"].value == "=SUM(B4:B7)"
    assert ws["D8"].value == "=SUM(D4:D7)"


def test_merged_cells_and_comments_move_with_their_rows(table_ws):
    ws = table_ws
    assert [str(r) for r in ws.merged_cells.ranges] == ["A10:E10"]
    assert ws["A10"].value == "Source : suivi_commercial.xlsx"
    assert ws["E3"].comment is not None and "Part" in ws["E3"].comment.text


def test_wider_data_repeats_the_last_styled_column(templates, tmp_path):
    df = pd.DataFrame({f"c{i}": [i, i * 2] for i in range(7)})
    wb, _ = reopen(render(templates / "table.xlsx", {"leaderboard": df, "source": "x"}), tmp_path)
    ws = wb["Classement"]
    assert [c.value for c in ws[3][:7]] == [f"c{i}" for i in range(7)]
    # column G (beyond the 5 styled template columns A:E) takes E's style
    assert ws["G3"].fill.fgColor.rgb == ws["E3"].fill.fgColor.rgb
    assert ws["G4"].number_format == ws["E4"].number_format == "0.0%"


def test_an_empty_table_keeps_one_blank_data_row(templates, tmp_path):
    empty = pd.DataFrame({"Commercial": [], "CA": []})
    wb, _ = reopen(render(templates / "table.xlsx", {"leaderboard": empty, "source": "x"}), tmp_path)
    ws = wb["Classement"]
    assert [ws["A3"].value, ws["B3"].value] == ["Commercial", "CA"]
    assert ws["A4"].value is None and ws["B4"].number_format == '#,##0 "€"'
    assert ws["B5"].value == "=SUM(B4:B4)"


def test_a_list_of_dicts_is_a_table():
    wb = openpyxl.Workbook()
    wb.active["B2"] = "{{ rows }}"
    out = render(wb, {"rows": [{"a": 1, "b": "x"}, {"a": 2, "c": True}]}).workbook.active
    assert values(out, 2, 4) == [[None, "a", "b", "c"], [None, 1, "x", None], [None, 2, None, True]]


def test_noheader_writes_data_at_the_placeholder(templates, samples, tmp_path):
    wb, _ = reopen(render(templates / "table_filters.xlsx", samples.table_filters()), tmp_path)
    ws = wb["Filtres"]
    assert values(ws, 22, 28) == [
        ["Commercial", "CA", "Affaires"],
        ["Alice", 52000, 12],
        ["Bruno", 31000, 9],
        ["Chloé", 27500, 8],
        ["David", 14900.5, 5],
        ["Emma", 9100, 3],
        ["Total", "=SUM(B23:B27)", None],
    ]
    assert ws["B27"].number_format == '#,##0 "€"'


def test_table_filters_in_a_template(templates, samples, tmp_path):
    wb, _ = reopen(render(templates / "table_filters.xlsx", samples.table_filters()), tmp_path)
    ws = wb["Filtres"]
    assert values(ws, 2, 5) == [["rep", "revenue", "deals"], ["Alice", 52000, 12], ["Bruno", 31000, 9],
                                ["Chloé", 27500, 8]]
    assert values(ws, 8, 11) == [["rep", "revenue", "deals"], ["Alice", 52000, 12], ["Bruno", 31000, 9],
                                 ["Autres", 51500.5, 16]]
    assert values(ws, 14, 15) == [["Commercial", "CA", None], ["Alice", 52000, None]]


RECORDS = [{"rep": "B", "revenue": 10.0, "rate": 0.5}, {"rep": "A", "revenue": 30.0, "rate": 0.1},
           {"rep": "C", "revenue": None, "rate": 0.2}, {"rep": "D", "revenue": 20.0, "rate": 0.3}]


def test_sort_by_head_top_columns_noheader_status_by():
    t = to_table(RECORDS)
    assert [r[0] for r in sort_by(t, "revenue", desc=True).rows] == ["A", "D", "B", "C"]  # missing last
    assert [r[0] for r in sort_by(t, "rep").rows] == ["A", "B", "C", "D"]
    assert len(head(t, 2)) == 2
    topped = top(t, 2, other="Autres", by="revenue", agg={"rate": "mean"})
    assert topped.rows[-1][0] == "Autres"
    assert topped.rows[-1][1] == 10.0 and topped.rows[-1][2] == pytest.approx(0.35)
    assert top(t, 10) == t
    chosen = columns(t, ["revenue", "rep"], rename={"rep": "Commercial"})
    assert chosen.columns == ["revenue", "Commercial"] and chosen.rows[0] == [10.0, "B"]
    assert noheader(t).header is False
    styled = status_by(t, "revenue", 15)
    assert [r[1].fill for r in styled.rows] == ["FFC7CE", "C6EFCE", "FFEB9C", "C6EFCE"]
    with pytest.raises(KeyError):
        columns(t, ["nope"])


def test_dataframe_index_is_not_written_and_multiindex_columns_are_joined():
    df = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("CA", "2025"), ("CA", "2026")]), index=["x"])
    t = to_table(df)
    assert t == TableData(["CA 2025", "CA 2026"], [[1, 2]])


def test_noheader_inside_an_excel_table_grows_the_table():
    from openpyxl.worksheet.table import Table

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T"
    ws["A1"], ws["B1"], ws["A2"] = "Commercial", "CA", "{{ rows | noheader }}"
    ws["A3"], ws["B3"] = "Total", "=SUBTOTAL(109,B2:B2)"
    ws.add_table(Table(displayName="Ventes", ref="A1:B2"))
    out = render(wb, {"rows": [{"rep": "a", "ca": 1}, {"rep": "b", "ca": 2}, {"rep": "c", "ca": 3}]}).workbook["T"]
    table = out.tables["Ventes"]
    assert table.ref == "A1:B4" and [c.name for c in table.tableColumns] == ["Commercial", "CA"]
    assert values(out) == [["Commercial", "CA"], ["a", 1], ["b", 2], ["c", 3], ["Total", "=SUBTOTAL(109,B2:B4)"]]
