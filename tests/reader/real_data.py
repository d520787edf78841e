"""The real public datasets of ``../shared/data/real`` as a user hands them to kpis.

Maven and Olist are published as one CSV per table: a user pastes them into one workbook, one sheet
per file named after it. Superstore is published as ``.xls`` (gzipped); its sheets are saved as
``.xlsx`` here (``.xls`` itself is the file-opening code's business). Values are copied unchanged.
"""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

from openpyxl import Workbook

from tests.helpers.shared import shared_path


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [row for row in csv.reader(f)]


def _save(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name[:31])
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    wb.save(path)
    return path


def _typed(rows: list[list[str]]) -> list[list]:
    """CSV text as a spreadsheet would type it on paste: numbers become numbers, the rest stays text."""
    out = [rows[0]]
    for row in rows[1:]:
        typed = []
        for v in row:
            try:
                typed.append(int(v) if v.isdigit() else float(v) if v.replace(".", "", 1).isdigit() else v)
            except ValueError:
                typed.append(v)
        out.append(typed)
    return out


def maven_workbook(tmp: Path) -> Path:
    folder = shared_path("data", "real", "maven")
    sheets = {p.stem: _typed(_csv_rows(p)) for p in sorted(folder.glob("*.csv"))}
    order = ["sales_pipeline", "sales_teams", "accounts", "products"]
    return _save(tmp / "maven.xlsx", {k: sheets[k] for k in order if k in sheets})


def olist_workbook(tmp: Path) -> Path:
    folder = shared_path("data", "real", "olist")
    sheets = {p.stem.replace("olist_", "").replace("_dataset", ""): _typed(_csv_rows(p)) for p in sorted(folder.glob("*.csv"))}
    return _save(tmp / "olist.xlsx", sheets)


def superstore_rows() -> dict[str, list[list]]:
    """The sheets of the original ``.xls``, cell values as calamine reads them."""
    from python_calamine import CalamineWorkbook

    gz = shared_path("data", "real", "superstore", "Sample - Superstore.xls.gz")
    data = gzip.decompress(gz.read_bytes())
    import io

    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}


def superstore_workbook(tmp: Path) -> Path:
    return _save(tmp / "superstore.xlsx", superstore_rows())


def superstore_csv(tmp: Path) -> Path:
    """The ``Orders`` sheet as a CSV export (comma, ISO dates)."""
    rows = superstore_rows()["Orders"]
    path = tmp / "Orders.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        for row in rows:
            w.writerow([v.isoformat() if hasattr(v, "isoformat") else (int(v) if isinstance(v, float) and v.is_integer() else v) for v in row])
    return path
