"""Hostile and unusual files, built here: each one answered with the right exit code, a message in
French and in English (never a traceback or a raw library text alone), and the file left unchanged.

Exit codes (docs/errors.md): 0 read, nothing lost; 1 rows skipped or formulas without a saved result;
2 the file cannot be read, is empty or holds no tracking table.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kpis.cli import app
from kpis.reader import read_workbook
from kpis.reader import package

from .hostile import (SHEET1, add_row, base_workbook, deals_rows, error_cell, lying_sizes, ole_file, patch_part,
                      set_cell, zip_bomb)

EXCEL_ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#BUSY!"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"


def validate(path: Path, lang: str, *extra: str):
    r = CliRunner().invoke(app, ["validate", str(path), "--lang", lang, *extra])
    assert "Traceback" not in r.output and not isinstance(r.exception, (AssertionError, TypeError, KeyError)), r.output
    return r


def check(path: Path, code: int, fr: str | None = None, en: str | None = None, *extra: str) -> tuple[str, str]:
    """validate in both languages: exit ``code``, the texts present, the file's bytes unchanged."""
    before = sha(path)
    outs = []
    for lang, text in (("fr", fr), ("en", en)):
        r = validate(path, lang, *extra)
        assert r.exit_code == code, (lang, r.exit_code, r.output)
        machine = validate(path, lang, "--format", "csv", *extra)  # reasons unfolded, one per line
        assert machine.exit_code == code
        if text:
            assert text in r.output.replace("\n", " ") or text in machine.output, (lang, r.output)
        outs.append(r.output + machine.output)
    assert sha(path) == before
    return outs[0], outs[1]


# -- files that are not workbooks, or damaged ones ---------------------------------------------------

def test_random_bytes(tmp_path):
    path = tmp_path / "suivi.xlsx"
    path.write_bytes(bytes(range(256)) * 40)
    check(path, 2, "fichier binaire de type inconnu", "binary file of unknown type")


def test_a_directory(tmp_path):
    path = tmp_path / "suivi.xlsx"
    path.mkdir()
    check(path, 2, "c'est un dossier", "it is a folder")


def test_empty_file_and_blank_csv(tmp_path):
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    check(empty, 2, "est vide", "is empty")
    blank = tmp_path / "blanc.csv"
    blank.write_bytes(b"\xef\xbb\xbf\r\n  \r\n")
    check(blank, 2, "est vide", "is empty")


def test_truncated_zip(tmp_path):
    full = base_workbook(tmp_path / "full.xlsx")
    path = tmp_path / "tronque.xlsx"
    path.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    fr, en = check(path, 2, "endommagé", "damaged")
    assert "endommagé" not in en


def test_damaged_part_inside_a_valid_zip(tmp_path):
    """A part whose compressed bytes are flipped: the CRC or inflate fails, the message says damaged."""
    full = base_workbook(tmp_path / "full.xlsx")
    data = bytearray(full.read_bytes())
    with zipfile.ZipFile(full) as z:
        info = z.getinfo(SHEET1)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for k in range(start + 10, start + 60):
        data[k] ^= 0x5A
    path = tmp_path / "abime.xlsx"
    path.write_bytes(bytes(data))
    check(path, 2, "endommagé", "damaged")


def test_word_document_renamed(tmp_path):
    path = tmp_path / "suivi.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    check(path, 2, "document Word", "Word document")


def test_html_saved_as_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>Client</td></tr></table></body></html>", encoding="utf-8")
    check(path, 2, "page web (HTML)", "web page (HTML)")


def test_password_protected_ooxml(tmp_path):
    path = ole_file(tmp_path / "secret.xlsx", {"EncryptionInfo": b"\4\0\4\0", "EncryptedPackage": b"\0" * 5000})
    check(path, 2, "mot de passe", "password-protected")


def test_other_ole_document_is_not_called_password_protected(tmp_path):
    path = ole_file(tmp_path / "note.xls", {"WordDocument": b"\0" * 10})
    fr, en = check(path, 2, "document Office ancien", "old Office document")
    assert "password" not in en


def test_damaged_ole_workbook_says_damaged_not_password(tmp_path):
    path = tmp_path / "vieux.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    fr, en = check(path, 2, "endommagé", "damaged")
    assert "password" not in en and "mot de passe" not in fr


# -- bounded cost ----------------------------------------------------------------------------------------

def test_zip_bomb_by_ratio(tmp_path):
    path = zip_bomb(tmp_path / "bombe.xlsx", inflated=64 * 2**20)
    assert path.stat().st_size < 2**20
    check(path, 2, "démesuré", "unreasonable size")


def test_zip_bomb_with_lying_sizes(tmp_path):
    """The central directory declares 1000 bytes: the part is inflated as a stream and caught."""
    path = lying_sizes(tmp_path / "menteur.xlsx")
    with zipfile.ZipFile(path) as z:
        assert z.getinfo(SHEET1).file_size == 1000
    check(path, 2, "endommagé", "damaged")


def test_total_inflated_size_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(package, "MAX_TOTAL_BYTES", 4000)
    path = base_workbook(tmp_path / "total.xlsx")
    check(path, 2, "démesuré", "unreasonable size")


@pytest.mark.parametrize("ref,row", [("XFD1048576", 1048576), ("Z1048576", 1048576), ("CV500000", 500000)])
def test_one_stray_value_far_away_is_left_out_and_said(tmp_path, ref, row):
    """A 10-row sheet with one value at XFD1048576: read by the data's extent, the stray cell reported."""
    base = base_workbook(tmp_path / "base.xlsx")
    path = patch_part(base, tmp_path / "loin.xlsx", SHEET1, lambda x: add_row(x, row, f'<c r="{ref}"><v>1</v></c>'))
    ds = read_workbook(path)
    assert len(ds.tables["deals"]) == 10
    stray = next(i for i in ds.quality if i.code == "stray_cells")
    assert ref in stray.reason("en") and "A1:" in stray.reason("en") and "11" in stray.params["range"]
    check(path, 0, "isolée(s) très loin", "stray cell(s) far from the data")


def test_stray_empty_inline_string_far_away(tmp_path):
    """An empty inline string at XFD1048576 made the library allocate the whole sheet and abort."""
    base = base_workbook(tmp_path / "base.xlsx")
    cell = '<c r="XFD1048576" t="inlineStr"><is><t></t></is></c>'
    path = patch_part(base, tmp_path / "vide_loin.xlsx", SHEET1, lambda x: add_row(x, 1048576, cell))
    assert len(read_workbook(path).tables["deals"]) == 10


def test_a_dense_sheet_beyond_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(package, "MAX_AREA", 30)
    monkeypatch.setattr(package, "MAX_SHEET_CELLS", 30)  # the refusal limit (MAX_AREA: where cells are placed one by one)
    path = base_workbook(tmp_path / "grand.xlsx")
    check(path, 2, "cellules", "cells")


def test_workbook_part_at_the_zip_root(tmp_path):
    """``workbook.xml`` at the root of the package (found through _rels/.rels): read, or refused
    with a message -- never a panic."""
    base = base_workbook(tmp_path / "base.xlsx")
    path = tmp_path / "racine.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data, name = zin.read(info.filename), info.filename
            if name == "xl/workbook.xml":
                name = "workbook.xml"
            elif name == "_rels/.rels":
                data = data.replace(b"xl/workbook.xml", b"workbook.xml")
            elif name == "[Content_Types].xml":
                data = data.replace(b"/xl/workbook.xml", b"/workbook.xml")
            elif name == "xl/_rels/workbook.xml.rels":
                name = "_rels/workbook.xml.rels"
                data = data.replace(b'Target="/xl/', b'Target="xl/').replace(b'Target="', b'Target="xl/')
                data = data.replace(b'Target="xl/xl/', b'Target="xl/')
            zout.writestr(name, data)
    before = sha(path)
    for lang in ("fr", "en"):
        r = validate(path, lang)
        assert r.exit_code in (0, 2), r.output
    assert sha(path) == before


# -- nothing silent ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("error", EXCEL_ERRORS)
def test_excel_error_in_an_amount_is_reported_not_fatal(tmp_path, error):
    base = base_workbook(tmp_path / "base.xlsx")
    path = patch_part(base, tmp_path / "erreur.xlsx", SHEET1, lambda x: set_cell(x, "D4", error_cell("D4", error)))
    ds = read_workbook(path)
    deals = ds.tables["deals"]
    assert len(deals) == 10 and deals["amount"].isna().sum() == 1  # D4 = the 3rd deal's amount, left empty
    issue = next(i for i in ds.quality if i.code == "excel_error")
    assert (issue.sheet, issue.row, issue.column, issue.value, issue.action) == ("Affaires", 4, "Montant", error, "left_empty")
    fr, en = check(path, 0, f"erreur Excel {error}", f"Excel error value {error}")


def test_unknown_error_on_an_unrelated_sheet_leaves_the_file_readable(tmp_path):
    base = base_workbook(tmp_path / "base.xlsx", extra={"Notes": [["Remarque"], [1]]})
    path = patch_part(base, tmp_path / "spill.xlsx", "xl/worksheets/sheet2.xml",
                      lambda x: set_cell(x, "A2", error_cell("A2", "#SPILL!")))
    assert len(read_workbook(path).tables["deals"]) == 10
    check(path, 0)


def test_error_in_a_rep_name_is_not_a_name(tmp_path):
    base = base_workbook(tmp_path / "base.xlsx")
    path = patch_part(base, tmp_path / "nom.xlsx", SHEET1, lambda x: set_cell(x, "C3", error_cell("C3", "#N/A")))
    ds = read_workbook(path)
    assert "#N/A" not in set(ds.tables["deals"]["rep"].dropna())
    assert any(i.code == "excel_error" and i.row == 3 for i in ds.quality)


def test_error_text_in_a_csv_export(tmp_path):
    path = tmp_path / "affaires.csv"
    path.write_bytes("N° affaire;Client;Commercial;Montant;Étape\n1;A;Alice;#N/A;Gagné\n2;B;Alice;#VALEUR!;Gagné\n".encode("cp1252"))
    ds = read_workbook(path)
    assert [i.value for i in ds.quality if i.code == "excel_error"] == ["#N/A", "#VALEUR!"]


def test_formulas_without_cached_values_exit_1_with_the_fix(tmp_path):
    """openpyxl writes formulas without their results: revenue would silently be 0."""
    rows = deals_rows(3)
    rows[2][3] = "=100*2"  # Excel row 3: the amount is a formula nobody computed
    path = base_workbook(tmp_path / "script.xlsx", rows)
    ds = read_workbook(path)
    cell = next(i for i in ds.quality if i.code == "formula_no_value")
    assert (cell.row, cell.column, cell.value, cell.severity) == (3, "Montant", "=100*2", "error")
    check(path, 1, "ouvrez-le et enregistrez-le dans Excel ou LibreOffice", "open and save the workbook in Excel or LibreOffice")


def test_duplicated_headers_are_reported(tmp_path):
    rows = [h[:] for h in deals_rows(2)]
    rows[0].append("Montant")
    for r in rows[1:]:
        r.append(5)
    path = base_workbook(tmp_path / "double.xlsx", rows)
    ds = read_workbook(path)
    dup = next(i for i in ds.quality if i.code.startswith("duplicate_header"))
    assert "D, G" in dup.reason("en")
    check(path, 0, "en double", "appears twice")


@pytest.mark.parametrize("link,code,fr,en", [
    ("<externalBook/>", "external_links", "liens ne sont pas suivis", "links are not followed"),
    ('<ddeLink ddeService="Excel" ddeTopic="C:\\Ventes\\autre.xls"/>', "dde_links", "liaisons DDE", "DDE links"),
])
def test_external_links_are_read_by_cached_value_and_reported(tmp_path, link, code, fr, en):
    base = base_workbook(tmp_path / "base.xlsx")
    path = tmp_path / "lien.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == SHEET1:
                data = set_cell(data.decode(), "D2", '<c r="D2"><f>[1]Feuil1!A1</f><v>777</v></c>').encode()
            zout.writestr(info.filename, data)
        zout.writestr("xl/externalLinks/externalLink1.xml",
                      f'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{link}</externalLink>')
        zout.writestr("xl/externalLinks/_rels/externalLink1.xml.rels",
                      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                      'externalLinkPath" Target="file:///C:/Ventes/autre.xlsx" TargetMode="External"/></Relationships>')
    ds = read_workbook(path)
    assert ds.tables["deals"]["amount"].iloc[0] == 777
    codes = {i.code for i in ds.quality}
    assert {code, "external_formulas"} <= codes
    check(path, 0, fr, en)


# -- more files --------------------------------------------------------------------------------------------

CSV_TEXT = "N° affaire\tClient\tCommercial\tMontant\tÉtape\r\n1\tSociété A\tÉmilie\t12,5\tGagné\r\n2\tB\tÉmilie\t3\tPerdu\r\n"


@pytest.mark.parametrize("encoding,bom,sep", [
    ("utf-16-le", b"\xff\xfe", "\t"),  # Excel's "Unicode text"
    ("utf-16-be", b"\xfe\xff", "\t"),
    ("utf-16-le", b"", "\t"),
    ("utf-8", b"\xef\xbb\xbf", ";"),
    ("utf-8", b"", ","),
    ("cp1252", b"", ";"),
])
def test_csv_encodings_and_delimiters(tmp_path, encoding, bom, sep):
    text = CSV_TEXT.replace("\t", sep).replace("12,5", '"12,5"' if sep == "," else "12,5")
    path = tmp_path / "affaires.csv"
    path.write_bytes(bom + text.encode(encoding))
    deals = read_workbook(path).tables["deals"]
    assert list(deals["account"]) == ["Société A", "B"] and list(deals["rep"]) == ["Émilie", "Émilie"]
    assert list(deals["amount"]) == [12.5, 3.0]


def test_csv_with_no_table_exits_2_and_says_how_to_map(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("Remarque;Auteur\nbonne année;moi\n", encoding="utf-8")
    check(path, 2, "[mapping]", "[mapping]")


def test_empty_workbook_exits_2(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "vide.xlsx"
    Workbook().save(path)
    check(path, 2, "aucune donnée", "holds no data")


def test_compute_on_a_file_without_table_exits_2_not_73_rows_of_na(tmp_path):
    path = base_workbook(tmp_path / "rien.xlsx", [["Remarque", "Auteur"], ["bonne année", "moi"]])
    for lang, text in (("fr", "aucune table de suivi"), ("en", "no tracking table")):
        r = CliRunner().invoke(app, ["compute", str(path), "--lang", lang, "--period", "2026-10"])
        assert r.exit_code == 2 and text in r.output and "n/a" not in r.output, r.output


def test_open_errors_follow_lang_en(tmp_path):
    path = tmp_path / "tronque.xlsx"
    path.write_bytes(base_workbook(tmp_path / "b.xlsx").read_bytes()[:300])
    for verb in (["validate"], ["compute", "--period", "2026-10"]):
        r = CliRunner().invoke(app, [*verb, str(path), "--lang", "en"])
        assert r.exit_code == 2 and "damaged" in r.output and "endommagé" not in r.output, r.output


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_xls_and_ods_are_read_and_a_renamed_one_is_named(tmp_path, fmt):
    from tests.helpers.libreoffice import convert

    base = base_workbook(tmp_path / "suivi.xlsx")
    converted = convert(base, fmt, tmp_path / "out")
    ds = read_workbook(converted)
    assert len(ds.tables["deals"]) == 10
    renamed = tmp_path / "vraiment.xlsx"
    renamed.write_bytes(converted.read_bytes())
    ds = read_workbook(renamed)
    assert len(ds.tables["deals"]) == 10
    note = next(i for i in ds.quality if i.code == "kind_mismatch")
    assert (".xls" if fmt == "xls" else ".ods") in note.reason("en")
    check(renamed, 0, "en réalité", "is really")
    assert os.path.exists(converted)


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt,ref,row", [("xls", "IV65536", 65536), ("ods", "Z1048576", 1048576)])
def test_stray_cell_in_an_xls_or_ods_is_refused_before_allocating(tmp_path, fmt, ref, row):
    """IV65536 in a 10-row .xls: 16 million cells (1.3 GB) if handed over; refused with the extent."""
    from tests.helpers.libreoffice import convert

    base = base_workbook(tmp_path / "base.xlsx")
    stray = patch_part(base, tmp_path / "loin.xlsx", SHEET1, lambda x: add_row(x, row, f'<c r="{ref}"><v>1</v></c>'))
    converted = convert(stray, fmt, tmp_path / "out")
    check(converted, 2, ref, ref)


def _biff12(rtype: int, body: bytes) -> bytes:
    """One BIFF12 record: type and size as 7-bit varints, then the body."""
    head = bytes([rtype]) if rtype < 128 else bytes([(rtype & 0x7F) | 0x80, rtype >> 7])
    size, out = len(body), b""
    while True:
        b = size & 0x7F
        size >>= 7
        out += bytes([b | (0x80 if size else 0)])
        if not size:
            return head + out + body


def test_xlsb_extent_walker_finds_the_farthest_cell():
    from kpis.reader.binary_extent import _biff12_extent

    def row(r: int) -> bytes:
        return _biff12(0, struct.pack("<I", r) + b"\0" * 13)

    def num(c: int) -> bytes:  # BrtCellReal: column, style, value
        return _biff12(5, struct.pack("<II", c, 0) + struct.pack("<d", 1.0))

    data = _biff12(0x93, b"\0" * 200) + row(0) + num(0) + num(3) + row(9) + num(2) + _biff12(1, struct.pack("<II", 99, 0))
    assert _biff12_extent(data) == (9, 3)  # the blank cell (type 1) in column 99 holds no value
    assert _biff12_extent(data + row(1048575) + num(16383)) == (1048575, 16383)
