"""The three verbs end to end: a generated tracking workbook, read by the reader, JSON out."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from kpis.cli import main

PLAN = """\
lang = "fr"
[plans.standard]
tiers = "marginal"
rates = [[0.0, 0.02], [0.5, 0.05], [1.0, 0.08], [1.5, 0.12]]
gate = 0.3
cap = 20000
deal_type_weights = { renewal = 0.5 }
clawback_days = 90
draw = { amount = 1000, recoverable = true }
[plans.junior]
rates = [[0.0, 0.03], [1.0, 0.06]]
ramp = true
[plans.bdr]
rates = [[0.0, 0.01]]
[[plans.standard.spiffs]]
name = "Formation"
match = { product = "Formation" }
amount = 150
"""


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    from kpis.demo.sample import build_truth, write_workbook

    d = tmp_path_factory.mktemp("calc")
    path = d / "suivi.xlsx"
    write_workbook(build_truth(seed=7), path, "fr")
    (d / "kpis.toml").write_text(PLAN, encoding="utf-8")
    return path


def _json(capsys, args: list[str]) -> tuple[int, dict]:
    capsys.readouterr()
    rc = main(args + ["--format", "json"])
    return rc, json.loads(capsys.readouterr().out)


def test_commissions_json(workbook, capsys, tmp_path):
    out = tmp_path / "statements.xlsx"
    rc, data = _json(capsys, ["commissions", str(workbook), "--period", "2026-10", "-o", str(out)])
    assert rc == 0, data.get("warnings")
    assert data["period"] == {"start": "2026-10-01", "end": "2026-10-31", "label": "2026-10"}
    assert data["reps"], "no statement"
    for rep, s in data["reps"].items():
        for k in ("credited", "quota", "attainment", "commission", "spiffs", "clawbacks", "draw", "payable", "lines"):
            assert k in s, (rep, k)
        lines = round(sum(ln["commission"] for ln in s["lines"]), 2)
        assert lines == pytest.approx(s["commission"])
        assert round(lines + s["spiffs"] - s["clawbacks"] - s["recovered"] + s["deferred"] + s["draw"], 2) == pytest.approx(s["payable"])
    wb = load_workbook(out)
    assert len(wb.sheetnames) == 1 + len(data["reps"])


def test_commissions_exit_1_on_unpaid_reps(workbook, capsys, tmp_path):
    only = tmp_path / "only.toml"
    only.write_text('[plans.standard]\nrates = [[0, 0.05]]\n', encoding="utf-8")
    rc, data = _json(capsys, ["commissions", str(workbook), "--period", "2026-10", "--config", str(only)])
    # the team table puts reps on plans "Junior" and "BDR" that this file does not define
    assert rc == 1
    assert {w["code"] for w in data["warnings"]} >= {"calc_unknown_plan"}


def test_commissions_usage_errors(workbook, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[plans.standard]\nrates = [[0, 5]]\n', encoding="utf-8")
    assert main(["commissions", str(workbook), "--period", "2026-10", "--config", str(bad)]) == 2
    assert "plans.standard.rates" in capsys.readouterr().err
    assert main(["commissions", str(workbook), "--period", "2026-Q4"]) == 2  # monthly plan


def test_quota_json(workbook, capsys):
    rc, data = _json(capsys, ["quota", str(workbook), "--period", "2026-12", "--target", "300000", "--method", "history"])
    assert rc == 0
    assert data["total"] == pytest.approx(300000.0) and data["gap"] == pytest.approx(0.0)
    rep = next(iter(data["reps"].values()))
    for k in ("capacity", "full_quota", "quota", "average_deal_size", "win_rate", "rates_from", "deals_needed",
              "pipeline_needed", "opportunities_needed", "meetings_needed", "calls_needed"):
        assert k in rep
    assert main(["quota", str(workbook), "--period", "2026-12"]) == 2  # no target


def test_score_json(workbook, capsys):
    rc, data = _json(capsys, ["score", str(workbook), "--top", "5"])
    assert rc == 0 and data["entity"] == "leads" and len(data["rows"]) == 5
    scores = [r["score"] for r in data["rows"]]
    assert scores == sorted(scores, reverse=True)
    assert all(r["band"] in ("hot", "warm", "cold") for r in data["rows"])
    rc, data = _json(capsys, ["score", str(workbook), "--customers"])
    assert rc == 0 and data["entity"] == "customers" and data["rows"]


def test_table_output_in_english(workbook, capsys):
    capsys.readouterr()
    main(["commissions", str(workbook), "--period", "2026-10", "--lang", "en", "--lines"])
    out = capsys.readouterr().out
    assert "Commission statement" in out and "Payable" in out
