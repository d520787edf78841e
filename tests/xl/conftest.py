"""Run the add-in against xlwings' own remote engine, the one xlwings Lite and xlwings Server use.

xlwings' remote engine is licensed for noncommercial use with ``XLWINGS_LICENSE_KEY=noncommercial``
and is selected with ``XLWINGS_ON_SERVER=true``: both are set here, for the tests only. The product
never needs them: desktop Excel runs the scripts through RunPython, xlwings Lite sets its own.

:func:`book_json` builds the payload Excel's Office.js client sends (``xw.Book(json=...)``) from a real
``.xlsx``: every sheet's values from A1 to its last used cell, empty cells as ``""``, date cells as
ISO strings (what the client sends for cells formatted as dates), Excel tables and defined names.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import pytest

os.environ["XLWINGS_ON_SERVER"] = "true"
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"

# xlwings checks every cell a custom function receives for Pyodide's ``JsNull`` with
# ``from pyodide.ffi import JsNull``; outside Pyodide that failing import costs ~0.3 ms per cell
# (seconds for one 900-row range). In xlwings Lite the import succeeds and is instant. This stand-in
# makes it instant here too; no JsNull value ever exists outside Pyodide, so no result changes.
if "pyodide" not in sys.modules:
    import types

    _pyodide, _ffi = types.ModuleType("pyodide"), types.ModuleType("pyodide.ffi")
    _ffi.JsNull = type("JsNull", (), {})
    _pyodide.ffi = _ffi
    sys.modules["pyodide"], sys.modules["pyodide.ffi"] = _pyodide, _ffi

import xlwings as xw  # noqa: E402  (after the environment above)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _cell_json(v: Any) -> Any:
    """A cell value as Office.js sends it (``Range.values`` plus xlwings' date conversion)."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}Z"
    if isinstance(v, dt.date):
        return f"{v.isoformat()}T00:00:00.000Z"
    if isinstance(v, dt.time):  # a time-only cell is a date on 1899-12-30 for Excel
        return f"1899-12-30T{v.strftime('%H:%M:%S')}.000Z"
    if isinstance(v, dt.timedelta):
        return v.total_seconds() / 86400
    return v


def book_json(path: Path | str, name: str | None = None) -> dict[str, Any]:
    """The ``xw.Book(json=...)`` payload of an ``.xlsx`` file, as Excel (Office.js) would send it.

    Values are the cached values Excel saved (python-calamine reads them; formulas are not recomputed).
    """
    import python_calamine as pc
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = pc.CalamineWorkbook.from_path(str(path), load_tables=True)
    tables_by_sheet: dict[str, list[dict[str, Any]]] = {}
    for tname in wb.table_names or []:
        t = wb.get_table_by_name(tname)
        (r0, c0), (r1, c1) = t.start, t.end  # data body, 0-based; the header is the row above
        col = get_column_letter
        tables_by_sheet.setdefault(t.sheet, []).append(
            {
                "name": tname,
                "range_address": f"${col(c0 + 1)}${r0}:${col(c1 + 1)}${r1 + 1}",
                "header_row_range_address": f"${col(c0 + 1)}${r0}:${col(c1 + 1)}${r0}",
                "data_body_range_address": f"${col(c0 + 1)}${r0 + 1}:${col(c1 + 1)}${r1 + 1}",
                "total_row_range_address": None,
                "show_headers": True,
                "show_totals": False,
                "table_style": "TableStyleMedium2",
                "show_autofilter": True,
            }
        )
    sheets = []
    for meta in wb.sheets_metadata:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        grid = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        width = max((len(r) for r in grid), default=0)
        values = [[_cell_json(v) for v in r] + [""] * (width - len(r)) for r in grid]
        empty = not values or width == 0
        sheets.append(
            {
                "name": meta.name,
                "values": [[]] if empty else values,
                "used_range_address": None if empty else f"$A$1:${get_column_letter(width)}${len(values)}",
                "visibility": "Visible" if meta.visible == pc.SheetVisibleEnum.Visible else "Hidden",
                "pictures": [],
                "shapes": [],
                "charts": [],
                "notes": [],
                "tables": tables_by_sheet.get(meta.name, []),
                "print_area": None,
            }
        )
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": name or path.name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": sheets,
    }


def new_book(payload: dict[str, Any]) -> xw.Book:
    """A remote-engine book from a payload (copied: the engine edits its payload as the script runs)."""
    import copy

    return xw.Book(json=copy.deepcopy(payload))


def open_book(path: Path | str, name: str | None = None) -> xw.Book:
    """A remote-engine book holding the values of ``path`` (nothing is ever written to the file)."""
    return xw.Book(json=book_json(path, name))


def run_script(module, name: str, book: xw.Book, *args: Any) -> xw.Book:
    """Run a script the way xlwings Lite/Server do, through ``custom_scripts_call``."""
    from xlwings.server import custom_scripts_call

    return asyncio.run(custom_scripts_call(module, name, typehint_to_value={xw.Book: book}, args=list(args)))


def call_function(module, name: str, *args: Any, runtime: str = "1.4") -> Any:
    """Call a custom function the way Excel's Office.js runtime does, through ``custom_functions_call``.

    Arguments are given as Excel sends them: a range is a 2-D list (empty cells as ``None``), a
    single value is ``[[v]]``, an omitted optional argument is ``[[None]]`` (or left off the end).
    """
    from xlwings.server import custom_functions_call

    data = {"func_name": name, "args": list(args), "version": xw.__version__, "client": "Office.js", "runtime": runtime}
    return asyncio.run(custom_functions_call(data, module))


def actions(book: xw.Book) -> list[dict[str, Any]]:
    return book.json()["actions"]


def _text_value(v: Any) -> Any:
    """A written value as Excel stores it: the apostrophe of forced text is not part of the value."""
    if isinstance(v, str) and v.startswith("'"):
        return v[1:]
    if isinstance(v, str) and len(v) == 10 and v[4] == "-" and v[7] == "-" and v[:4].isdigit():
        return v + "T00:00:00.000Z"  # a date written by xlwings comes back as the client sends dates
    return v


def apply_actions(payload: dict[str, Any], acts: list[dict[str, Any]]) -> dict[str, Any]:
    """What Excel's workbook looks like after running the recorded actions, as a new payload.

    Handles the actions that change structure or values (sheets added, cleared, renamed, deleted;
    values written; defined names added); formatting actions change nothing a script reads back.
    """
    import copy

    from openpyxl.utils import get_column_letter

    p = copy.deepcopy(payload)
    sheets = p["sheets"]
    for a in acts:
        f, pos = a["func"], a.get("sheet_position")
        if f == "addSheet":
            ix, name = a["args"]
            sheets.insert(ix, {"name": name, "values": [[]], "used_range_address": None, "visibility": "Visible",
                               "pictures": [], "shapes": [], "charts": [], "notes": [], "tables": [], "print_area": None})
            for n in p["names"]:
                for key in ("sheet_index", "scope_sheet_index"):
                    if n.get(key) is not None and n[key] >= ix:
                        n[key] += 1
        elif f in ("sheetClear", "sheetClearContents"):
            sheets[pos]["values"] = [[]]
            sheets[pos]["used_range_address"] = None
        elif f == "sheetDelete":
            del sheets[pos]
        elif f == "setSheetName":
            sheets[pos]["name"] = a["args"][0]
        elif f == "setValues":
            grid = [] if sheets[pos]["values"] in ([[]], []) else [list(r) for r in sheets[pos]["values"]]
            r0, c0 = a["start_row"], a["start_column"]
            for i, row in enumerate(a["values"]):
                while len(grid) <= r0 + i:
                    grid.append([])
                target = grid[r0 + i]
                while len(target) < c0 + len(row):
                    target.append("")
                for j, v in enumerate(row):
                    target[c0 + j] = _text_value(v)
            width = max((len(r) for r in grid), default=0)
            sheets[pos]["values"] = [r + [""] * (width - len(r)) for r in grid] or [[]]
            sheets[pos]["used_range_address"] = f"$A$1:${get_column_letter(width)}${len(grid)}" if width else None
        elif f == "namesAdd":
            name, refers_to = a["args"]
            address = refers_to.split("!")[-1].replace("$", "")
            p["names"].append({"name": name, "sheet_index": pos, "address": address, "refers_to": refers_to,
                               "scope_sheet_name": sheets[pos]["name"] if pos is not None else None,
                               "scope_sheet_index": pos, "book_scope": pos is None})
    return p


def set_cells(payload: dict[str, Any], sheet: str, cells: dict[tuple[int, int], Any]) -> dict[str, Any]:
    """The user typing into a sheet: ``{(row, col): value}``, 1-based."""
    import copy

    p = copy.deepcopy(payload)
    s = next(x for x in p["sheets"] if x["name"] == sheet)
    for (r, c), v in cells.items():
        while len(s["values"]) < r:
            s["values"].append([""] * len(s["values"][0]))
        while len(s["values"][r - 1]) < c:
            for row in s["values"]:
                row.append("")
        s["values"][r - 1][c - 1] = v
    return p


@pytest.fixture(scope="session")
def example_path(example_fr, tmp_path_factory) -> Path:
    """The French example workbook; generated with kpis.demo.sample when the committed one is absent."""
    if example_fr.is_file():
        return example_fr
    if os.environ.get("CI") == "true":
        pytest.fail(f"{example_fr} is missing: CI must test the committed example")
    from kpis.demo.sample import build_truth, write_workbook

    path = tmp_path_factory.mktemp("example") / "suivi_commercial.xlsx"
    write_workbook(build_truth(), path, "fr")
    return path


@pytest.fixture(scope="session")
def example_json(example_path) -> dict[str, Any]:
    return book_json(example_path)
