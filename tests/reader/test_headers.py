"""Headers -> fields by synonyms, header rows, and which sheet becomes which table."""

from __future__ import annotations

import datetime as dt

import pytest

from kpis import vocab
from kpis.reader import read_workbook
from kpis.reader.headers import match_table, sheet_name_scores
from kpis.schema import TABLES

from .helpers import issues, write_xlsx


@pytest.mark.parametrize("table, header, field", [
    ("deals", "Montant HT (€)", "amount"), ("deals", "MONTANT HT", "amount"), ("deals", "Date de signature", "close_date"),
    ("deals", "Commercial", "rep"), ("deals", "Étape", "stage"), ("deals", "etape", "stage"), ("deals", "Owner", "rep"),
    ("deals", "Close date", "close_date"), ("deals", "N° affaire", "deal_id"), ("deals", "Probabilité (%)", "probability"),
    ("deals", "Date de clôture prévue", "expected_close_date"), ("deals", "Nom du commercial", "rep"),
    ("deals", "close_date", "close_date"), ("deals", "Deal ID", "deal_id"), ("activities", "Type d'activité", "type"),
    ("activities", "Résultat", "outcome"), ("leads", "Premier contact", "first_contact_at"), ("leads", "Created", "created_at"),
    ("customers", "MRR (€)", "mrr"), ("customers", "Date de résiliation", "end_date"), ("targets", "Objectif (€)", "quota"),
    ("team", "Date d'embauche", "hire_date"), ("surveys", "Note NPS", "score"), ("spend", "Canal", "channel"),
])
def test_header_synonyms(table, header, field):
    m = match_table(table, {0: header})
    assert m.columns == {field: 0}


def test_exact_headers_win_over_partial_ones():
    m = match_table("deals", {0: "Date", 1: "Date de création", 2: "Date de signature prévue", 3: "Montant remisé", 4: "Montant"})
    assert m.columns["created_date"] == 1
    assert m.columns["close_date"] == 0
    assert m.columns["expected_close_date"] == 2
    assert m.columns["amount"] == 4


def test_each_column_and_field_used_once():
    m = match_table("deals", {0: "Commercial", 1: "Commercial", 2: "Étape"})
    assert m.columns == {"rep": 0, "stage": 2}


def test_wide_layout_is_recognised_for_targets():
    headers = {0: "Commercial", 1: "janv. 2026", 2: "2026-02", 3: dt.datetime(2026, 3, 1), 4: "Total"}
    m = match_table("targets", headers)
    assert m.wide and sorted(m.months) == [1, 2, 3] and m.columns == {"rep": 0} and m.eligible


def test_sheet_name_bonus():
    assert sheet_name_scores("Affaires")["deals"] == 4
    assert sheet_name_scores("Suivi des affaires 2026")["deals"] == 2
    assert sheet_name_scores("Opportunités")["deals"] == 4
    assert "deals" not in sheet_name_scores("Feuil1")


def test_every_vocabulary_entry_is_plain_data():
    for table, fields in vocab.HEADERS.items():
        assert table in TABLES
        for f, words in fields.items():
            assert f in TABLES[table].field_names, f"{table}.{f}"
            assert all(isinstance(w, str) and w for w in words)
    for words in (vocab.STAGES, vocab.ACTIVITY_TYPES, vocab.ACTIVITY_OUTCOMES, vocab.LEAD_STAGES, vocab.LEAD_RESPONSES,
                  vocab.DEAL_TYPES, vocab.SPEND_CATEGORIES, vocab.ROLES):
        assert all(isinstance(w, str) for ws in words.values() for w in ws)


def test_sheets_are_assigned_by_headers_whatever_their_names(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {
        "Feuil1": [["Date", "Commercial", "Type", "Résultat"], [dt.date(2026, 10, 1), "Alice", "Appel", "Fait"]],
        "Feuil2": [["Client", "Commercial", "Montant", "Étape", "Date de signature"],
                   ["ACME", "Alice", 1000, "Gagné", dt.date(2026, 10, 2)]],
        "Feuil3": [["Notes libres"], ["rien à lire ici"]],
    })
    ds = read_workbook(path)
    assert set(ds.tables) == {"activities", "deals"}
    assert ds.sources == {"activities": "Feuil1!A1:D2", "deals": "Feuil2!A1:E2"}
    assert [i.sheet for i in issues(ds, "sheet_unused")] == ["Feuil3"]


def test_header_row_found_below_titles_notes_and_blank_rows(tmp_path):
    path = write_xlsx(tmp_path / "w.xlsx", {"Ventes": [
        ["Suivi commercial 2026"], ["Mis à jour le 15/10/2026"], [], [None, "Légende : montants en euros"], [],
        [None, None, "N° affaire", "Client", "Commercial", "Montant HT (€)", "Étape"],
        [None, None, 1, "ACME", "Alice", 500, "Gagné"],
    ]}, merged={"Ventes": ["A1:F1"]})
    ds = read_workbook(path)
    assert ds.sources["deals"] == "Ventes!C6:G7"
    assert ds.tables["deals"]["deal_id"].tolist() == ["1"]


def test_the_same_table_on_two_sheets_is_read_from_both(tmp_path):
    # more in test_multi_sheet.py; without ids, no row is taken for a copy of another
    rows = [["Client", "Commercial", "Montant", "Étape"], ["A", "Alice", 1, "Gagné"]]
    path = write_xlsx(tmp_path / "w.xlsx", {"Affaires 2025": rows, "Affaires 2026": rows + [["B", "Bruno", 2, "Perdu"]]})
    ds = read_workbook(path)
    assert ds.tables["deals"]["account"].tolist() == ["A", "A", "B"]
    assert not issues(ds, "duplicate_source")
    assert [i.sheet for i in issues(ds, "sheet_appended")] == ["Affaires 2026"]


def test_recognition_document_is_up_to_date():
    from kpis.reader.recognition_doc import DOC_PATH, document

    assert DOC_PATH.read_text(encoding="utf-8") == document(), (
        "docs/recognition.md is stale: run `python -m kpis.reader.recognition_doc docs/recognition.md`"
    )
