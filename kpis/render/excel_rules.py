"""The rules Excel enforces on a workbook that no XML schema catches, checked on the file's parts.

A file can be schema-valid and still make Excel offer to "repair" it (and drop what it does not
like). :func:`check_package` reads the package (``.xlsx``/``.xlsm``/``.xlam``) part by part, as
Excel does -- not through openpyxl, which silently fixes or drops some of these -- and lists:

- sheet names: 1 to 31 characters, none of ``[]:*?/\\``, not starting or ending with ``'``,
  unique ignoring case;
- tables: names (and display names) unique across the workbook and distinct from defined names,
  ids unique, a name that is a valid Excel name, one ``tableColumn`` per column of the range with
  unique names, each header cell's text equal to its column's name (Excel renames the column
  otherwise), no table overlapping another table or a merged range;
- merged ranges: at least two cells each, none overlapping another;
- defined names: valid Excel names (letters, digits, ``_ . \\ ?``; not a cell reference), unique
  per scope, a sheet scope that exists, no reference to a missing sheet nor ``#REF!``;
- conditional formats and data validations: every ``sqref`` range a valid A1 range of the grid,
  each conditional format's ``dxfId`` in range of the styles' ``dxfs``;
- sheet views: at most one ``<selection>`` per pane, only panes that the split creates, a frozen
  pane whose ``topLeftCell`` lies below/right of the split and whose ``activePane`` exists;
- cells: style indexes (``s=``) in range of ``cellXfs``, shared-string indexes in range of the
  shared strings.

Each problem is a :class:`Finding` naming the part, the sheet and the cell or range, with a message
in French and English. Bounded: parts larger than :data:`MAX_PART_BYTES` are not read (and said so).
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from xml.etree import ElementTree as ET

from kpis import i18n

MAX_PART_BYTES = 64 * 1024 * 1024
MAX_ROWS, MAX_COLS = 1_048_576, 16_384
FINDINGS_PER_KIND = 5  # per sheet and kind of cell problem: a flood of identical findings helps nobody

R_OFFICE_DOC = "/officeDocument"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

MESSAGES = {
    "sheet_name_length": {"en": "sheet name '{name}' has {n} characters (Excel allows 1 to 31) ({part})",
                          "fr": "le nom de feuille '{name}' a {n} caractères (Excel en accepte de 1 à 31) ({part})"},
    "sheet_name_chars": {"en": "sheet name '{name}' contains {chars} (not allowed by Excel: [ ] : * ? / \\) ({part})",
                         "fr": "le nom de feuille '{name}' contient {chars} (refusé par Excel : [ ] : * ? / \\) ({part})"},
    "sheet_name_quote": {"en": "sheet name '{name}' starts or ends with an apostrophe ({part})",
                         "fr": "le nom de feuille '{name}' commence ou finit par une apostrophe ({part})"},
    "sheet_name_duplicate": {"en": "two sheets are named '{name}' (Excel ignores case) ({part})",
                             "fr": "deux feuilles s'appellent '{name}' (Excel ignore la casse) ({part})"},
    "table_name_duplicate": {"en": "table name '{name}' is used twice ({part})",
                             "fr": "le nom de tableau '{name}' est utilisé deux fois ({part})"},
    "table_name_invalid": {"en": "table name '{name}' is not a valid Excel name ({part})",
                           "fr": "le nom de tableau '{name}' n'est pas un nom Excel valide ({part})"},
    "table_id_duplicate": {"en": "table id {id} is used twice ({part})",
                           "fr": "l'identifiant de tableau {id} est utilisé deux fois ({part})"},
    "table_columns_count": {"en": "table '{name}' spans {width} columns but lists {n} ({part})",
                            "fr": "le tableau '{name}' couvre {width} colonnes mais en déclare {n} ({part})"},
    "table_column_duplicate": {"en": "table '{name}' has two columns named '{column}' ({part})",
                               "fr": "le tableau '{name}' a deux colonnes nommées '{column}' ({part})"},
    "table_header": {"en": "header of table '{name}' reads '{text}' but its column is named '{column}' ({part})",
                     "fr": "l'en-tête du tableau '{name}' contient '{text}' mais sa colonne s'appelle '{column}' ({part})"},
    "table_overlap": {"en": "table '{name}' overlaps table '{other}' ({part})",
                      "fr": "le tableau '{name}' chevauche le tableau '{other}' ({part})"},
    "table_merged": {"en": "table '{name}' contains merged cells {merged} ({part})",
                     "fr": "le tableau '{name}' contient les cellules fusionnées {merged} ({part})"},
    "table_ref": {"en": "table '{name}' has an invalid range '{ref}' ({part})",
                  "fr": "le tableau '{name}' a une plage invalide '{ref}' ({part})"},
    "merged_overlap": {"en": "merged ranges {ref} and {other} overlap ({part})",
                       "fr": "les plages fusionnées {ref} et {other} se chevauchent ({part})"},
    "merged_ref": {"en": "merged range '{ref}' is not a range of at least two cells ({part})",
                   "fr": "la plage fusionnée '{ref}' n'est pas une plage d'au moins deux cellules ({part})"},
    "name_invalid": {"en": "'{name}' is not a valid Excel name ({part})",
                     "fr": "'{name}' n'est pas un nom Excel valide ({part})"},
    "name_duplicate": {"en": "name '{name}' is defined twice in the same scope ({part})",
                       "fr": "le nom '{name}' est défini deux fois dans la même portée ({part})"},
    "name_scope": {"en": "name '{name}' belongs to sheet number {index}, which does not exist ({part})",
                   "fr": "le nom '{name}' appartient à la feuille n° {index}, qui n'existe pas ({part})"},
    "name_ref": {"en": "name '{name}' refers to {target}, which does not exist ({part})",
                 "fr": "le nom '{name}' désigne {target}, qui n'existe pas ({part})"},
    "cf_sqref": {"en": "conditional format on an invalid range '{ref}' ({part})",
                 "fr": "mise en forme conditionnelle sur une plage invalide '{ref}' ({part})"},
    "cf_dxf": {"en": "conditional format on {ref} uses format {index}, but the file has {n} ({part})",
               "fr": "la mise en forme conditionnelle de {ref} utilise le format {index}, le fichier en a {n} ({part})"},
    "dv_sqref": {"en": "data validation on an invalid range '{ref}' ({part})",
                 "fr": "validation des données sur une plage invalide '{ref}' ({part})"},
    "selection_duplicate": {"en": "the sheet view has {n} selections for pane {pane} (at most one) ({part})",
                            "fr": "l'affichage de la feuille a {n} sélections pour le volet {pane} (une au plus) ({part})"},
    "selection_pane": {"en": "the sheet view selects in pane {pane}, which its split does not have ({part})",
                       "fr": "l'affichage de la feuille sélectionne dans le volet {pane}, que sa division n'a pas ({part})"},
    "selection_sqref": {"en": "the selection of pane {pane} is an invalid range '{ref}' ({part})",
                        "fr": "la sélection du volet {pane} est une plage invalide '{ref}' ({part})"},
    "pane_inconsistent": {"en": "the frozen pane is inconsistent: {detail} ({part})",
                          "fr": "le volet figé est incohérent : {detail} ({part})"},
    "style_index": {"en": "{n} cell(s) use style {index}, but the file has {count} ({part})",
                    "fr": "{n} cellule(s) utilisent le style {index}, le fichier en a {count} ({part})"},
    "shared_string_index": {"en": "{n} cell(s) use shared string {index}, but the file has {count} ({part})",
                            "fr": "{n} cellule(s) utilisent la chaîne partagée {index}, le fichier en a {count} ({part})"},
    "part_missing": {"en": "part {part} is missing", "fr": "la partie {part} est absente"},
    "part_too_large": {"en": "part {part} is too large to check ({size} bytes)",
                       "fr": "la partie {part} est trop grande pour être vérifiée ({size} octets)"},
    "part_unreadable": {"en": "part {part} is not well-formed XML: {error}",
                        "fr": "la partie {part} n'est pas du XML bien formé : {error}"},
}
# Registered under render.excel_* so that a Finding can travel as a template Problem.
i18n.register({f"render.excel_{k}": v for k, v in MESSAGES.items()})


@dataclass(frozen=True)
class Finding:
    """One thing Excel would repair: where (part, sheet, cell or range) and what."""

    part: str
    sheet: str
    ref: str
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def problem_code(self) -> str:
        return f"excel_{self.code}"

    def message(self, lang: str = "en") -> str:
        return i18n.message(f"render.{self.problem_code}", lang, part=self.part, **self.params)

    def format(self, lang: str = "en") -> str:
        where = f"{self.sheet}!{self.ref}" if self.sheet and self.ref else self.sheet or self.ref
        return f"{where}: {self.message(lang)}" if where else self.message(lang)

    def __str__(self) -> str:
        return self.format("en")


# -- A1 references -----------------------------------------------------------------------------------

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def parse_cell(text: str) -> tuple[int, int] | None:
    """``B5`` -> (row 5, column 2); None when it is not a cell of the grid."""
    m = _CELL.match(text)
    if not m:
        return None
    col, row = column_index(m.group(1)), int(m.group(2))
    return (row, col) if 1 <= row <= MAX_ROWS and 1 <= col <= MAX_COLS else None


def parse_range(text: str) -> tuple[int, int, int, int] | None:
    """``A1:C3`` or ``B2`` -> (min_row, min_col, max_row, max_col); None when not a grid range."""
    parts = text.split(":")
    if len(parts) > 2 or not all(parts):
        return None
    cells = [parse_cell(p) for p in parts]
    if any(c is None for c in cells):
        return None
    (r1, c1), (r2, c2) = cells[0], cells[-1]  # type: ignore[misc]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def bad_sqref(sqref: str) -> str | None:
    """The first piece of a space-separated ``sqref`` that is not a grid range (``""`` when empty)."""
    pieces = sqref.split()
    if not pieces:
        return ""
    for piece in pieces:
        if parse_range(piece) is None:
            return piece
    return None


# -- names ---------------------------------------------------------------------------------------------

_R1C1 = re.compile(r"^[Rr]([0-9]*)[Cc]?([0-9]*)$|^[Cc][0-9]*$")
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")


def valid_name(name: str) -> bool:
    """Excel's rule for defined and table names: starts with a letter, ``_`` or ``\\``; then letters,
    digits, ``_ . \\ ?``; at most 255 characters; not a cell reference (``A1``, ``R1C1``, ``R``, ``C``).
    Built-in names (``_xlnm.Print_Titles``) pass."""
    if not name or len(name) > 255:
        return False
    if not (name[0].isalpha() or name[0] in "_\\"):
        return False
    if any(not (ch.isalnum() or ch in "_.\\?") for ch in name[1:]):
        return False
    if parse_cell(name) is not None or _R1C1.match(name):
        return False
    return True


def sheet_name_findings(names: list[str], part: str) -> list[Finding]:
    out: list[Finding] = []
    seen: set[str] = set()
    for name in names:
        if not 1 <= len(name) <= 31:
            out.append(Finding(part, name, "", "sheet_name_length", {"name": name, "n": len(name)}))
        bad = sorted(set(name) & SHEET_NAME_FORBIDDEN)
        if bad:
            out.append(Finding(part, name, "", "sheet_name_chars", {"name": name, "chars": " ".join(bad)}))
        if name.startswith("'") or name.endswith("'"):
            out.append(Finding(part, name, "", "sheet_name_quote", {"name": name}))
        if name.lower() in seen:
            out.append(Finding(part, name, "", "sheet_name_duplicate", {"name": name}))
        seen.add(name.lower())
    return out


_SHEET_REF = re.compile(r"(?:'((?:[^']|'')+)'|([^\s'!=,()+\-*/&^;<>\"{}]+))!")
_STRING = re.compile(r'"(?:[^"]|"")*"')


def referenced_sheets(formula: str) -> list[str]:
    """Sheet names a formula refers to (``'My sheet'!A1``, ``Data!B2:C3``); external ``[1]`` refs skipped."""
    text = _STRING.sub('""', formula)
    out = []
    for m in _SHEET_REF.finditer(text):
        name = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
        if name.startswith("[") or "]" in name:
            continue
        if ":" in name:  # a 3-D reference Sheet1:Sheet3!A1
            out.extend(name.split(":"))
        else:
            out.append(name)
    return out


# -- the package ---------------------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _child(el: ET.Element, name: str) -> ET.Element | None:
    for c in el:
        if _local(c.tag) == name:
            return c
    return None


def _rid(el: ET.Element) -> str | None:
    for k, v in el.attrib.items():
        if _local(k) == "id" and k.startswith("{"):
            return v
    return None


def _index(text: str | None, default: int = -1) -> int:
    """A non-negative integer attribute; ``default`` when absent, -1 when it is not one (``"²"``, ``"x"``)."""
    if text is None:
        return default
    text = text.strip()
    return int(text) if re.fullmatch(r"[0-9]{1,12}", text) else -1


def _number(text: str | None) -> float:
    """A split position (``xSplit``/``ySplit``, a double): 0 when absent or not a number."""
    try:
        value = float(text) if text else 0.0
    except ValueError:
        return 0.0
    return value if value == value and abs(value) != float("inf") else 0.0


def _decode_x(text: str) -> str:
    """``_x000a_`` escapes (how table column names and strings carry control characters) decoded."""
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


class Package:
    """A zip package read part by part, each part's XML parsed on demand (bounded)."""

    def __init__(self, data: bytes):
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = {n for n in self.zip.namelist()}
        self.findings: list[Finding] = []

    def xml(self, part: str) -> ET.Element | None:
        if part not in self.names:
            return None
        info = self.zip.getinfo(part)
        if info.file_size > MAX_PART_BYTES:
            self.findings.append(Finding(part, "", "", "part_too_large", {"size": info.file_size}))
            return None
        try:
            return ET.fromstring(self.zip.read(part))
        except (ET.ParseError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
            self.findings.append(Finding(part, "", "", "part_unreadable", {"error": str(e)}))
            return None

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type suffix, target part) of ``part`` (``""`` for the package)."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        root = self.xml(rels_part)
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root:
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], path)
        return out


def _shared_strings(pkg: Package, part: str | None) -> list[str]:
    root = pkg.xml(part) if part else None
    if root is None:
        return []
    return ["".join(t.text or "" for t in si.iter() if _local(t.tag) == "t" and not _in_phonetic(si, t))
            for si in _children(root, "si")]


def _in_phonetic(si: ET.Element, t: ET.Element) -> bool:
    for rph in si:
        if _local(rph.tag) == "rPh" and t in list(rph.iter()):
            return True
    return False


def _styles(pkg: Package, part: str | None) -> tuple[int | None, int | None]:
    """(number of cellXfs, number of dxfs); None when the file has no styles part."""
    root = pkg.xml(part) if part else None
    if root is None:
        return None, None
    xfs = _child(root, "cellXfs")
    dxfs = _child(root, "dxfs")
    return (len(_children(xfs, "xf")) if xfs is not None else 0), (len(_children(dxfs, "dxf")) if dxfs is not None else 0)


@dataclass
class _Table:
    name: str
    display: str
    id: str
    ref: str
    area: tuple[int, int, int, int] | None
    part: str
    sheet: str
    header_rows: int
    columns: list[str]


def check_package(source: bytes | str | os.PathLike) -> list[Finding]:
    """Every problem Excel would repair in the package ``source`` (bytes or a path)."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    pkg = Package(data)
    root_rels = pkg.rels("")
    wb_part = next((t for typ, t in root_rels.values() if typ == "officeDocument"), None)
    wb = pkg.xml(wb_part) if wb_part else None
    if wb is None:
        pkg.findings.append(Finding(wb_part or "xl/workbook.xml", "", "", "part_missing", {}))
        return pkg.findings
    assert wb_part is not None
    wb_rels = pkg.rels(wb_part)
    by_type = {typ: target for typ, target in wb_rels.values()}
    strings = _shared_strings(pkg, by_type.get("sharedStrings"))
    n_xfs, n_dxfs = _styles(pkg, by_type.get("styles"))
    sheets_el = _child(wb, "sheets")
    sheets = [(s.get("name", ""), wb_rels.get(_rid(s) or "", ("", ""))) for s in (_children(sheets_el, "sheet") if sheets_el is not None else [])]
    names = [name for name, _ in sheets]
    pkg.findings += sheet_name_findings(names, wb_part)
    tables: list[_Table] = []
    for name, (typ, part) in sheets:
        if typ != "worksheet" or part not in pkg.names:
            continue
        tables += _check_sheet(pkg, part, name, strings, n_xfs, n_dxfs)
    _check_tables(pkg, tables)
    _check_names(pkg, wb, wb_part, names, {t.name.lower() for t in tables} | {t.display.lower() for t in tables})
    return pkg.findings


def _cell_text(c: ET.Element, strings: list[str]) -> str | None:
    t = c.get("t", "n")
    if t == "inlineStr":
        is_ = _child(c, "is")
        return "".join(x.text or "" for x in is_.iter() if _local(x.tag) == "t") if is_ is not None else ""
    v = _child(c, "v")
    if v is None or v.text is None:
        return None
    if t == "s":
        i = _index(v.text)
        return strings[i] if 0 <= i < len(strings) else None
    return v.text


def _check_sheet(pkg: Package, part: str, sheet: str, strings: list[str], n_xfs: int | None,
                 n_dxfs: int | None) -> list[_Table]:
    root = pkg.xml(part)
    if root is None:
        return []
    add = pkg.findings.append
    # cells: style and shared-string indexes; the text of every cell, for table headers
    texts: dict[tuple[int, int], str] = {}
    bad_styles: dict[int, list[str]] = {}
    bad_strings: dict[int, list[str]] = {}
    data = _child(root, "sheetData")
    for row in (_children(data, "row") if data is not None else []):
        rs = _index(row.get("s"))
        if n_xfs is not None and rs >= n_xfs and row.get("customFormat") in ("1", "true"):
            bad_styles.setdefault(rs, []).append(f"{row.get('r', '')}:{row.get('r', '')}")
        for c in _children(row, "c"):
            ref = c.get("r", "")
            s = _index(c.get("s"), 0)
            if n_xfs is not None and (s < 0 or s >= n_xfs):
                bad_styles.setdefault(s, []).append(ref)
            if c.get("t") == "s":
                v = _child(c, "v")
                i = _index(v.text if v is not None else None)
                if not 0 <= i < len(strings):
                    bad_strings.setdefault(i, []).append(ref)
            rc = parse_cell(ref)
            if rc is not None:
                text = _cell_text(c, strings)
                if text is not None:
                    texts[rc] = text
    cols = _child(root, "cols")
    for col in (_children(cols, "col") if cols is not None else []):
        s = _index(col.get("style"), 0)
        if n_xfs is not None and (s < 0 or s >= n_xfs):
            bad_styles.setdefault(s, []).append(f"col {col.get('min')}-{col.get('max')}")
    for index, refs in list(bad_styles.items())[:FINDINGS_PER_KIND]:
        add(Finding(part, sheet, refs[0], "style_index", {"index": index, "n": len(refs), "count": n_xfs}))
    for index, refs in list(bad_strings.items())[:FINDINGS_PER_KIND]:
        add(Finding(part, sheet, refs[0], "shared_string_index", {"index": index, "n": len(refs), "count": len(strings)}))
    _check_views(pkg, root, part, sheet)
    merged = _check_merged(pkg, root, part, sheet)
    _check_conditional(pkg, root, part, sheet, n_dxfs)
    dvs = _child(root, "dataValidations")
    for dv in (_children(dvs, "dataValidation") if dvs is not None else []):
        bad = bad_sqref(dv.get("sqref", ""))
        if bad is not None:
            add(Finding(part, sheet, bad, "dv_sqref", {"ref": bad or dv.get("sqref", "")}))
    # tables of this sheet
    tables: list[_Table] = []
    rels = pkg.rels(part)
    tparts = _child(root, "tableParts")
    for tp in (_children(tparts, "tablePart") if tparts is not None else []):
        typ, tpart = rels.get(_rid(tp) or "", ("", ""))
        troot = pkg.xml(tpart) if typ == "table" else None
        if troot is None:
            if tpart and tpart not in pkg.names:
                add(Finding(tpart, sheet, "", "part_missing", {}))
            continue
        tc = _child(troot, "tableColumns")
        t = _Table(name=troot.get("name", ""), display=troot.get("displayName", ""), id=troot.get("id", ""),
                   ref=troot.get("ref", ""), area=parse_range(troot.get("ref", "")), part=tpart, sheet=sheet,
                   header_rows=_index(troot.get("headerRowCount"), 1),
                   columns=[_decode_x(c.get("name", "")) for c in (_children(tc, "tableColumn") if tc is not None else [])])
        tables.append(t)
        _check_table(pkg, t, texts, merged)
    return tables


def _check_table(pkg: Package, t: _Table, texts: dict[tuple[int, int], str], merged: list[tuple[str, tuple]]) -> None:
    add = pkg.findings.append
    if t.area is None:
        add(Finding(t.part, t.sheet, t.ref, "table_ref", {"name": t.display, "ref": t.ref}))
        return
    r1, c1, _, c2 = t.area
    width = c2 - c1 + 1
    if width != len(t.columns):
        add(Finding(t.part, t.sheet, t.ref, "table_columns_count", {"name": t.display, "width": width, "n": len(t.columns)}))
    seen: set[str] = set()
    for column in t.columns:
        if column.lower() in seen:
            add(Finding(t.part, t.sheet, t.ref, "table_column_duplicate", {"name": t.display, "column": column}))
        seen.add(column.lower())
    if t.header_rows:
        for j, column in enumerate(t.columns[:width]):
            text = texts.get((r1, c1 + j), "")
            if text != column:
                ref = _a1(r1, c1 + j)
                add(Finding(t.part, t.sheet, ref, "table_header", {"name": t.display, "text": text, "column": column}))
    for text, area in merged:
        if overlaps(area, t.area):
            add(Finding(t.part, t.sheet, text, "table_merged", {"name": t.display, "merged": text}))


def _a1(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _check_views(pkg: Package, root: ET.Element, part: str, sheet: str) -> None:
    add = pkg.findings.append
    views = _child(root, "sheetViews")
    for view in (_children(views, "sheetView") if views is not None else []):
        pane = _child(view, "pane")
        panes = {"topLeft"}
        if pane is not None:
            x, y = _number(pane.get("xSplit")), _number(pane.get("ySplit"))
            if x:
                panes.add("topRight")
            if y:
                panes.add("bottomLeft")
            if x and y:
                panes.add("bottomRight")
            active = pane.get("activePane", "topLeft")
            if active not in panes:
                add(Finding(part, sheet, "", "pane_inconsistent", {"detail": f"activePane={active}, xSplit={x:g}, ySplit={y:g}"}))
            if pane.get("state") in ("frozen", "frozenSplit"):
                if not x and not y:
                    add(Finding(part, sheet, "", "pane_inconsistent", {"detail": "frozen without a split"}))
                top_left = pane.get("topLeftCell")
                rc = parse_cell(top_left) if top_left else None
                if top_left and (rc is None or rc[0] <= y or rc[1] <= x):
                    add(Finding(part, sheet, top_left, "pane_inconsistent",
                                {"detail": f"topLeftCell={top_left} inside the frozen area (xSplit={x:g}, ySplit={y:g})"}))
        counts: dict[str, int] = {}
        for sel in _children(view, "selection"):
            p = sel.get("pane", "topLeft")
            counts[p] = counts.get(p, 0) + 1
            if p not in panes:
                add(Finding(part, sheet, "", "selection_pane", {"pane": p}))
            sq = sel.get("sqref")
            if sq is not None and bad_sqref(sq) is not None:
                add(Finding(part, sheet, sq, "selection_sqref", {"pane": p, "ref": sq}))
        for p, n in counts.items():
            if n > 1:
                add(Finding(part, sheet, "", "selection_duplicate", {"pane": p, "n": n}))


def _check_merged(pkg: Package, root: ET.Element, part: str, sheet: str) -> list[tuple[str, tuple]]:
    add = pkg.findings.append
    merges = _child(root, "mergeCells")
    out: list[tuple[str, tuple]] = []
    for mc in (_children(merges, "mergeCell") if merges is not None else []):
        ref = mc.get("ref", "")
        area = parse_range(ref)
        if area is None or (area[0] == area[2] and area[1] == area[3]):
            add(Finding(part, sheet, ref, "merged_ref", {"ref": ref}))
            continue
        out.append((ref, area))
    ordered = sorted(out, key=lambda m: (m[1][0], m[1][1]))
    for i, (ref, area) in enumerate(ordered):  # sweep on the first row: only ranges starting above the end can meet
        for other, oarea in ordered[i + 1:]:
            if oarea[0] > area[2]:
                break
            if overlaps(area, oarea):
                add(Finding(part, sheet, ref, "merged_overlap", {"ref": ref, "other": other}))
    return out


def _check_conditional(pkg: Package, root: ET.Element, part: str, sheet: str, n_dxfs: int | None) -> None:
    add = pkg.findings.append
    for cf in _children(root, "conditionalFormatting"):
        sqref = cf.get("sqref", "")
        bad = bad_sqref(sqref)
        if bad is not None:
            add(Finding(part, sheet, bad, "cf_sqref", {"ref": bad or sqref}))
        for rule in _children(cf, "cfRule"):
            dxf = rule.get("dxfId")
            if dxf is not None and n_dxfs is not None and not 0 <= _index(dxf) < n_dxfs:
                add(Finding(part, sheet, sqref, "cf_dxf", {"ref": sqref, "index": dxf, "n": n_dxfs}))


def _check_tables(pkg: Package, tables: list[_Table]) -> None:
    add = pkg.findings.append
    names: dict[str, _Table] = {}
    ids: set[str] = set()
    for t in tables:
        for name in {t.name, t.display}:
            if not valid_name(name):
                add(Finding(t.part, t.sheet, t.ref, "table_name_invalid", {"name": name}))
        for name in {t.name.lower(), t.display.lower()}:
            if name in names and names[name] is not t:
                add(Finding(t.part, t.sheet, t.ref, "table_name_duplicate", {"name": t.display}))
            names[name] = t
        if t.id in ids:
            add(Finding(t.part, t.sheet, t.ref, "table_id_duplicate", {"id": t.id}))
        ids.add(t.id)
    for i, t in enumerate(tables):
        for o in tables[i + 1:]:
            if t.sheet == o.sheet and t.area and o.area and overlaps(t.area, o.area):
                add(Finding(t.part, t.sheet, t.ref, "table_overlap", {"name": t.display, "other": o.display}))


def _check_names(pkg: Package, wb: ET.Element, part: str, sheets: list[str], table_names: set[str]) -> None:
    add = pkg.findings.append
    dns = _child(wb, "definedNames")
    seen: set[tuple[str | None, str]] = set()
    known = {s.lower() for s in sheets}
    for dn in (_children(dns, "definedName") if dns is not None else []):
        name = dn.get("name", "")
        scope = dn.get("localSheetId")
        where = sheets[_index(scope)] if scope is not None and 0 <= _index(scope) < len(sheets) else ""
        if not valid_name(name):
            add(Finding(part, where, "", "name_invalid", {"name": name}))
        if scope is not None and not where:
            add(Finding(part, "", "", "name_scope", {"name": name, "index": scope}))
        key = (scope, name.lower())
        if key in seen:
            add(Finding(part, where, "", "name_duplicate", {"name": name}))
        seen.add(key)
        if scope is None and name.lower() in table_names:
            add(Finding(part, where, "", "table_name_duplicate", {"name": name}))
        formula = dn.text or ""
        if "#REF!" in _STRING.sub('""', formula).upper():
            add(Finding(part, where, "", "name_ref", {"name": name, "target": "#REF!"}))
        for target in referenced_sheets(formula):
            if target.lower() not in known:
                add(Finding(part, where, "", "name_ref", {"name": name, "target": f"'{target}'"}))


def as_problems(findings: Iterable[Finding]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(sheet, cell, problem code, params) for each finding, for :class:`kpis.render.errors.Problems`."""
    return [(f.sheet, f.ref, f.problem_code, {"part": f.part, **f.params}) for f in findings]
