"""Workbooks written by :mod:`kpis.demo.sample` with each kind of mess read back to exactly the truth.

``kpis.demo.sample.as_read(truth, lang, mess)`` is what a correct reader must return for
``write_workbook(truth, path, lang, mess=mess)``: every table is compared cell by cell, dtypes
included. The example workbooks of ``examples/`` are held to the same contract.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpis.demo import sample
from kpis.reader import read_workbook
from kpis.reader.canonical import conform
from kpis.demo.sample import Mess

# Wide targets come back ordered by rep row then month; the truth is ordered by month then rep.
ORDER_FREE = {"targets": ["rep", "period"]}


@pytest.fixture(scope="module")
def truth():
    return sample.build_truth(seed=11, scale=0.15)


def assert_reads_back(path, truth, lang, mess):
    ds = read_workbook(path)
    expected = sample.as_read(truth, lang, mess)
    assert set(ds.tables) == set(expected)
    for name, exp in expected.items():
        got, exp = ds.tables[name], conform(name, exp)
        if name in ORDER_FREE:
            got = got.sort_values(ORDER_FREE[name], kind="stable").reset_index(drop=True)
            exp = exp.sort_values(ORDER_FREE[name], kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, exp, obj=name)
    assert not ds.quality.has_errors, [i for i in ds.quality if i.action == "skipped"]
    return ds


VARIANTS = {
    "clean": Mess(),
    "moved_header_and_titles": Mess(title_rows=True, header_row={"deals": 6, "activities": 4, "customers": 9}),
    "renamed_sheets": Mess(sheet_names={"deals": "Feuil1", "activities": "Feuil2", "leads": "Données 3",
                                        "customers": "Export CRM", "targets": "Onglet 5", "team": "Liste"}),
    "text_amounts_and_dates": Mess(text_dates=True, text_amounts=True, percent_as_text=True, rate=0.3, seed=5),
    "totals_and_blank_rows": Mess(totals_row=True, blank_rows=True, seed=3),
    "excel_tables": Mess(excel_tables=True, totals_row=True, title_rows=frozenset({"deals", "leads"})),
    "wide_targets": Mess(wide_targets=True, title_rows=frozenset({"targets"})),
    "name_noise_and_splits": Mess(name_noise=True, stage_synonyms=True, rate=0.15, seed=9),
    "everything": Mess(title_rows=True, totals_row=True, blank_rows=True, text_dates=True, text_amounts=True,
                       name_noise=True, stage_synonyms=True, excel_tables=frozenset({"activities", "team"}),
                       wide_targets=True, header_row={"customers": 5}, percent_as_text=True, rate=0.1, seed=4),
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_messy_variant_reads_back_to_the_truth(tmp_path, truth, variant, lang):
    mess = VARIANTS[variant]
    path = tmp_path / f"{variant}_{lang}.xlsx"
    sample.write_workbook(truth, path, lang, mess=mess)
    ds = assert_reads_back(path, truth, lang, mess)
    codes = {i.code for i in ds.quality}
    if mess.totals_row:
        assert "totals_row" in codes
    if mess.blank_rows:
        assert "blank_rows" in codes
    if mess.text_dates:
        assert "text_converted_date" in codes
    if mess.text_amounts:
        assert "text_converted_money" in codes
    if mess.name_noise:
        assert "name_folded" in codes
    if mess.wide_targets:
        assert "wide_layout" in codes
    assert "splits_read" in codes  # the truth always has split deals, written in the rep cells


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_example_workbooks_read_back_to_the_truth(lang, example_fr, example_en):
    path = example_fr if lang == "fr" else example_en
    if not path.exists():
        pytest.fail(f"{path} missing: run examples/generate.py")
    assert_reads_back(path, sample.build_truth(), lang, Mess.realistic(lang))


def test_tables_argument_reads_only_what_is_asked(tmp_path, truth):
    path = tmp_path / "w.xlsx"
    sample.write_workbook(truth, path, "fr", mess=Mess())
    seen: list[str] = []
    ds = read_workbook(path, tables=["deals", "targets"], progress=seen.append)
    assert set(ds.tables) == {"deals", "targets", "splits"}
    read_sheets = [m for m in seen if m.startswith("lecture de la feuille")]
    assert read_sheets == ["lecture de la feuille Affaires", "lecture de la feuille Objectifs"]
    expected = sample.as_read(truth, "fr", Mess())
    pd.testing.assert_frame_equal(ds.tables["deals"], conform("deals", expected["deals"]))
