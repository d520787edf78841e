"""The fast read (typed fastexcel columns, :mod:`kpis.reader.fast`) gives exactly what the full read
(python-calamine, a Python object per cell) gives: the same canonical tables, dtypes included, and
the same data-quality report, issue by issue -- on the example workbooks and on generated ones with
each kind of mess. Both paths are forced (``fast.MODE``); the head is made short so that the body
rows, header scan and content sample cross the head/body seam."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpis.demo import sample
from kpis.reader import fast, read_workbook
from kpis.reader.coded import Coded
from kpis.reader.source import Source
from kpis.demo.sample import Mess

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.xlsx"))
pytestmark = pytest.mark.skipif(not fast.available(), reason="fastexcel is not installed")


def _read(path: Path, mode: str, monkeypatch, head: int = 45):
    monkeypatch.setattr(fast, "MODE", mode)
    monkeypatch.setattr(fast, "HEAD_ROWS", head)
    return read_workbook(path)


def _grids(path: Path, monkeypatch, head: int = 45) -> dict[str, object]:
    monkeypatch.setattr(fast, "MODE", "always")
    monkeypatch.setattr(fast, "HEAD_ROWS", head)
    with Source(path) as src:
        return {n: src.load(n).grid for n in src.sheet_names}


def _fast_sheets(path: Path, monkeypatch, head: int = 45) -> list[str]:
    """Sheets read as fastexcel's typed columns."""
    return [n for n, g in _grids(path, monkeypatch, head).items()
            if isinstance(g, fast.ColumnGrid) and any(not isinstance(c, Coded) for c in g.body.values())]


def _coded_sheets(path: Path, monkeypatch, head: int = 45) -> list[str]:
    """Sheets read in full but kept as coded columns (:mod:`kpis.reader.coded`)."""
    return [n for n, g in _grids(path, monkeypatch, head).items()
            if isinstance(g, fast.ColumnGrid) and g.body and all(isinstance(c, Coded) for c in g.body.values())]


def assert_same_read(path: Path, monkeypatch, head: int = 45) -> None:
    full = _read(path, "never", monkeypatch, head)
    quick = _read(path, "always", monkeypatch, head)
    assert list(quick.tables) == list(full.tables)
    for name, df in full.tables.items():
        pd.testing.assert_frame_equal(quick.tables[name], df, obj=name)
    assert quick.sources == full.sources
    assert [vars(i) for i in quick.quality] == [vars(i) for i in full.quality]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_read_alike(path, monkeypatch):
    assert_same_read(path, monkeypatch)


@pytest.fixture(scope="module")
def truth():
    return sample.build_truth(seed=5, scale=0.1)


MESSES = {
    "clean": Mess(),
    "layout": Mess(title_rows=True, blank_rows=True, header_row=6, stage_synonyms=True, wide_targets=True),
    "tables": Mess(excel_tables=True, totals_row=True),
    "names": Mess(name_noise=True, rate=0.05),
    "text_values": Mess(text_dates=frozenset({"activities"}), text_amounts=frozenset({"deals"}), percent_as_text=True),
    "realistic_fr": Mess.realistic("fr"),
    "realistic_en": Mess.realistic("en"),
}


@pytest.mark.parametrize("mess", list(MESSES))
@pytest.mark.parametrize("head", [45, 300])
def test_generated_read_alike(mess, head, truth, tmp_path, monkeypatch):
    path = tmp_path / f"{mess}.xlsx"
    lang = "en" if mess.endswith("_en") else "fr"
    sample.write_workbook(truth, path, lang, mess=MESSES[mess])
    assert_same_read(path, monkeypatch, head)


def test_fast_path_is_taken_on_clean_sheets(truth, tmp_path, monkeypatch):
    """Not a vacuous comparison: on a generated workbook with titles, blank rows and merged cells
    most sheets are read as typed columns."""
    path = tmp_path / "layout.xlsx"
    sample.write_workbook(truth, path, "fr", mess=MESSES["layout"])
    quick = _fast_sheets(path, monkeypatch)
    assert len(quick) >= 5, quick


def test_without_fastexcel_the_full_read_serves(tmp_path, truth, monkeypatch):
    """Pyodide (xlwings Lite) has no fastexcel: every sheet goes the full way, with the same result."""
    path = tmp_path / "clean.xlsx"
    sample.write_workbook(truth, path, "en", mess=Mess())
    full = _read(path, "never", monkeypatch)
    monkeypatch.setattr(fast, "available", lambda: False)
    assert not _fast_sheets(path, monkeypatch)
    again = _read(path, "always", monkeypatch)
    for name, df in full.tables.items():
        pd.testing.assert_frame_equal(again.tables[name], df, obj=name)
    assert [vars(i) for i in again.quality] == [vars(i) for i in full.quality]


def test_grid_rows_match_the_full_read(tmp_path, truth, monkeypatch):
    """Row by row, the typed grid is the grid python-calamine gives (head, seam and body)."""
    import python_calamine as pc

    path = tmp_path / "layout.xlsx"
    sample.write_workbook(truth, path, "fr", mess=MESSES["layout"])
    monkeypatch.setattr(fast, "MODE", "always")
    monkeypatch.setattr(fast, "HEAD_ROWS", 45)
    wb = pc.CalamineWorkbook.from_path(str(path))
    with Source(path) as src:
        for name in src.sheet_names:
            raw = src.load(name)
            if isinstance(raw.grid, fast.ColumnGrid):
                assert list(raw.grid) == wb.get_sheet_by_name(name).to_python(skip_empty_area=False), name
    wb.close()
