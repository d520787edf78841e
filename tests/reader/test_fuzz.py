"""Fuzzing the reader with the example workbook: cells changed at random (openpyxl), zip parts with
bytes flipped or cut. Whatever the change, the reader returns a dataset or raises ReadError -- never
another exception -- and every row of the deals range is accounted for: read, or reported (skipped,
blank, totals).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from kpis.reader import ReadError, read_workbook

from .hostile import SHEET1

FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


class Base:
    """The base workbook's bytes, behind a short repr (hypothesis prints the arguments of failures)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def __repr__(self) -> str:
        return f"<deals workbook, {len(self.data)} bytes>"


@pytest.fixture(scope="module")
def deals_only(example_fr, tmp_path_factory) -> Base:
    """The example's deals sheet alone (a faster workbook to rewrite many times)."""
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is absent")
    wb = load_workbook(example_fr)
    for name in wb.sheetnames:
        if name != "Affaires":
            del wb[name]
    ws = wb["Affaires"]
    ws.delete_rows(150, ws.max_row)  # 146 deals: enough for every kind of row, quick to rewrite
    buf = io.BytesIO()
    wb.save(buf)
    return Base(buf.getvalue())


CELL_VALUES = st.one_of(
    st.none(),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12),
    st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.sampled_from(["#N/A", "#DIV/0!", "#VALEUR!", "Total", "=1/0", "=SUM(A1:A3)", "12k", "1 250,50 €", "", "  ",
                     "TOTAL général", "Gagné", "Perdu", "n/a", "—"]),
)


def _accounted(ds) -> None:
    """rows read + rows skipped + blank rows + totals rows == the range's data rows (deals)."""
    found = next((i for i in ds.quality if i.code == "table_found" and i.params["table"] == "deals"), None)
    if found is None:
        return  # the header row itself was fuzzed away: nothing was read, the report says so
    assert any(i.code for i in ds.quality)
    first, last = found.row, int(re.search(r"(\d+)$", found.params["range"]).group(1))
    skipped = sum(1 for i in ds.quality if i.table == "deals" and i.action == "skipped" and i.row and i.row > first)
    blank = sum(i.params["count"] for i in ds.quality if i.table == "deals" and i.code == "blank_rows")
    totals = sum(1 for i in ds.quality if i.table == "deals" and i.code == "totals_row" and i.row <= last)
    assert found.params["rows"] + skipped + blank + totals == last - first, (found.params, skipped, blank, totals)


@FUZZ
@given(changes=st.lists(st.tuples(st.integers(1, 60), st.integers(1, 22), CELL_VALUES), min_size=1, max_size=40))
def test_changed_cells_never_crash_and_every_row_is_accounted_for(deals_only, tmp_path, changes):
    wb = load_workbook(io.BytesIO(deals_only.data))
    ws = wb["Affaires"]
    for row, col, value in changes:
        try:
            ws.cell(row, col).value = value
        except (ValueError, TypeError, AttributeError, IllegalCharacterError):  # control characters; merged cells
            continue
    path = tmp_path / "fuzz.xlsx"
    wb.save(path)
    try:
        ds = read_workbook(path, tables=["deals"])
    except ReadError:
        return
    _accounted(ds)


@FUZZ
@given(data=st.data())
def test_damaged_packages_raise_read_error_or_read(deals_only, tmp_path, data):
    how = data.draw(st.sampled_from(["flip_zip", "truncate", "flip_xml", "cut_xml"]))
    raw = deals_only.data
    if how == "flip_zip":
        out = bytearray(raw)
        for pos in data.draw(st.lists(st.integers(0, len(raw) - 1), min_size=1, max_size=8)):
            out[pos] ^= data.draw(st.integers(1, 255))
        raw = bytes(out)
    elif how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    else:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        name = data.draw(st.sampled_from(sorted(parts)))
        xml = bytearray(parts[name])
        if how == "flip_xml" and xml:
            for pos in data.draw(st.lists(st.integers(0, len(xml) - 1), min_size=1, max_size=8)):
                xml[pos] = data.draw(st.sampled_from(b"<>\"/=&#x0aZ9 \x00\xff"))
        else:
            xml = xml[: data.draw(st.integers(0, max(0, len(xml) - 1)))]
        parts[name] = bytes(xml)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in parts.items():
                z.writestr(n, d)
        raw = buf.getvalue()
    path = tmp_path / "abime.xlsx"
    path.write_bytes(raw)
    try:
        ds = read_workbook(path, tables=["deals"])
    except ReadError as e:
        assert e.exit_code == 2 and e.message("fr") and e.message("en")
        return
    _accounted(ds)


def test_sheet_part_name_is_the_first_sheet(deals_only):
    with zipfile.ZipFile(io.BytesIO(deals_only.data)) as z:
        assert SHEET1 in z.namelist()
