"""Reference shifting: the formula tokenizer-based shifter and the row map."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from openpyxl.formula.translate import Translator

from kpis.render.refs import Mapper, RefContext, RowMap, SheetOut, coalesce_ranges

T = ("table", 5)


def table_sheet(n: int, title: str = "S") -> SheetOut:
    """Template rows 1..7, row 5 a table data row repeated n times."""
    rows = [(r, ()) for r in range(1, 5)] + [(5, ((T, i),)) for i in range(n)] + [(6, ()), (7, ())]
    return SheetOut(title, title, RowMap(rows, 7))


def test_ranges_ending_on_the_data_row_cover_every_copy():
    s = table_sheet(3)
    m = Mapper([s])
    below = RefContext(8, 6, ())
    assert m.formula("=SUM(C5:C5)", s, below) == "=SUM(C5:C7)"
    assert m.formula("=SUM(C4:C6)", s, below) == "=SUM(C4:C8)"
    assert m.formula("=SUM($C$5:$C$5)", s, below) == "=SUM($C$5:$C$7)"
    assert m.formula("=C5", s, below) == "=C5"  # a single cell: the first copy
    assert m.formula("=C6+C7", s, below) == "=C8+C9"  # rows below move down


def test_formulas_copied_into_each_data_row():
    s = table_sheet(3)
    m = Mapper([s])
    formula = "=C5*D5+SUM($D$5:D5)+$D$5+SUM($E$5:$E$5)+F4"
    got = [m.formula(formula, s, RefContext(5 + k, 5, ((T, k),))) for k in range(3)]
    assert got == [
        "=C5*D5+SUM($D$5:D5)+$D$5+SUM($E$5:$E$7)+F4",
        "=C6*D6+SUM($D$5:D6)+$D$5+SUM($E$5:$E$7)+F5",
        "=C7*D7+SUM($D$5:D7)+$D$5+SUM($E$5:$E$7)+F6",  # F4 follows like Excel's fill-down
    ]


def test_sheet_qualified_references_from_other_sheets():
    s = table_sheet(4, "Sales 2026")
    other = SheetOut("Other", "Other", RowMap.identity(3))
    m = Mapper([s, other])
    assert m.formula("=SUM('Sales 2026'!C5:C5)", other) == "=SUM('Sales 2026'!C5:C8)"
    assert m.formula("='Sales 2026'!$C$6/Other!A1", other) == "='Sales 2026'!$C$9/Other!A1"
    assert m.formula("=Unknown!A5", other) == "=Unknown!A5"  # not a sheet of the workbook: untouched
    assert m.formula("=[1]Sheet1!A5", other) == "=[1]Sheet1!A5"  # external: untouched


def test_renamed_and_copied_sheets():
    tpl = "{{ rep.name }}"
    a = SheetOut(tpl, "Alice", RowMap.identity(9))
    b = SheetOut(tpl, "Bob", RowMap.identity(9))
    summary = SheetOut("Index", "Index", RowMap.identity(3))
    m = Mapper([a, b, summary])
    assert m.formula("='{{ rep.name }}'!B3", b) == "=Bob!B3"  # a copy points at itself
    assert m.formula("='{{ rep.name }}'!B3", summary) == "=Alice!B3"  # others: the first copy
    gone = Mapper([summary], ["Index", "Removed"])
    assert gone.formula("=Removed!A1+1", summary) == "=#REF!+1"


def test_whole_columns_rows_names_strings_and_functions():
    s = table_sheet(3)
    m = Mapper([s])
    assert m.formula("=SUM(A:A)", s) == "=SUM(A:A)"
    assert m.formula("=SUM(5:5)", s) == "=SUM(5:7)"
    assert m.formula("=SUM(Sales)+Tbl[Amount]", s) == "=SUM(Sales)+Tbl[Amount]"
    assert m.formula('=IF(C6>0,"C6 ok",C6)', s) == '=IF(C8>0,"C6 ok",C8)'
    assert m.formula("=VLOOKUP(A6,$A$5:$D$5,2,FALSE)", s) == "=VLOOKUP(A8,$A$5:$D$7,2,FALSE)"
    assert m.formula("C6>$B$2", s) == "C8>$B$2"  # without "=" (conditional formats, names, charts)


def test_removed_rows():
    rm = RowMap([(1, ()), (3, ()), (4, ())], 4)  # template row 2 removed
    s = SheetOut("S", "S", rm)
    m = Mapper([s])
    assert m.formula("=A2", s) == "=#REF!"
    assert m.formula("=SUM(A1:A3)", s) == "=SUM(A1:A2)"
    assert m.formula("=SUM(A2:A2)", s) == "=SUM(#REF!)"
    assert m.formula("=A10", s) == "=A9"  # beyond the template: shifted with the rest


def test_nested_loops_keep_references_inside_their_iteration():
    outer, inner = ("for", 2), ("for", 4)
    rows = [(1, ())]
    for i, n in enumerate([2, 0, 1]):
        rows.append((3, ((outer, i),)))
        for j in range(n):
            rows.append((5, ((outer, i), (inner, j))))
        if n == 0:
            rows.append((5, ((outer, i), (inner, 0))))  # the hidden stand-in row
        rows.append((7, ((outer, i),)))
    rows.append((9, ()))
    rm = RowMap(rows, 9)
    s = SheetOut("S", "S", rm)
    m = Mapper([s])
    subtotals = [n for n, (src, _) in enumerate(rows, 1) if src == 7]
    got = [m.formula("=SUBTOTAL(9,C5:C5)", s, RefContext(n, 7, rows[n - 1][1])) for n in subtotals]
    assert got == ["=SUBTOTAL(9,C3:C4)", "=SUBTOTAL(9,C7:C7)", "=SUBTOTAL(9,C10:C10)"]
    # from a deal row to its rep's header row: pinned with $ it stays on that rep's header;
    # relative, it moves along with the deal rows (Excel's fill-down)
    assert m.formula("=B$3", s, RefContext(4, 5, ((outer, 0), (inner, 1)))) == "=B$2"
    assert m.formula("=B3", s, RefContext(4, 5, ((outer, 0), (inner, 1)))) == "=B3"
    assert m.formula("=SUBTOTAL(9,C2:C8)", s, RefContext(12, 9, ())) == "=SUBTOTAL(9,C2:C11)"


def test_content_areas_are_copied_per_iteration():
    s = table_sheet(3)
    assert s.rowmap.map_area(5, 5) == [(5, 5), (6, 6), (7, 7)]
    assert coalesce_ranges(["C5", "C6", "C7", "A1:B1"]) == ["C5:C7", "A1:B1"]
    assert Mapper([s]).area_text("C5:D5 A1", s, content=True) == "C5:D7 A1"


def _cell(row_min: int):
    return st.builds(
        lambda c, r, ca, ra: f"{'$' if ca else ''}{c}{'$' if ra else ''}{r}",
        st.sampled_from(["A", "B", "AA", "XF"]),
        st.integers(row_min, 300),
        st.booleans(),
        st.booleans(),
    )


def _formulas(row_min: int):
    return st.builds(
        lambda a, b, op: f"=SUM({a}:{b}){op}{a}",
        _cell(row_min),
        _cell(row_min),
        st.sampled_from(["+", "*", "-", "/"]),
    )


@given(_formulas(1))
def test_identity_map_changes_nothing(formula):
    s = SheetOut("S", "S", RowMap.identity(300))
    assert Mapper([s]).formula(formula, s, RefContext(1, 1, ())) == formula


@given(_formulas(3), st.integers(0, 60))
def test_rows_below_a_growing_table_shift_like_openpyxl_translator(formula, k):
    """Template row 2 is a table data row repeated k+1 times: every reference to a row below it
    moves down k rows, absolute or not; openpyxl's Translator is the oracle (relative part)."""
    rows = [(1, ())] + [(2, ((("table", 2), i),)) for i in range(k + 1)] + [(r, ()) for r in range(3, 301)]
    s = SheetOut("S", "S", RowMap(rows, 300))
    got = Mapper([s]).formula(formula, s)
    expected = Translator(formula.replace("$", ""), "A1").translate_formula(row_delta=k, col_delta=0)
    assert got.replace("$", "") == expected
    assert got.count("$") == formula.count("$")
