"""``kpis compute`` and ``kpis catalog`` from the command line, on the example workbooks."""

from __future__ import annotations

import json

import pytest

from kpis.cli import main
from kpis.engine import REGISTRY


@pytest.fixture(scope="module")
def fr_json(example_fr):
    """``kpis compute examples/suivi_commercial.xlsx --period 2026-10 --by rep --format json``."""
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["compute", str(example_fr), "--period", "2026-10", "--by", "rep", "--format", "json"])
    assert code == 0
    return json.loads(out.getvalue())


def test_every_kpi_is_ok_on_the_example_for_october(fr_json):
    assert fr_json["period"] == {"start": "2026-10-01", "end": "2026-10-31"}
    assert set(fr_json["kpis"]) == set(REGISTRY)
    not_ok = {k: v["reason"] for k, v in fr_json["kpis"].items() if v["status"] != "ok"}
    assert not not_ok, not_ok


def test_json_shape(fr_json):
    for k, r in fr_json["kpis"].items():
        for key in ("value", "unit", "status", "reason", "previous", "target", "by"):
            assert key in r, (k, key)
        assert r["unit"] == REGISTRY[k].unit
        if r["unit"] == "distribution":
            assert isinstance(r["value"], dict)
    wr = fr_json["kpis"]["win_rate"]
    assert 0 <= wr["value"] <= 1 and isinstance(wr["previous"], float)
    # Rep names as the reader normalised them; a ratio's breakdown is there for every rep.
    assert "Alice Martin" in wr["by"]["rep"]
    assert fr_json["kpis"]["cac"]["by"]["rep"] is None  # spend carries no rep
    assert fr_json["kpis"]["revenue"]["target"] > 0  # Σ quotas of October
    text = json.dumps(fr_json)
    assert "NaN" not in text and "Infinity" not in text


def test_english_example_gives_the_same_numbers(example_en, fr_json, capsys):
    if not example_en.exists():
        pytest.skip("examples/sales_tracking.xlsx is not generated")
    code = main(["compute", str(example_en), "--format", "json", "--lang", "en"])  # default period
    assert code == 0
    en = json.loads(capsys.readouterr().out)
    assert en["period"] == fr_json["period"]  # data as of mid-November: last complete month = October
    for k, r in en["kpis"].items():
        assert r["status"] == "ok", (k, r["reason"])
        if r["unit"] != "distribution":  # distributions hold words, translated in the English workbook
            assert r["value"] == pytest.approx(fr_json["kpis"][k]["value"]), k


def test_table_and_csv(example_fr, capsys):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    assert main(["compute", str(example_fr), "-p", "2026-10", "-k", "revenue,win_rate", "-k", "lost_reasons", "--by", "team"]) == 0
    out = capsys.readouterr().out
    assert "Chiffre d'affaires" in out and "Taux de réussite" in out and "Nord" in out
    assert main(["compute", str(example_fr), "--from", "2026-10-01", "--to", "2026-10-31", "-k", "win_rate", "-f", "csv", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("kpi,name,dimension,key,item,value")
    assert lines[1].startswith("win_rate,Win rate,")


@pytest.mark.parametrize(
    "args, words",
    [
        (["-k", "win_rat"], "win_rate"),
        (["--by", "colour"], "colour"),
        (["-p", "octobre"], "2026-Q4"),
    ],
)
def test_usage_errors_exit_2(example_fr, capsys, args, words):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    assert main(["compute", str(example_fr)] + args) == 2
    assert words in capsys.readouterr().err


def test_missing_workbook_exits_2(tmp_path, capsys):
    assert main(["compute", str(tmp_path / "nope.xlsx")]) == 2


def test_catalog(capsys):
    assert main(["catalog", "--format", "json", "--lang", "en"]) == 0
    recs = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in recs] == list(REGISTRY)
    assert recs[0]["name"] == "Revenue" and recs[0]["inputs"]
    assert main(["catalog", "--format", "markdown"]) == 0
    assert "| `win_rate` | Taux de réussite |" in capsys.readouterr().out
    assert main(["catalog"]) == 0
    assert "Taux de réussite" in capsys.readouterr().out
    assert main(["catalog", "--format", "xml"]) == 2
