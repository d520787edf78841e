"""Every button's script, run through xlwings' remote engine (``custom_scripts_call``) on the example
workbook's values, checked on the actions it records: what Excel would be asked to do."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
import xlwings as xw
from xlwings.server import custom_scripts_meta

import kpis.xl.scripts as S
from kpis.config import Config
from kpis.engine import compute, default_period
from kpis.reader import read_workbook

from .conftest import actions, apply_actions, new_book, run_script, set_cells


@pytest.fixture(scope="module")
def truth(example_path):
    """The numbers the CLI gives for the same file: the reader on the file, the engine on its tables."""
    ds = read_workbook(example_path, Config())
    period = default_period(ds)
    return ds, period, compute(ds, period, config=Config(), by=("rep",))


@pytest.fixture(scope="module")
def refreshed(example_json):
    """The example book after one refresh: (book, actions, number of the user's sheets)."""
    book = new_book(example_json)
    run_script(S, "refresh_kpis", book)
    return book, list(actions(book)), len(example_json["sheets"])


def _sheet_values(acts: list[dict], position: int) -> list[list[Any]]:
    writes = [a for a in acts if a["func"] == "setValues" and a["sheet_position"] == position]
    assert len(writes) == 1  # the whole grid in one write
    return writes[0]["values"]


def _position(acts: list[dict], name: str) -> int:
    for a in acts:
        if a["func"] == "addSheet" and a["args"][1] == name:
            return a["args"][0]
    raise AssertionError(f"no sheet {name!r} added")


def _alerts(acts: list[dict]) -> list[list]:
    return [a["args"] for a in acts if a["func"] == "alert"]


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return (a in ("", None, "n.d.")) and (b in ("", None)) or a == b


def test_every_script_is_registered():
    meta = {m["function_name"] for m in custom_scripts_meta(S)}
    assert meta == set(S.SCRIPTS)


def test_refresh_adds_only_its_own_sheets(refreshed):
    book, acts, n_user = refreshed
    added = [a["args"][1] for a in acts if a["func"] == "addSheet"]
    assert added == ["KPI - Synthèse", "KPI - Commerciaux", "KPI - Pipeline", "KPI - Entonnoir", "KPI - Clients",
                     "KPI - Acquisition", "KPI - Qualité", "KPI - Suivi pipeline"]
    # Nothing is ever done to a sheet of the user (positions 0 .. n_user-1).
    touched = {a["sheet_position"] for a in acts if a.get("sheet_position") is not None}
    assert touched and min(touched) >= n_user
    assert not [a for a in acts if a["func"] in ("sheetDelete", "setSheetName", "rangeDelete")]
    # Each added sheet carries its marker name, scoped to it.
    names = [(a["args"][0], a["sheet_position"]) for a in acts if a["func"] == "namesAdd"]
    assert [n for n, _ in names] == ["kpis_summary", "kpis_reps", "kpis_pipeline", "kpis_funnel", "kpis_customers",
                                     "kpis_acquisition", "kpis_quality", "kpis_history"]
    assert [p for _, p in names] == list(range(n_user, n_user + 8))
    assert _alerts(acts) and _alerts(acts)[0][3] == "info"


def test_summary_values_equal_the_engine(refreshed, truth):
    _, acts, _ = refreshed
    _ds, period, results = truth
    grid = _sheet_values(acts, _position(acts, "KPI - Synthèse"))
    assert grid[0][0].startswith("Synthèse des indicateurs — ")
    assert grid[3][:6] == ["Indicateur", "Valeur", "Mois préc.", "Évolution", "Il y a un an", "Objectif"]
    by_name = {}
    for row in grid:  # KPI rows (section titles have nothing beside their name)
        if row[0] and row[0] not in by_name and any(c not in ("", None) for c in row[1:]):
            by_name[row[0]] = row
    checked = 0
    for r in results:
        if r.status == "missing_input" or isinstance(r.value, dict):
            continue
        row = by_name[r.name]
        assert _close(row[1], r.value), (r.id, row[1], r.value)
        assert _close(row[2], r.previous), (r.id, "previous")
        assert _close(row[4], r.year_ago), (r.id, "year ago")
        assert _close(row[5], r.target), (r.id, "target")
        checked += 1
    assert checked >= 40


def test_reps_values_equal_the_engine(refreshed, truth):
    _, acts, _ = refreshed
    _, _, results = truth
    grid = _sheet_values(acts, _position(acts, "KPI - Commerciaux"))
    head = grid[3]
    assert head[0] == "Commercial"
    rows = {r[0]: r for r in grid[4:] if r[0]}
    for j, name in enumerate(head[1:], 1):
        r = next(x for x in results if x.name == name)
        for rep, v in r.by["rep"].items():
            if rep not in rows:  # not on the team in the period and nothing to their name: no row
                assert v in (0, None) or v != v, (r.id, rep, v)
                continue
            assert _close(rows[rep][j], v), (r.id, rep)


def test_quality_sheet_lists_every_problem(refreshed, truth):
    _, acts, _ = refreshed
    ds, _, _ = truth
    grid = _sheet_values(acts, _position(acts, "KPI - Qualité"))
    order = {"error": 0, "warning": 1}
    problems = sorted((i for i in ds.quality if i.severity != "info"), key=lambda i: order[i.severity])
    head = next(i for i, r in enumerate(grid) if r[:3] == ["Feuille", "Ligne", "Colonne"])
    listed = [r for r in grid[head + 1 : head + 1 + len(problems)]]
    assert [r[6] for r in listed] == [i.reason("fr") for i in problems]


def test_formats_are_applied(refreshed):
    _, acts, _ = refreshed
    pos = _position(acts, "KPI - Synthèse")
    grid = _sheet_values(acts, pos)
    fmts = [a for a in acts if a["func"] == "setNumberFormat" and a["sheet_position"] == pos]

    def fmt_of(row: int, col: int) -> str | None:
        found = None
        for a in fmts:
            if a["start_row"] <= row < a["start_row"] + a["row_count"] and a["start_column"] <= col < a["start_column"] + a["column_count"]:
                found = a["args"][0]
        return found

    row_of = {r[0]: i for i, r in enumerate(grid) if r[0]}
    assert fmt_of(row_of["Taux de réussite"], 1) == "0.0\u00a0%"
    assert fmt_of(row_of["Chiffre d'affaires"], 1) == '#,##0\u00a0"€"'
    assert fmt_of(row_of["Ventes conclues"], 1) == "#,##0"
    header = row_of["Indicateur"]
    bold = [a for a in acts if a["func"] == "setFontProperty" and a["args"] == ["bold", True] and a["sheet_position"] == pos]
    assert any(a["start_row"] == header for a in bold)
    fills = [a for a in acts if a["func"] == "setRangeColor" and a["sheet_position"] == pos]
    assert any(a["start_row"] == header and a["args"] == ["#1F3864"] for a in fills)  # the template's header
    assert [a for a in acts if a["func"] == "setColumnWidth" and a["sheet_position"] == pos]
    # Hundreds of cells, a few dozen format calls: runs are coalesced.
    assert len(fmts) < 120


def test_second_refresh_replaces_in_the_same_session(example_json):
    book = new_book(example_json)
    run_script(S, "refresh_kpis", book)
    first = len(actions(book))
    run_script(S, "refresh_kpis", book)
    second = actions(book)[first:]
    counts = Counter(a["func"] for a in second)
    assert counts["addSheet"] == 0 and counts["namesAdd"] == 0
    assert counts["sheetClear"] == 8 and counts["setValues"] == 8
    assert len(book.sheets) == len(example_json["sheets"]) + 8


def test_second_refresh_replaces_after_excel_applied_the_first(example_json):
    """Excel ran the first refresh's actions; the next click sends the workbook as it now is."""
    book = new_book(example_json)
    run_script(S, "refresh_kpis", book)
    after = apply_actions(example_json, actions(book))
    assert len(after["sheets"]) == len(example_json["sheets"]) + 8
    again = new_book(after)
    run_script(S, "refresh_kpis", again)
    acts = actions(again)
    assert not [a for a in acts if a["func"] == "addSheet"]
    cleared = sorted(a["sheet_position"] for a in acts if a["func"] == "sheetClear")
    assert cleared == list(range(len(example_json["sheets"]), len(example_json["sheets"]) + 8))
    # The values read back are the user's only: same KPIs as the first time.
    assert [a["values"] for a in acts if a["func"] == "setValues"] == [a["values"] for a in actions(book) if a["func"] == "setValues"]


def test_a_user_sheet_with_the_same_name_is_left_alone(example_json):
    payload = book_json_with_user_sheet(example_json, "KPI - Synthèse", [["my own notes", 42]])
    book = new_book(payload)
    run_script(S, "refresh_kpis", book)
    acts = actions(book)
    user_pos = [s["name"] for s in payload["sheets"]].index("KPI - Synthèse")
    assert not [a for a in acts if a.get("sheet_position") == user_pos]
    assert "KPI - Synthèse (2)" in [a["args"][1] for a in acts if a["func"] == "addSheet"]


def book_json_with_user_sheet(payload: dict, name: str, values: list[list]) -> dict:
    import copy

    p = copy.deepcopy(payload)
    p["sheets"].append({"name": name, "values": values, "used_range_address": "$A$1:$B$1", "visibility": "Visible",
                        "pictures": [], "shapes": [], "charts": [], "notes": [], "tables": [], "print_area": None})
    return p


def test_validate_data(example_json, truth):
    book = new_book(example_json)
    run_script(S, "validate_data", book)
    acts = actions(book)
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == ["KPI - Qualité"]
    (alert,) = _alerts(acts)
    ds, _, _ = truth
    assert f"{len(ds.tables)} table(s) lue(s)" in alert[0] and alert[3] == "info"


def _settings_row(payload: dict, key: str) -> int:
    s = next(x for x in payload["sheets"] if x["name"] == "KPI - Paramètres")
    for i, row in enumerate(s["values"], 1):
        if row and row[0] == key:
            return i
    raise AssertionError(key)


@pytest.fixture(scope="module")
def with_settings(example_json):
    """The example workbook after « Paramètres »: (payload, actions)."""
    book = new_book(example_json)
    run_script(S, "edit_settings", book)
    return apply_actions(example_json, actions(book)), actions(book)


def test_settings_sheet_holds_the_detected_mapping(with_settings, truth):
    payload, acts = with_settings
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == ["KPI - Paramètres"]
    sheet = next(x for x in payload["sheets"] if x["name"] == "KPI - Paramètres")
    keys = [r[0] for r in sheet["values"] if r and r[0]]
    for key in ("lang", "currency", "period", "quota_target", "quota_method", "commission_mode", "rate", "map"):
        assert key in keys
    ds, _, _ = truth
    mapped = {(r[1], r[2]): r for r in sheet["values"] if r and r[0] == "map"}
    for i in ds.quality:
        if i.code == "column_mapped":
            row = mapped[(i.table, i.field)]
            assert row[3] == i.sheet and row[4] == i.column and row[6] == i.column


def test_quota_planner_reads_its_target_from_the_settings_sheet(with_settings, truth):
    from kpis.calculators.quota import plan_quotas

    payload, _ = with_settings
    # Without a target: a readable message, nothing written.
    book = new_book(payload)
    run_script(S, "quota_planner", book)
    acts = actions(book)
    assert not [a for a in acts if a["func"] in ("addSheet", "setValues")]
    assert "quota_target" in _alerts(acts)[0][0] and _alerts(acts)[0][3] == "critical"
    # The user types a target and a method.
    edited = set_cells(payload, "KPI - Paramètres", {(_settings_row(payload, "quota_target"), 3): 300000,
                                                     (_settings_row(payload, "quota_method"), 3): "history"})
    book = new_book(edited)
    run_script(S, "quota_planner", book)
    acts = actions(book)
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == ["KPI - Objectifs"]
    ds, period, _ = truth
    plan = plan_quotas(ds, period.next(), 300000, method="history", config=Config())
    grid = _sheet_values(acts, _position(acts, "KPI - Objectifs"))
    assert period.next().label in grid[0][0]
    rows = {r[0]: r for r in grid[4:] if r[0] in set(plan.table["rep"])}
    assert set(rows) == set(plan.table["rep"])
    head = grid[3]
    j = head.index("Objectif")
    for rep, quota in zip(plan.table["rep"], plan.table["quota"]):
        assert _close(rows[rep][j], float(quota))
    assert "300" in _alerts(acts)[0][0]


def test_commission_statements_from_the_settings_plan(with_settings, truth):
    from kpis.calculators import commission_statements

    payload, _ = with_settings
    book = new_book(payload)
    run_script(S, "commission_statements", book)
    assert "grille de taux" in _alerts(actions(book))[0][0]  # no plan yet: says where to put one
    r1, r2 = _settings_row(payload, "rate"), _settings_row(payload, "rate") + 1
    edited = set_cells(payload, "KPI - Paramètres", {(r1, 3): 0, (r1, 4): 0.05, (r2, 3): "100 %", (r2, 4): "8 %"})
    book = new_book(edited)
    run_script(S, "commission_statements", book)
    acts = actions(book)
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == ["KPI - Commissions"]
    ds, period, _ = truth
    cfg = Config()
    cfg.plans = {"settings": {"rates": [[0.0, 0.05], [1.0, 0.08]], "tiers": "marginal"}}
    cfg.default_plan = "settings"
    st = commission_statements(ds, period, cfg)
    grid = _sheet_values(acts, _position(acts, "KPI - Commissions"))
    head = grid[2]
    j = head.index("À payer")
    rows = {r[0]: r for r in grid[3 : 3 + len(st.reps)]}
    for rep, s in st.reps.items():
        assert _close(rows[rep][j], s.payable)


def test_settings_keep_the_users_values(with_settings):
    payload, _ = with_settings
    edited = set_cells(payload, "KPI - Paramètres", {(_settings_row(payload, "quota_target"), 3): 250000,
                                                     (_settings_row(payload, "currency"), 3): "CHF"})
    book = new_book(edited)
    run_script(S, "edit_settings", book)
    acts = actions(book)
    assert not [a for a in acts if a["func"] == "addSheet"]  # updated in place
    after = apply_actions(edited, acts)
    assert after["sheets"][-1]["values"][_settings_row(after, "quota_target") - 1][2] == 250000
    assert after["sheets"][-1]["values"][_settings_row(after, "currency") - 1][2] == "CHF"
    assert "conservées" in _alerts(acts)[0][0]


def test_english_settings_give_english_sheets(with_settings):
    payload, _ = with_settings
    edited = set_cells(payload, "KPI - Paramètres", {(_settings_row(payload, "lang"), 3): "en"})
    book = new_book(edited)
    run_script(S, "refresh_kpis", book)
    acts = actions(book)
    assert "KPI - Summary" in [a["args"][1] for a in acts if a["func"] == "addSheet"]
    assert _alerts(acts)[0][0].startswith("KPI sheets updated")


def test_a_bad_setting_is_a_message(with_settings):
    payload, _ = with_settings
    edited = set_cells(payload, "KPI - Paramètres", {(_settings_row(payload, "period"), 3): "octobre?"})
    book = new_book(edited)
    run_script(S, "refresh_kpis", book)
    acts = actions(book)
    (alert,) = _alerts(acts)
    assert "period" in alert[0] and "octobre?" in alert[0] and alert[3] == "critical"
    assert not [a for a in acts if a["func"] in ("addSheet", "setValues", "sheetClear")]


def test_a_workbook_without_tables_is_a_message():
    payload = {"client": "Office.js", "version": xw.__version__, "book": {"name": "vide.xlsx", "active_sheet_index": 0, "selection": "A1"},
               "names": [], "sheets": [{"name": "Feuil1", "values": [["bonjour", 1]], "pictures": [], "tables": []}]}
    book = new_book(payload)
    run_script(S, "refresh_kpis", book)
    (alert,) = _alerts(actions(book))
    assert "Aucune table reconnue dans vide.xlsx" in alert[0] and alert[3] == "critical"


def test_a_bug_is_a_message_not_a_traceback(example_json, monkeypatch):
    import kpis.engine
    import kpis.report.context

    def broken(*a, **k):
        raise KeyError("boom")

    # the engine's door, wherever the refresh reaches it (the report context imported it by name)
    monkeypatch.setattr(kpis.engine, "compute", broken)
    monkeypatch.setattr(kpis.report.context, "compute", broken)
    book = new_book(example_json)
    run_script(S, "refresh_kpis", book)
    acts = actions(book)
    (alert,) = _alerts(acts)
    assert alert[0].startswith("Erreur inattendue (KeyError") and "Traceback" not in alert[0]
    assert not [a for a in acts if a["func"] in ("addSheet", "setValues")]


def test_monthly_report_in_lite_is_written_to_sheets(example_json, truth):
    """No file system in xlwings Lite: the report template's sheets become sheets of the workbook."""
    from openpyxl import load_workbook

    from kpis.xl.jobs import report_template

    book = new_book(example_json)
    run_script(S, "monthly_report", book)
    acts = actions(book)
    _, period, _ = truth
    added = [a["args"][1] for a in acts if a["func"] == "addSheet"]
    template_sheets = load_workbook(report_template("fr")).sheetnames
    assert added[0] == f"{period.label} {template_sheets[0]}" and added[-1] == f"{period.label} {template_sheets[-1]}"
    assert len(added) >= len(template_sheets) - 1  # the per-rep sheet becomes one sheet per rep
    touched = {a["sheet_position"] for a in acts if a.get("sheet_position") is not None}
    assert min(touched) >= len(example_json["sheets"])
    grid = _sheet_values(acts, _position(acts, added[0]))
    assert any(period.label in str(c) or "octobre" in str(c) for row in grid[:3] for c in row)
    assert _alerts(acts)[0][0] == f"Rapport {period.label} écrit dans ce classeur ({len(added)} feuilles)."


def test_monthly_report_honours_the_report_template_of_the_configuration(example_path, example_json, tmp_path, monkeypatch):
    """``[report] template`` of kpis.toml beside the workbook is the report's template, as for ``kpis report``."""
    import shutil

    import kpis.xl.runtime
    from openpyxl import Workbook, load_workbook

    from kpis.xl import jobs

    copy = tmp_path / "suivi.xlsx"
    shutil.copy(example_path, copy)
    wb = Workbook()
    wb.active.title = "Mon rapport"
    wb.active["A1"], wb.active["B1"] = "CA", "{{ kpi.revenue }}"
    wb.save(tmp_path / "mien.xlsx")
    (tmp_path / "kpis.toml").write_text('[report]\ntemplate = "mien.xlsx"\n', encoding="utf-8")
    book = new_book(dict(example_json, book={**example_json["book"], "name": str(copy)}))
    monkeypatch.setattr(kpis.xl.runtime, "is_remote", lambda: False)
    text = jobs.run_job(book, jobs.monthly_report)
    out = next(tmp_path.glob("suivi - rapport *.xlsx"))
    assert out.name in text
    assert load_workbook(out).sheetnames == ["Mon rapport"]


def test_kpi_sheets_saved_to_a_file_have_the_same_numbers(tmp_path, truth):
    """The KPI sheets' contents written with openpyxl hold the engine's values and formats."""
    from openpyxl import load_workbook

    from kpis.report.context import build_context
    from kpis.xl.jobs import sheets_template
    from kpis.xl.templates import render_contents
    from kpis.xl.xlsx import write_contents

    ds, period, results = truth
    contents = render_contents(sheets_template("fr"), build_context(ds, period, Config()), "fr")
    path = write_contents({"Synthèse": contents["Synthèse"], "Commerciaux": contents["Commerciaux"]}, tmp_path / "r.xlsx")
    ws = load_workbook(path)["Synthèse"]
    rows = {ws.cell(row=i, column=1).value: i for i in range(1, ws.max_row + 1)}
    i = rows["Taux de réussite"]
    assert _close(ws.cell(row=i, column=2).value, results["win_rate"].value)
    assert ws.cell(row=i, column=2).number_format == "0.0\u00a0%"


def test_desktop_report_file_beside_the_workbook(example_path, example_json, tmp_path, monkeypatch, truth):
    """On desktop the workbook is a file: the report is written beside it, kpis.toml beside it is read."""
    import shutil

    import kpis.xl.runtime
    from openpyxl import load_workbook

    from kpis.xl import jobs

    copy = tmp_path / "suivi.xlsx"
    shutil.copy(example_path, copy)
    (tmp_path / "kpis.toml").write_text('lang = "en"\n', encoding="utf-8")
    payload = dict(example_json, book={**example_json["book"], "name": str(copy)})
    book = new_book(payload)
    monkeypatch.setattr(kpis.xl.runtime, "is_remote", lambda: False)  # what desktop xlwings reports
    text = jobs.run_job(book, jobs.monthly_report)
    label = truth[1].label
    out = tmp_path / f"suivi - report {label}.xlsx"
    assert text == f"Report {label} written beside this workbook: {out.name}"
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Summary" and wb.sheetnames[-1] == "Data quality"  # the English template
    assert copy.read_bytes() == example_path.read_bytes()  # the source workbook is never written


def test_a_mapping_row_changed_by_the_user_is_applied(with_settings, truth):
    """Pointing deals.amount at another column (here: the cost) changes what revenue reads."""
    payload, _ = with_settings
    sheet = next(x for x in payload["sheets"] if x["name"] == "KPI - Paramètres")
    amount = next(i for i, r in enumerate(sheet["values"], 1) if r[:3] == ["map", "deals", "amount"])
    cost = next(r for r in sheet["values"] if r[:3] == ["map", "deals", "cost"])
    edited = set_cells(payload, "KPI - Paramètres", {(amount, 5): cost[4]})
    book = new_book(edited)
    run_script(S, "refresh_kpis", book)
    acts = actions(book)
    grid = _sheet_values(acts, _position(acts, "KPI - Synthèse"))
    revenue = next(r for r in grid if r[0] == "Chiffre d'affaires")
    ds, period, results = truth
    deals = ds.tables["deals"]
    won = deals[(deals["status"] == "won") & period.contains(deals["close_date"])]
    assert _close(revenue[1], float(won["cost"].sum()))
    assert not _close(revenue[1], results["revenue"].value)


def test_a_mapping_row_naming_nothing_is_explained(with_settings):
    payload, _ = with_settings
    sheet = next(x for x in payload["sheets"] if x["name"] == "KPI - Paramètres")
    amount = next(i for i, r in enumerate(sheet["values"], 1) if r[:3] == ["map", "deals", "amount"])
    edited = set_cells(payload, "KPI - Paramètres", {(amount, 5): "Colonne qui n'existe pas"})
    book = new_book(edited)
    run_script(S, "refresh_kpis", book)
    (alert,) = _alerts(actions(book))
    assert "Colonne qui n'existe pas" in alert[0] and alert[3] == "critical"
    book = new_book(edited)
    run_script(S, "edit_settings", book)  # the user can still open the settings to fix it
    (alert,) = _alerts(actions(book))
    assert "correspondance des colonnes n'a pas pu être appliquée" in alert[0]


def test_refresh_renders_a_kpi_sheets_template_when_there_is_one(example_json, truth, tmp_path, monkeypatch):
    """A template of the KPI sheets (restyled by the user in Excel) replaces the built-in layouts."""
    from openpyxl import Workbook

    from kpis.xl import jobs

    wb = Workbook()
    ws = wb.active
    ws.title = "Vue"
    ws["A1"], ws["A2"], ws["B2"] = "Vue d'ensemble — {{ period_label }}", "CA", "{{ kpi.revenue }}"
    ws["B2"].number_format = '#,##0 "€"'
    wb.save(tmp_path / "sheets.xlsx")
    monkeypatch.setattr(jobs, "sheets_template", lambda lang, cfg=None: tmp_path / "sheets.xlsx")
    book = new_book(example_json)
    run_script(S, "refresh_kpis", book)
    acts = actions(book)
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == ["KPI - Vue", "KPI - Suivi pipeline"]
    pos = _position(acts, "KPI - Vue")
    values = _sheet_values(acts, pos)
    _, _, results = truth
    assert values[1] == ["CA", results["revenue"].value]
    assert [a["args"] for a in acts if a["func"] == "setNumberFormat" and a["sheet_position"] == pos] == [['#,##0 "€"']]
    run_script(S, "refresh_kpis", book)  # again: the same sheet, replaced
    assert [a["func"] for a in actions(book)].count("addSheet") == 2
