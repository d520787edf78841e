"""``kpis forecast`` from the command line: on the example workbook and on bad options."""

from __future__ import annotations

import json

import pytest

from kpis.cli import main


def _run(capsys, *args):
    code = main(["forecast", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_on_the_example(example_fr, capsys):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    code, out, _ = _run(capsys, example_fr, "--period", "2026-11", "--by", "rep", "--format", "json")
    assert code == 0
    r = json.loads(out)
    for key in ("won", "open_count", "open_amount", "weighted", "forecast", "run_rate", "quota", "p_hit_quota",
                "p10", "p50", "p90", "method", "commit", "best_case", "pacing"):
        assert key in r, key
    assert r["as_of"] == "2026-11-15"  # the data's date, as in the report
    assert r["forecast"] == pytest.approx(r["won"] + r["weighted"])
    assert r["p10"] <= r["p50"] <= r["p90"]
    assert r["method"] in ("exact", "simulation")
    assert sum(x["won"] for x in r["by"]["rep"].values()) == pytest.approx(r["won"])
    assert "NaN" not in out


def test_table_in_both_languages(example_fr, capsys):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    code, out, _ = _run(capsys, example_fr, "--period", "2026-11", "--as-of", "2026-11-10", "--quota", "200000")
    assert code == 0 and "Probabilité d'atteindre l'objectif" in out and "200 000" in out.replace("\u202f", " ")
    code, out, _ = _run(capsys, example_fr, "--period", "2026-11", "--lang", "en")
    assert code == 0 and "Probability of reaching the quota" in out


@pytest.mark.parametrize("args, word", [
    (["--as-of", "13/11/2026"], "--as-of"),
    (["--quota", "beaucoup"], "--quota"),
    (["--by", "product"], "--by"),
    (["--period", "2026-13"], "2026-13"),
])
def test_usage_errors(example_fr, capsys, args, word):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    code, _, err = _run(capsys, example_fr, *args)
    assert code == 2 and word in err and "Traceback" not in err


def test_a_crm_export_with_forecast_categories(tmp_path, capsys):
    """A Salesforce-like export: the Forecast Category column is read and gives commit / best case.
    Won to date 10 000; open in November: Commit 20 000, Best Case 5 000, Pipeline 8 000, Omitted
    4 000 → commit 30 000, best case 35 000."""
    csv = tmp_path / "opportunities.csv"
    csv.write_text(
        "Opportunity ID,Opportunity Owner,Stage,Amount,Created Date,Close Date,Expected Close Date,Forecast Category\n"
        "1,Alice,Closed Won,10000,2026-10-01,2026-11-03,,Closed\n"
        "2,Alice,Negotiation,20000,2026-10-02,,2026-11-20,Commit\n"
        "3,Bob,Proposal,5000,2026-10-03,,2026-11-25,Best Case\n"
        "4,Bob,Qualification,8000,2026-10-04,,2026-11-28,Pipeline\n"
        "5,Bob,Prospecting,4000,2026-10-05,,2026-11-29,Omitted\n",
        encoding="utf-8",
    )
    code = main(["forecast", str(csv), "--period", "2026-11", "--as-of", "2026-11-10", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    r = json.loads(out)
    assert r["won"] == 10_000 and r["open_count"] == 4
    assert (r["commit"], r["best_case"]) == (30_000, 35_000)
