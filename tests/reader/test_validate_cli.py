"""``kpis validate``: the layout found, each problem with sheet, row, column, value and reason; exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from typer.testing import CliRunner

from kpis.cli import app

from .helpers import write_xlsx

D = dt.date


@pytest.fixture
def bad_workbook(tmp_path):
    return write_xlsx(tmp_path / "suivi.xlsx", {
        "Affaires": [["Suivi 2026"], [], ["N° affaire", "Client", "Commercial", "Montant HT (€)", "Date de signature", "Étape"],
                     [1, "ACME", "Alice", 1000, D(2026, 10, 1), "Gagné"],
                     [2, "Beta", "Alice", "12k", D(2026, 10, 2), "Perdu"],
                     [3, "Gamma", "Bob", 500, "32/13/2026", None],
                     ["Total", None, None, 1500, None, None]],
        "Activités": [["Date", "Commercial", "Type"], ["hier", "Alice", "Appel"], [D(2026, 10, 1), "Bob", "Appel"]],
        "Notes": [["Remarques"]],
    })


def invoke(*args: str):
    return CliRunner().invoke(app, ["validate", *map(str, args)])


def test_french_report_lists_each_bad_row(bad_workbook):
    r = invoke(bad_workbook, "--lang", "fr")
    assert r.exit_code == 1, r.output
    out = r.output
    assert "Tables reconnues" in out and "Affaires!A3:F7" in out and "Montant HT (€) → Montant" in out  # fields by their label
    assert "Notes" in out and "Feuilles laissées de côté" in out
    lines = out.splitlines()

    def line_with(*parts):
        found = [ln for ln in lines if all(p in ln for p in parts)]
        assert found, (parts, out)
        return found[0]

    line_with("Affaires", "5", "Montant HT (€)", "12k", "laissé vide", "multiplicateur")
    line_with("Affaires", "6", "Étape", "ligne écartée", "valeur obligatoire absente")
    line_with("Affaires", "7", "Total", "ignoré", "ligne de total")
    line_with("Activités", "2", "Date", "hier", "ligne écartée", "date illisible")
    assert "2 ligne(s) écartée(s)" in out


def test_english_report(bad_workbook):
    r = invoke(bad_workbook, "--lang", "en")
    assert r.exit_code == 1
    out = r.output
    assert "Tables found" in out and "Data-quality report" in out
    assert any("12k" in ln and "left empty" in ln and "multiplier" in ln for ln in out.splitlines())
    assert any("hier" in ln and "row skipped" in ln and "unreadable date" in ln for ln in out.splitlines())
    assert "2 row(s) skipped" in out


def test_json_and_csv_formats(bad_workbook):
    r = invoke(bad_workbook, "--format", "json", "--lang", "en")
    assert r.exit_code == 1
    data = json.loads(r.output)
    assert data["exit_code"] == 1 and data["counts"]["skipped"] == 2
    deals = next(t for t in data["tables"] if t["table"] == "deals")
    assert deals["range"] == "Affaires!A3:F7" and deals["columns"]["amount"] == "Montant HT (€)"
    skipped = [i for i in data["issues"] if i["action"] == "skipped"]
    assert {(i["sheet"], i["row"], i["column"]) for i in skipped} == {("Affaires", 6, "Étape"), ("Activités", 2, "Date")}
    assert all(i["reason"] for i in data["issues"])

    r = invoke(bad_workbook, "--format", "csv", "--lang", "fr")
    assert r.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert {"sheet", "row", "column", "value", "action", "reason"} <= set(rows[0])
    assert any(x["value"] == "12k" and x["row"] == "5" and x["action"] == "left_empty" for x in rows)


def test_clean_workbook_exits_0(tmp_path):
    path = write_xlsx(tmp_path / "ok.xlsx", {"Affaires": [["Client", "Étape", "Montant"], ["A", "Gagné", 1]]})
    r = invoke(path, "-l", "en")
    assert r.exit_code == 0, r.output
    assert "No problems" in r.output


def test_unsupported_file_exits_2_with_a_message(tmp_path):
    path = tmp_path / "suivi.ods"
    path.write_bytes(b"x")
    r = invoke(path, "--lang", "fr")
    assert r.exit_code == 2
    assert "n'est pas un classeur" in r.output and "fichier texte" in r.output and "Traceback" not in r.output


def test_missing_file_and_config_errors_exit_2(tmp_path, bad_workbook):
    assert invoke(tmp_path / "absent.xlsx").exit_code == 2
    cfg = tmp_path / "kpis.toml"
    cfg.write_text('[mapping.deals]\nsheet = "Nulle part"\n', encoding="utf-8")
    r = invoke(bad_workbook, "--config", cfg)
    assert r.exit_code == 2 and "kpis.toml:2" in r.output and "Traceback" not in r.output


def test_bad_format_exits_2(bad_workbook):
    assert invoke(bad_workbook, "--format", "xml").exit_code == 2


def test_main_entry_point_returns_the_code(bad_workbook):
    from kpis.cli import main

    assert main(["validate", str(bad_workbook), "--format", "json"]) == 1


def test_every_problem_kind_is_capped_and_a_summary_ends_the_report(tmp_path):
    # 500 ids each on two rows: 500 duplicate_id notes, 200 shown, one line for the other 300.
    rows = [["N° affaire", "Client", "Étape", "Montant"]] + [[k // 2, "A", "Gagné", 10] for k in range(1000)]
    path = write_xlsx(tmp_path / "dups.xlsx", {"Affaires": rows})
    out = CliRunner().invoke(app, ["validate", str(path), "--lang", "en"], env={"COLUMNS": "250"}).output
    assert out.count("duplicate id") == 200
    assert "300 more line(s) of this kind" in out
    assert out.strip().splitlines()[-1].startswith("0 row(s) skipped")
    full = CliRunner().invoke(app, ["validate", str(path), "--format", "csv"]).output
    assert sum(1 for r in csv.DictReader(io.StringIO(full)) if r["code"] == "duplicate_id") == 500
