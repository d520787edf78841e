"""The census's cheap scans (issue 11): what they find is what a regex over every cell would find,
a dense sheet is not placed cell by cell a second time while a sparse one still is, and a workbook's
census is taken once per process however many times the file is opened (configuration sheet, data)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis import config_sheet
from kpis.reader import ReadError, fast, package, read_workbook, source

from .hostile import SHEET1, add_row, base_workbook, deals_rows, patch_part

_TALL = re.compile(rb'r="[A-Z](\d{6,7})"')  # the regex the vectorised scan replaces
_LETTER = re.compile(rb'r="([A-Z])')

_pieces = st.tuples(
    st.sampled_from(['<c r="', '<row r="', ' spr="', '<x:c r="', 'r=', '"', "<c r='", '<c s="1" r="', '<c>', '</x:c>',
                     '<c\tr="', '<c  r="', '<x:c>', '<col r="', '<c/>', "<:c r="]),
    st.sampled_from(["A", "H", "Z", "AB", "XFD", "", "a"]),
    st.one_of(st.integers(0, 12_345_678), st.sampled_from([99_999, 100_000, 999_999, 1_000_000, 1_048_576])),
    st.sampled_from(['"', '"', "x", ""]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=40))
def test_narrow_scan_finds_what_a_regex_finds(pieces):
    chunk = "".join(f"{a}{col}{row}{q} t=\"s\">" for a, col, row, q in pieces).encode()
    scan = package._scan_cells(chunk, 0)
    assert scan.tall_row == max((int(t) for t in _TALL.findall(chunk)), default=0)
    assert scan.cols == max((ord(x) - 64 for x in _LETTER.findall(chunk)), default=0)
    assert scan.canonical == len(_CANONICAL.findall(chunk))
    assert scan.openings == len(_OPENING.findall(chunk))
    assert scan.wide == bool(package._WIDE.search(chunk))


_CANONICAL = re.compile(rb'<(?:[\w.-]*:)?c r="[A-Z]{1,3}\d{1,7}"')
_OPENING = re.compile(rb"<(?:[\w.-]*:)?c[ \t\r\n>/]")
_FORMULA_OPEN = re.compile(rb"<(?:[\w.-]*:)?f[ \t\r\n>/]")

_formula_pieces = st.lists(st.sampled_from([
    '<c r="A1">', '<c r="B2" t="e">', '<v>#N/A</v>', '<f>', "<f/>", '<f t="shared" si="0"/>', "<x:f>", "</f>",
    "<f\t>", "shelf>", "<ref>", 'st="e"', 't="e', 't = "e"', "t='e'", "<:f ", "<.x:f>", "<fx>", "f", "<", ">", "</c>",
    '<v>1</v>', "=", '"', "e",
]), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_formula_pieces)
def test_error_and_formula_flags_miss_nothing(pieces):
    """The scan's two flags replace substring searches before the error and formula passes: t="e"
    exactly as ``in`` finds it; a formula element whenever one is opened, so _formulas, which only
    looks when told to, loses nothing."""
    chunk = "".join(pieces).encode()
    scan = package._scan_cells(chunk, 0)
    assert scan.errors == (b't="e"' in chunk)
    assert scan.formulas == bool(_FORMULA_OPEN.search(chunk))
    if not scan.formulas:
        for prefix in (b"", b"x:"):
            c = package.SheetCensus("sheet1.xml")
            package._formulas(chunk, c, prefix, True)
            assert not c.no_value and not c.external


@pytest.mark.parametrize("cell", [
    "<c r='XFD1048576'><v>1</v></c>",  # single quotes
    '<c r="xfd1048576"><v>1</v></c>',  # lowercase column letters
    '<c r = "XFD1048576"><v>1</v></c>',  # spaces around =
    '<c\tr="XFD1048576"><v>1</v></c>',  # a tab before the attribute
    '<c s="0" r="XFD1048576"><v>1</v></c>',  # the reference not first
])
def test_a_far_cell_written_oddly_is_refused_not_fatal(tmp_path, cell):
    """The reader library places these cells as any other; the census used to read only Excel's own
    spelling and let them through: a 17-billion-cell sheet, the process aborted. Now exit 2, said."""
    path = patch_part(base_workbook(tmp_path / "base.xlsx"), tmp_path / "odd.xlsx", SHEET1,
                      lambda x: add_row(x, 1048576, cell))
    with pytest.raises(ReadError) as e:
        read_workbook(path)
    assert e.value.reason == "sheet_too_large" and "XFD1048576" in e.value.message("en")


def test_cells_without_references_far_below_are_refused_not_fatal(tmp_path):
    """Rows out of order, cells without a reference: the last row tag of a piece (12) hid the row
    1048576 whose 300 cells the library places one after the other: 314 million cells."""
    def far(x: str) -> str:
        cells = "<c><v>1</v></c>" * 300
        return x.replace("</sheetData>", f'<row r="1048576">{cells}</row><row r="12"><c r="A12"><v>5</v></c></row></sheetData>')

    path = patch_part(base_workbook(tmp_path / "base.xlsx"), tmp_path / "far.xlsx", SHEET1, far)
    with pytest.raises(ReadError) as e:
        read_workbook(path)
    assert e.value.reason == "sheet_too_large"


def test_a_sheet_without_cell_references_reads_as_one_with_them(tmp_path):
    """Some writers leave the references out (each cell follows the previous one): the sheet is
    placed the tolerant way and read exactly as the same sheet written by Excel."""
    base = base_workbook(tmp_path / "base.xlsx")
    bare = patch_part(base, tmp_path / "bare.xlsx", SHEET1, lambda x: re.sub(r'<c r="[A-Z]+\d+"', "<c", x))
    assert '<c r="' not in zipfile.ZipFile(bare).read(SHEET1).decode()
    pd.testing.assert_frame_equal(read_workbook(bare).tables["deals"], read_workbook(base).tables["deals"])


def _sheet_census(path: Path) -> package.SheetCensus:
    with zipfile.ZipFile(path) as z:
        return package.census(z).sheets["Affaires"]


def test_a_narrow_sheet_has_its_own_width(tmp_path):
    """Six columns: the area is 11 x 6, not 11 x 26 (the old bound sent tall sheets to a second pass)."""
    c = _sheet_census(base_workbook(tmp_path / "six.xlsx"))
    assert (c.max_row, c.max_col) == (11, 6)


def test_dense_sheets_are_not_placed_twice_sparse_ones_are(tmp_path, monkeypatch):
    """Above MAX_AREA a full rectangle is data (handed over as it is); a mostly empty one hides a
    stray cell far away, which is placed cell by cell, cut and reported."""
    monkeypatch.setattr(package, "MAX_AREA", 60)
    placed: list[str] = []
    exact = package._exact_extent
    monkeypatch.setattr(package, "_exact_extent", lambda z, c: (placed.append(c.part), exact(z, c)))
    dense = base_workbook(tmp_path / "dense.xlsx", deals_rows(30))  # 31 x 6 = 186 cells, all full
    c = _sheet_census(dense)
    assert placed == [] and c.kept is None and (c.max_row, c.max_col) == (31, 6)
    stray = patch_part(base_workbook(tmp_path / "base.xlsx"), tmp_path / "stray.xlsx", SHEET1,
                       lambda x: add_row(x, 20_000, '<c r="C20000"><v>1</v></c>'))
    c = _sheet_census(stray)
    assert placed == [SHEET1] and c.kept == (11, 6)
    ds = read_workbook(stray)
    assert len(ds.tables["deals"]) == 10
    assert any(i.code == "stray_cells" for i in ds.quality)


def test_the_census_is_taken_once_per_file(tmp_path, monkeypatch):
    """The configuration sheet and the data are read through two openings of the workbook: one census."""
    path = base_workbook(tmp_path / "wb.xlsx", extra={"Paramètres KPI": [["Clé", "Valeur"], ["lang", "en"]]})
    calls: list[int] = []
    real = package.census
    monkeypatch.setattr(source, "census", lambda z: (calls.append(1), real(z))[1])
    monkeypatch.setattr(source, "_LAST_CENSUS", None)
    assert config_sheet.read_config_sheet(path) is not None
    read_workbook(path)
    assert len(calls) == 1
    path.write_bytes(path.read_bytes())  # rewritten (new times): a new census
    read_workbook(path)
    assert len(calls) == 2


def test_no_configuration_sheet_means_no_opening(tmp_path, monkeypatch):
    """Without a configuration sheet (its names: the workbook part's list) the file is not opened."""
    path = base_workbook(tmp_path / "wb.xlsx")

    def refuse(*a, **k):
        raise AssertionError("opened")

    monkeypatch.setattr(source, "Source", refuse)
    assert config_sheet.read_config_sheet(path) is None


def test_a_head_mixing_text_and_numbers_skips_the_fast_attempt():
    """Speed only: the head's last rows mix a text amount with numbers, so fastexcel's strict read
    of the body is not even tried; a head of clean columns, or too short to judge, goes on."""
    clean = [["Montant"]] * 50 + [[float(i)] for i in range(200)]
    fast.check_head(clean)
    fast.check_head([["x"], [1.0]] * 20)  # 40 rows: all within the header scan, not judged
    mixed = clean[:-1] + [["1 234,50 €"]]
    try:
        fast.check_head(mixed)
    except fast.NotFast:
        pass
    else:
        raise AssertionError("a mixed head was not noticed")
