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
