"""The add-in reads the configuration sheet (kpis.config_sheet) and dotted keys of its own settings sheet."""

from __future__ import annotations

import kpis.xl.scripts as S
from tests.test_config_sheet import _workbook

from .conftest import actions, apply_actions, book_json, new_book, run_script
from .conftest import set_cells as _set_cells


def set_cells(payload: dict, sheet: str, cells: dict) -> dict:
    """The conftest helper, with the sheet's used range grown to the rows typed below it."""
    p = _set_cells(payload, sheet, cells)
    x = next(x for x in p["sheets"] if x["name"] == sheet)
    if "used_range_address" in x:
        x["used_range_address"] = x["used_range_address"].rsplit("$", 1)[0] + f"${len(x['values'])}"
    return p


def _payable(acts: list[dict]) -> dict[str, float]:
    pos = next(a["args"][0] for a in acts if a["func"] == "addSheet" and a["args"][1] == "KPI - Commissions")
    (grid,) = [a["values"] for a in acts if a["func"] == "setValues" and a["sheet_position"] == pos]
    j = grid[2].index("À payer")
    return {r[0]: r[j] for r in grid[3:] if r and r[0] in ("Alice Martin", "Bruno Roux")}


def _alert(acts: list[dict]) -> list:
    (alert,) = [a["args"] for a in acts if a["func"] == "alert"]
    return alert


def _with_settings(tmp_path) -> tuple[dict, int]:
    """The workbook after « Paramètres », period set to 2026-10; and a free row below the sheet."""
    payload = book_json(_workbook(tmp_path / "suivi.xlsx"))
    book = new_book(payload)
    run_script(S, "edit_settings", book)
    payload = apply_actions(payload, actions(book))
    values = next(x for x in payload["sheets"] if x["name"] == "KPI - Paramètres")["values"]
    period = next(i for i, r in enumerate(values, 1) if r and r[0] == "period")
    return set_cells(payload, "KPI - Paramètres", {(period, 3): "2026-10"}), len(values) + 2


def test_commissions_from_the_configuration_sheet(tmp_path):
    payload, _ = _with_settings(tmp_path)
    book = new_book(payload)
    run_script(S, "commission_statements", book)
    acts = actions(book)
    assert _alert(acts)[3] == "info", _alert(acts)
    # Alice: 250 commission (80 % of quota on the sheet's bands) + 150 SPIFF; Bruno under the gate.
    assert _payable(acts) == {"Alice Martin": 400, "Bruno Roux": 0}


def test_dotted_keys_in_the_settings_sheet_win_and_errors_name_the_cell(tmp_path):
    payload, row = _with_settings(tmp_path)
    # The add-in's sheet sets the SPIFF to 50 over the configuration sheet's 150.
    edited = set_cells(payload, "KPI - Paramètres", {(row, 1): "plans.standard.spiffs.1.amount", (row, 3): 50})
    book = new_book(edited)
    run_script(S, "commission_statements", book)
    assert _payable(actions(book)) == {"Alice Martin": 300, "Bruno Roux": 0}
    bad = set_cells(payload, "KPI - Paramètres", {(row, 1): "plans.standard.gate", (row, 3): "beaucoup"})
    book = new_book(bad)
    run_script(S, "commission_statements", book)
    alert = _alert(actions(book))
    assert f"KPI - Paramètres!C{row}" in alert[0] and "plans.standard.gate" in alert[0] and alert[3] == "critical"
