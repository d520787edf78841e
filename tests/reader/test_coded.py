"""A big sheet the fast read refuses (columns mixing types) is read in full but kept as coded columns
(:mod:`kpis.reader.coded`): its cells are python-calamine's, row by row and column by column, and the
tables and the data-quality report are those of the plain full read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis.demo import sample
from kpis.demo.sample import Mess
from kpis.reader import coded, fast
from kpis.reader.cells import filled
from kpis.reader.locate import _last_data_row
from kpis.reader.source import Source

from .test_fast import _coded_sheets, assert_same_read

pytestmark = pytest.mark.skipif(not fast.available(), reason="fastexcel is not installed")

_POOL = ["", " ", "a", "A", "a ", "Réalisé", "15/10/2026", "12 500 €", 0.0, 1.5, 2.0, 1e20, 1042.0,
         dt.date(2026, 10, 15), dt.datetime(2026, 10, 15, 9, 30), dt.date(2026, 10, 16)]


def _coded(cells: list, block: int) -> coded.Coded:
    b = coded._Builder()
    arr = np.empty(len(cells), dtype=object)
    arr[:] = cells
    for k in range(0, len(cells), block):
        b.add(arr[k:k + block])
    return b.done()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_POOL), min_size=1, max_size=60), st.integers(1, 9), st.data())
def test_a_slice_factorizes_as_its_cells_do(cells, block, data):
    """Codes kept block by block, merged once: any slice gives pd.factorize's codes and values; the
    last filled cell is found from the end whatever the step."""
    c = _coded(cells, block)
    assert c.values(0, len(cells)) == cells
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(coded, "TAIL_ROWS", data.draw(st.integers(1, 7)))
        assert c.last_filled() == max((i for i, v in enumerate(cells) if filled(v)), default=-1)
    a = data.draw(st.integers(0, len(cells) - 1))
    n = data.draw(st.integers(1, len(cells) - a))
    values, local = c.encode(a, n)
    arr = np.empty(n, dtype=object)
    arr[:] = cells[a:a + n]
    codes, uniques = pd.factorize(arr)
    assert local.tolist() == codes.tolist()
    assert [(type(v), v) for v in values] == [(type(v), v) for v in uniques]


@pytest.mark.parametrize("cells", [[True, 1.0], [1.0, "x", True], [0.0, -0.0], [1, 1.0]])
def test_values_a_factorize_would_merge_are_refused(cells):
    """True == 1.0 and -0.0 == 0.0 for pd.factorize: a slice could keep another first object than the
    whole column, so such a column is left to the plain full read."""
    with pytest.raises(coded.NotCoded):
        _coded(cells * 3, 2)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_POOL), st.booleans(), st.integers(-2, 2), st.just(float("nan")),
                          st.just(-0.0), st.none()), max_size=40))
def test_the_types_are_the_cells_own(cells):
    """The quick type census (one C pass for a column of text, or of numbers) tells the checks
    above what a set of every cell's type tells them."""
    arr = np.empty(len(cells), dtype=object)
    arr[:] = cells
    exact = set(map(type, cells))
    got = coded._types(arr)
    assert coded._merges_types(got) == coded._merges_types(exact)
    assert (float in got) == (float in exact)
    assert got == exact


def _mixed_workbook(path: Path, rows: int, offset: tuple[int, int] = (0, 0), extra: dict | None = None) -> None:
    """A title, a header and ``rows`` rows whose columns mix text with dates, amounts, booleans."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Activités")
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    r0, c0 = offset
    ws.write(r0, c0, "Suivi des activités")
    for j, h in enumerate(["Date", "Commercial", "Type", "Montant", "Fait"]):
        ws.write(r0 + 2, c0 + j, h)
    for i in range(rows):
        r = r0 + 3 + i
        if i % 7 == 3:
            ws.write_string(r, c0, f"{1 + i % 28:02d}/10/2026")
        else:
            ws.write_datetime(r, c0, dt.datetime(2026, 10, 1 + i % 28), day)
        ws.write_string(r, c0 + 1, ["Alice Martin", "Bruno Lefèvre", " Chloé Dubois", ""][i % 4])
        ws.write_string(r, c0 + 2, ["Appel", "Démo", "Rendez-vous"][i % 3])
        if i % 5 == 1:
            ws.write_string(r, c0 + 3, f"{1000 + i} €")
        elif i % 11 != 0:
            ws.write_number(r, c0 + 3, 1000.25 + i)
        ws.write_boolean(r, c0 + 4, i % 2 == 0)
    for (r, c), v in (extra or {}).items():
        ws.write(r, c, v)
    wb.close()


@pytest.mark.parametrize("offset", [(0, 0), (4, 2)])
def test_grid_rows_and_columns_are_calamines(tmp_path, monkeypatch, offset):
    """Row by row (head, seam, blocks) the grid is to_python's; each column factorizes as its cells;
    the last data row is the plain grid's. A sheet starting at C5 is placed from A1 as well."""
    import python_calamine as pc

    path = tmp_path / "mixed.xlsx"
    _mixed_workbook(path, 300, offset)
    monkeypatch.setattr(fast, "MODE", "always")
    monkeypatch.setattr(fast, "HEAD_ROWS", 45)
    monkeypatch.setattr(coded, "BLOCK_ROWS", 37)
    wb = pc.CalamineWorkbook.from_path(str(path))
    full = wb.get_sheet_by_name("Activités").to_python(skip_empty_area=False)
    wb.close()
    with Source(path) as src:
        grid = src.load("Activités").grid
    assert isinstance(grid, fast.ColumnGrid) and all(isinstance(c, coded.Coded) for c in grid.body.values())
    assert list(grid) == full
    assert [grid[i] for i in (0, 44, 45, 46, 81, 82, len(full) - 1)] == [full[i] for i in (0, 44, 45, 46, 81, 82, len(full) - 1)]
    for col in range(len(full[0])):
        for r0, r1 in ((0, len(full) - 1), (offset[0] + 3, len(full) - 1), (50, 120), (10, 44)):
            codes, uniques = grid.factorize(col, r0, r1)
            arr = np.empty(r1 - r0 + 1, dtype=object)
            arr[:] = [row[col] for row in full[r0:r1 + 1]]
            want_codes, want = pd.factorize(arr)
            assert codes.tolist() == want_codes.tolist()
            assert [(type(v), v) for v in uniques] == [(type(v), v) for v in want]
    for first, last in ((offset[1], offset[1] + 4), (offset[1] + 3, offset[1] + 3)):
        assert grid.last_data_row(offset[0] + 3, first, last) == _last_data_row(full, offset[0] + 3, first, last)
    blocks = len(grid._blocks)
    for col in (0, offset[1], offset[1] + 3, len(full[0]) + 2):  # column-wise cells (merged ranges), past the width too
        for r0, r1 in ((0, len(full) - 1), (40, 50), (60, 90)):
            assert grid.cells(col, r0, r1).tolist() == [row[col] if col < len(row) else "" for row in full[r0:r1 + 1]]
    assert len(grid._blocks) == blocks  # cells() made no Python rows of the body


def test_a_sheet_of_formatted_blank_cells_reads_as_the_plain_read(tmp_path, monkeypatch):
    """Formatted cells without values down to row 6,000: the census counts the rows, the library
    holds no value; the sheet is the plain read's empty grid, the workbook still reads."""
    path = tmp_path / "blank.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Vide")
    fmt = wb.add_format({"bg_color": "#FFFF00"})
    for r in range(6000):
        ws.write_blank(r, 0, None, fmt)
    wb.close()
    monkeypatch.setattr(fast, "MODE", "always")
    monkeypatch.setattr(fast, "HEAD_ROWS", 45)
    monkeypatch.setattr(fast, "available", lambda: False)  # no fastexcel: the coded read is tried
    with Source(path) as src:
        assert src.load("Vide").grid == []


def test_mixed_sheets_are_coded_and_read_alike(tmp_path, monkeypatch):
    """The tracking workbook with text dates and amounts among real ones: its big sheets are coded,
    and the tables and the data-quality report are those of the plain full read."""
    truth = sample.build_truth(seed=7, scale=0.1)
    path = tmp_path / "realistic.xlsx"
    sample.write_workbook(truth, path, "fr", mess=Mess.realistic("fr"))
    assert len(_coded_sheets(path, monkeypatch)) >= 3
    assert_same_read(path, monkeypatch)


def test_a_column_of_booleans_and_numbers_is_read_the_plain_way(tmp_path, monkeypatch):
    path = tmp_path / "mixed.xlsx"
    _mixed_workbook(path, 120, extra={(40, 4): 1.0})  # a number among the booleans
    monkeypatch.setattr(fast, "MODE", "always")
    monkeypatch.setattr(fast, "HEAD_ROWS", 20)
    with Source(path) as src:
        assert isinstance(src.load("Activités").grid, list)
    assert_same_read(path, monkeypatch, head=20)


def test_packed_block_values_come_back_the_same_objects_kinds_and_values():
    """A block's distinct values are pickled until the column is done (their cells all freed, not
    pinned by the survivors); they come back with the same types and values, and a value pickle
    refuses is kept as it is."""
    import pickle

    from kpis.reader.coded import _packed, _unpacked

    values = ["a", "", 1.5, 3.0, 7, True, dt.datetime(2026, 1, 2, 3, 4), dt.date(2026, 1, 2), dt.time(9, 30),
              dt.timedelta(days=2), "🎉", "x" * 10_000, float("inf")]
    u = np.empty(len(values), dtype=object)
    u[:] = values
    packed = _packed(u)
    assert isinstance(packed, bytes)
    back = _unpacked(packed)
    assert back.dtype == object and [type(v) for v in back] == [type(v) for v in values]
    assert back.tolist() == values
    odd = np.empty(2, dtype=object)
    odd[:] = ["a", (lambda: 0)]
    with pytest.raises(Exception):
        pickle.dumps(odd.tolist())
    assert _unpacked(_packed(odd)) is odd
    assert _unpacked(_packed(odd, {str, type(odd[1])})) is odd


_ANY_CELL = st.one_of(
    st.text(max_size=4), st.floats(), st.datetimes(), st.dates(), st.booleans(), st.integers(-(2**70), 2**70),
    st.datetimes(timezones=st.just(dt.timezone.utc)), st.times(), st.none(),
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 31)))


@settings(max_examples=400, deadline=None)
@given(st.lists(_ANY_CELL, min_size=1, max_size=30))
def test_values_packed_by_type_come_back_as_they_were(values):
    """Floats, datetimes and dates of a block are packed as numpy arrays (each type on its own,
    whatever else the block holds), the rest pickled: every value comes back of the same class with
    the same value (NaN, -0.0, microseconds, year 1 and 9999 included; an aware datetime pickled)."""
    from kpis.reader.coded import _packed, _unpacked

    u = np.empty(len(values), dtype=object)
    u[:] = values
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(coded, "_PICKLE_BELOW", 0)  # the numpy packing for any block size
        back = _unpacked(_packed(u, set(map(type, values))))
    assert back.dtype == object and len(back) == len(values)
    assert [(type(v), repr(v)) for v in back] == [(type(v), repr(v)) for v in values]


def test_a_column_of_many_dates_is_packed_without_pickling_them():
    """The point of the numpy packing: a block of thousands of datetimes among texts is no pickle of
    datetime objects (their __reduce__ was most of a date column's read)."""
    from kpis.reader.coded import _Packed, _packed, _unpacked

    values = [dt.datetime(2026, 1, 1) + dt.timedelta(minutes=7 * i) for i in range(3000)] + ["12/10/2026", ""]
    u = np.empty(len(values), dtype=object)
    u[:] = values
    packed = _packed(u, {dt.datetime, str})
    assert isinstance(packed, _Packed)
    assert {type(part) for _, part in packed.parts} == {np.ndarray, bytes}  # the dates in numpy, the texts pickled
    assert _unpacked(packed).tolist() == values
