"""Hostile and unusual files, built by the tests (no binary is committed).

Each builder writes one file and returns its path: workbooks patched at the XML level (error cells,
stray far-away cells, formulas without cached values), zip bombs, damaged zips, OLE compound files
(a minimal writer: an encrypted-package container), text exports in every encoding.
"""

from __future__ import annotations

import re
import struct
import zipfile
from pathlib import Path
from typing import Callable

from openpyxl import Workbook

DEALS_HEADER = ["N° affaire", "Client", "Commercial", "Montant", "Étape", "Date de signature"]


def deals_rows(n: int = 10) -> list[list[object]]:
    """A small deals table: amounts 100, 200, … (row i + 2 in Excel holds amount 100 * (i + 1))."""
    rows: list[list[object]] = [DEALS_HEADER]
    for i in range(n):
        rows.append([f"D{i + 1:03d}", f"Client {i + 1}", "Alice Martin", 100 * (i + 1), "Gagné", f"2026-10-{i + 1:02d}"])
    return rows


def base_workbook(path: Path, rows: list[list[object]] | None = None, extra: dict[str, list[list[object]]] | None = None) -> Path:
    """A valid deals workbook (sheet "Affaires"), cells written one by one with openpyxl."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Affaires"
    for row in rows or deals_rows():
        ws.append(row)
    for name, sheet_rows in (extra or {}).items():
        other = wb.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    wb.save(path)
    return path


def patch_part(src: Path, dst: Path, name: str, fn: Callable[[str], str]) -> Path:
    """Copy the package ``src`` to ``dst`` with part ``name`` rewritten by ``fn`` (text)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == name:
                data = fn(data.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, data)
    return dst


SHEET1 = "xl/worksheets/sheet1.xml"


def set_cell(xml: str, ref: str, cell_xml: str) -> str:
    """Replace cell ``ref`` (it must exist) by ``cell_xml``."""
    pattern = re.compile(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)
    out, n = pattern.subn(cell_xml, xml, count=1)
    assert n == 1, ref
    return out


def add_row(xml: str, row: int, cells: str) -> str:
    return xml.replace("</sheetData>", f'<row r="{row}">{cells}</row></sheetData>')


def error_cell(ref: str, error: str) -> str:
    return f'<c r="{ref}" t="e"><v>{error}</v></c>'


def zip_bomb(path: Path, inflated: int = 600 * 2**20) -> Path:
    """A valid-looking workbook whose sheet inflates to ``inflated`` bytes of spaces (highly compressible)."""
    base = base_workbook(path.with_suffix(".base.xlsx"))
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == SHEET1:
                with zout.open(SHEET1, "w", force_zip64=True) as f:
                    head, tail = data.split(b"<sheetData>")
                    f.write(head + b"<sheetData>")
                    block = b" " * 2**20
                    for _ in range(inflated // len(block)):
                        f.write(block)
                    f.write(tail)
                continue
            zout.writestr(info.filename, data)
    base.unlink()
    return path


def lying_sizes(path: Path) -> Path:
    """A bomb whose central directory declares tiny sizes: only inflating it tells the truth."""
    zip_bomb(path, inflated=64 * 2**20)
    data = bytearray(path.read_bytes())
    name = SHEET1.encode()
    # central directory entry: signature PK\x01\x02, uncompressed size at offset 24, name at 46
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46: pos + 46 + n] == name:
            extra_len = struct.unpack_from("<H", data, pos + 30)[0]
            size = struct.unpack_from("<I", data, pos + 24)[0]
            if size != 0xFFFFFFFF:
                struct.pack_into("<I", data, pos + 24, 1000)
            else:  # zip64 extra field holds the real size
                extra = pos + 46 + n
                end = extra + extra_len
                while extra < end:
                    tag, ln = struct.unpack_from("<HH", data, extra)
                    if tag == 1:
                        struct.pack_into("<Q", data, extra + 4, 1000)
                    extra += 4 + ln
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))
    return path


def ole_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A minimal OLE compound file (CFB v3) holding ``streams`` (each padded to >= 4096 bytes so no
    mini stream is needed): enough for readers that look at the directory (olefile)."""
    sector = 512
    ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    datas = [d + b"\0" * (-len(d) % sector) for d in datas]
    fat = [FATSECT, ENDOFCHAIN]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for d in datas:
        first = len(fat)
        count = len(d) // sector
        starts.append(first)
        fat.extend(list(range(first + 1, first + count)) + [ENDOFCHAIN])
    assert len(fat) <= 128, "one FAT sector only"
    fat += [FREESECT] * (128 - len(fat))

    def entry(name: str, typ: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        e = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), typ, 1)
        e += struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
        e += struct.pack("<IQ", start, size)
        return e

    entries = [entry("Root Entry", 5, NOSTREAM, NOSTREAM, 1 if names else NOSTREAM, ENDOFCHAIN, 0)]
    for k, (n, d) in enumerate(zip(names, datas)):
        right = k + 2 if k + 1 < len(names) else NOSTREAM
        entries.append(entry(n, 2, NOSTREAM, right, NOSTREAM, starts[k], len(streams[n].ljust(4096, b"\0"))))
    directory = b"".join(entries)
    while len(directory) % sector:
        directory += entry("", 0, NOSTREAM, NOSTREAM, NOSTREAM, 0, 0)
    assert len(directory) == sector, "one directory sector only"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    header += b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", FREESECT) * 108
    assert len(header) == 512
    body = struct.pack("<128I", *fat) + directory + b"".join(datas)
    path.write_bytes(header + body)
    return path
