"""File handling: CSV exports, unsupported and broken files, and the source never being modified."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile

import pytest

from kpis.reader import ReadError, read_workbook

from .helpers import assert_table, frame, ts, write_xlsx


def test_french_csv_semicolons_cp1252(tmp_path):
    text = ("N° affaire;Client;Commercial;Montant HT (€);Date de signature;Étape\r\n"
            "1001;Société Générale;Émilie Laurent;12 500,00 €;15/10/2026;Gagné\r\n"
            "1002;Café du Port;emilie laurent;1 250,5;;Négociation\r\n"
            "Total;;;13 750,50 €;;\r\n")
    path = tmp_path / "affaires.csv"
    path.write_bytes(text.encode("cp1252"))
    ds = read_workbook(path)
    expected = frame("deals", deal_id=["1001", "1002"], account=["Société Générale", "Café du Port"],
                     rep=["Émilie Laurent", "Émilie Laurent"], stage=["Gagné", "Négociation"], amount=[12500.0, 1250.5],
                     close_date=[ts("2026-10-15"), None], status=["won", "open"])
    assert_table(ds.tables["deals"], expected)
    assert ds.sources["deals"] == "affaires.csv"
    # In a CSV every cell is text: conversions from text are not worth a note; the totals row is.
    codes = {i.code for i in ds.quality}
    assert "text_converted_money" not in codes and "totals_row" in codes


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_english_csv_commas(tmp_path, encoding):
    text = ('Date,Sales rep,Activity type,Outcome,Deal ID\n'
            '2026-10-01,Alice Martin,Call,Completed,1001\n'
            '"Oct 2, 2026",Bruno Lefèvre,Meeting,Canceled,\n')
    path = tmp_path / "activities.csv"
    path.write_bytes(text.encode(encoding))
    ds = read_workbook(path)
    expected = frame("activities", date=[ts("2026-10-01"), ts("2026-10-02")], rep=["Alice Martin", "Bruno Lefèvre"],
                     type=["call", "meeting"], outcome=["done", "canceled"], deal_id=["1001", None])
    assert_table(ds.tables["activities"], expected)


def test_big_csv_of_iso_dates(tmp_path):
    lines = ["date;commercial;type"] + [f"2026-{1 + i % 12:02d}-{1 + i % 28:02d};Rep {i % 5};Appel" for i in range(5000)]
    path = tmp_path / "a.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    a = read_workbook(path).tables["activities"]
    assert len(a) == 5000 and a["date"].iloc[13] == ts("2026-02-14") and a["type"].eq("call").all()


@pytest.mark.parametrize("name", ["suivi.pdf", "suivi"])
def test_unsupported_files(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"whatever")
    with pytest.raises(ReadError) as e:
        read_workbook(path)
    assert e.value.exit_code == 2
    assert "non pris en charge" in e.value.message("fr") and "unsupported" in e.value.message("en")


@pytest.mark.parametrize("name", ["suivi.xls", "suivi.ods"])
def test_text_under_a_workbook_name_is_read_as_csv_and_said(tmp_path, name):
    """Excel "xls" exports that are really text are common: read, and the real kind named."""
    path = tmp_path / name
    path.write_bytes("N° affaire;Client;Commercial;Montant;Étape\n1;A;Alice;10;Gagné\n".encode("cp1252"))
    ds = read_workbook(path)
    assert len(ds.tables["deals"]) == 1
    note = next(i for i in ds.quality if i.code == "kind_mismatch")
    assert "fichier texte" in note.reason("fr") and "text file" in note.reason("en")


def test_missing_file(tmp_path):
    with pytest.raises(ReadError) as e:
        read_workbook(tmp_path / "absent.xlsx")
    assert e.value.exit_code == 2 and "introuvable" in str(e.value) and "not found" in e.value.message("en")


@pytest.mark.parametrize("content", [b"not a zip at all", b"PK\x03\x04broken", b""])
def test_corrupt_files(tmp_path, content):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(ReadError) as e:
        read_workbook(path)
    assert e.value.exit_code == 2


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReadError):
        read_workbook(path)


def test_password_protected_workbook_is_named_as_such(tmp_path):
    from .hostile import ole_file

    path = ole_file(tmp_path / "secret.xlsx", {"EncryptionInfo": b"\4\0\4\0", "EncryptedPackage": b"\0" * 5000})
    with pytest.raises(ReadError) as e:
        read_workbook(path)
    assert e.value.reason == "encrypted_file" and "mot de passe" in str(e.value)


def test_source_workbook_is_never_modified(tmp_path, example_fr):
    path = tmp_path / "copy.xlsx"
    if example_fr.exists():
        shutil.copy2(example_fr, path)
    else:
        write_xlsx(path, {"Affaires": [["Client", "Étape"], ["A", "Gagné"]]})
    old = dt.datetime(2020, 1, 1).timestamp()
    os.utime(path, (old, old))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_workbook(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.xlsx"]  # no lock or temp file left


def test_xlsm_is_read(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", {"Affaires": [["Client", "Étape", "Montant"], ["A", "Gagné", 5]]})
    macro = tmp_path / "m.xlsm"
    path.rename(macro)
    assert read_workbook(macro).tables["deals"]["amount"].tolist() == [5.0]


def test_the_add_ins_own_sheets_are_not_read_as_input(tmp_path):
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName

    wb = Workbook()
    ws = wb.active
    ws.title = "Affaires"
    ws.append(["Client", "Étape", "Montant"])
    ws.append(["A", "Gagné", 1])
    out = wb.create_sheet("KPI - Commerciaux")  # results the add-in wrote, marked as its own
    out.append(["Commercial", "Date", "Type", "Résultat"])
    out.append(["Alice", dt.date(2026, 1, 1), "Appel", "Fait"])
    out.defined_names["kpis_reps"] = DefinedName("kpis_reps", attr_text="'KPI - Commerciaux'!$A$1")
    wb.save(tmp_path / "w.xlsx")
    ds = read_workbook(tmp_path / "w.xlsx")
    assert set(ds.tables) == {"deals"}
    assert all(i.sheet != "KPI - Commerciaux" for i in ds.quality)
