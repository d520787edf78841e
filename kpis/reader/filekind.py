"""What a file really is, from its first bytes and its structure -- never from its extension.

``sniff(path)`` -> a :class:`Kind`: ``xlsx`` (an Office Open XML workbook: .xlsx, .xlsm, .xltx…),
``xlsb``, ``ods``, ``xls`` (BIFF in an OLE compound file), ``csv`` (text), or something the reader
does not read: ``encrypted`` (an OLE file holding an encrypted OOXML package: a password-protected
.xlsx), ``docx``/``pptx``/``zip`` (another kind of zip), ``ole`` (another OLE document: .doc…),
``html`` (a web page saved as .xls), ``xml2003`` (Excel 2003 XML spreadsheet), ``pdf``, ``image``,
``binary``. Excel's own "xls" exports that are web pages or text are common: the kind names what
the user can do about it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
READABLE = ("xlsx", "xlsb", "ods", "xls", "csv")
# What a user calls each kind, for messages.
KIND_NAMES = {
    "xlsx": ("un classeur Excel (.xlsx)", "an Excel workbook (.xlsx)"),
    "xlsb": ("un classeur Excel binaire (.xlsb)", "an Excel binary workbook (.xlsb)"),
    "ods": ("un classeur OpenDocument (.ods)", "an OpenDocument spreadsheet (.ods)"),
    "xls": ("un ancien classeur Excel (.xls)", "an old Excel workbook (.xls)"),
    "csv": ("un fichier texte (CSV)", "a text file (CSV)"),
    "text": ("un fichier texte sans colonnes", "a text file without columns"),
    "encrypted": ("un classeur protégé par mot de passe", "a password-protected workbook"),
    "docx": ("un document Word", "a Word document"),
    "pptx": ("une présentation PowerPoint", "a PowerPoint presentation"),
    "zip": ("une archive zip qui n'est pas un classeur", "a zip archive that is not a workbook"),
    "ole": ("un document Office ancien qui n'est pas un classeur", "an old Office document that is not a workbook"),
    "html": ("une page web (HTML) enregistrée sous un nom de classeur", "a web page (HTML) saved under a workbook name"),
    "xml2003": ("une feuille de calcul XML 2003", "an Excel 2003 XML spreadsheet"),
    "pdf": ("un document PDF", "a PDF document"),
    "image": ("une image", "an image"),
    "binary": ("un fichier binaire de type inconnu", "a binary file of unknown type"),
    "directory": ("un dossier", "a folder"),
}
EXTENSION_KINDS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xltx": "xlsx", ".xltm": "xlsx", ".xlam": "xlsx",
                   ".xlsb": "xlsb", ".ods": "ods", ".xls": "xls", ".xlt": "xls",
                   ".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv"}


@dataclass(frozen=True)
class Kind:
    kind: str
    encoding: str | None = None  # text files: the encoding found (see :mod:`.csvtext`)

    @property
    def readable(self) -> bool:
        return self.kind in READABLE


def kind_name(kind: str, lang: str) -> str:
    fr, en = KIND_NAMES.get(kind, (kind, kind))
    return en if lang == "en" else fr


def sniff(path: Path) -> Kind:
    """The file's kind from its content (the file is only read)."""
    with open(path, "rb") as f:
        head = f.read(8192)
    if head.startswith(ZIP_MAGIC):
        return Kind(_zip_kind(path))
    if head.startswith(OLE_MAGIC):
        return Kind(_ole_kind(path))
    if head.startswith(b"%PDF"):
        return Kind("pdf")
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM")):
        return Kind("image")
    from .csvtext import detect_encoding

    encoding = detect_encoding(head)
    if encoding is None:
        return Kind("binary")
    text = head.decode(encoding, "replace").lstrip("\ufeff \t\r\n").lower()
    if text.startswith(("<!doctype html", "<html", "<table", "<meta")) or "<html" in text[:500]:
        return Kind("html")
    if text.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return Kind("xml2003")
    return Kind("csv", encoding)


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                try:
                    mime = z.read("mimetype")[:100]
                except Exception:
                    mime = b""
                if b"spreadsheet" in mime:
                    return "ods"
            if "content.xml" in names and any(n.startswith("META-INF/") for n in names):
                return "ods"
            if any(n.lower().endswith("workbook.bin") for n in names):
                return "xlsb"
            if any(n.lower().endswith("workbook.xml") for n in names) or "[Content_Types].xml" in names and any(
                n.startswith("xl/") for n in names):
                return "xlsx"
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("ppt/") for n in names):
                return "pptx"
            return "zip"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "xlsx_damaged"


def _ole_kind(path: Path) -> str:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(s).lower() for s in ole.listdir(streams=True, storages=True)}
    except Exception:  # a damaged compound file: let the reader library say what it can
        return "xls"
    if "encryptioninfo" in streams or "encryptedpackage" in streams:
        return "encrypted"
    if "workbook" in streams or "book" in streams:
        return "xls"
    return "ole"
