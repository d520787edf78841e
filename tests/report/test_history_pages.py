"""The report's pipeline-history pages: the context (``history``, ``watch``) from a history file, the
two pages rendered (values in the cells, the waterfall chart kept), and ``kpis report`` recording a
snapshot (or not: ``--no-snapshot``, ``[history] snapshot = false``)."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pandas as pd

from kpis.cli import main
from kpis.dataset import Dataset
from kpis.history import store
from kpis.periods import parse_period
from kpis.report import default_template, render_report
from kpis.report.history_context import history_context

from ..history.helpers import past_state
from ..history.test_movement import A, B
from .conftest import EXAMPLES, PERIOD, config, find_row


def _canonical(snapshot: pd.DataFrame) -> pd.DataFrame:
    return snapshot.drop(columns=["amount_cents", "forecast_category"])


def test_context_flows_and_waterfall_parts(tmp_path):
    wb = tmp_path / "suivi.xlsx"
    wb.write_bytes(b"")  # the history is looked for beside a workbook that exists
    store.record(store.default_path(wb), _canonical(A), dt.date(2026, 9, 30))
    ds = Dataset.from_frames(deals=_canonical(B))
    ds.path = wb
    ctx = history_context(ds, parse_period("2026-10"), config("fr"), lang="fr", as_of=dt.date(2026, 10, 31))
    h = ctx["history"]
    assert h["available"] and h["note"] == "" and h["b_text"] == "31 octobre 2026"
    f = h["flows"].set_index("flow")
    # the known answers of tests/history/test_movement.py, as a waterfall: start 18 150, then
    # + 7 350 (base 18 150), + 1 350 (base 25 500), + 800 (base 26 850), − 1 000 (base 26 650),
    # − 6 400 (base 20 250), − 3 250 (base 17 000), − 750 (base 16 250), end 16 250
    assert f["amount"].tolist() == [18150, 7350, 1350, 800, 1000, 6400, 3250, 750, 16250]
    assert f["base"].tolist() == [0, 18150, 25500, 26850, 26650, 20250, 17000, 16250, 0]
    assert f.loc["created", "up"] == 7350 and f.loc["won", "down"] == 6400 and f.loc["end", "total"] == 16250
    assert (h["slipped_count"], h["slipped_amount"]) == (2, 3000)
    assert h["by_rep"].set_index("key").loc["Alice", "start"] == 6600
    w = ctx["watch"]
    assert w["available"] and w["stale_days"] == 14 and w["stuck_factor"] == "1,5"
    # open at B and overdue on 10-31: D1 (10-20), D3 (10-25)
    assert set(w["deals"]["deal_id"]) == {"D1", "D3"}


def test_no_history_says_how_to_get_one(tmp_path):
    ds = Dataset.from_frames(deals=_canonical(B))
    ds.path = tmp_path / "suivi.xlsx"
    h = history_context(ds, parse_period("2026-10"), config("en"), lang="en", as_of=dt.date(2026, 10, 31))["history"]
    assert not h["available"] and "kpis snapshot --as-of" in h["note"]
    assert h["flows"]["label"].tolist()[0] == "Starting pipeline" and len(h["flows"]) == 9


def test_pages_rendered(fr, tmp_path):
    wb = tmp_path / "suivi_commercial.xlsx"
    shutil.copy(fr.path, wb)
    store.record(store.default_path(wb), past_state(fr.ds.get("deals"), "2026-09-30"), dt.date(2026, 9, 30))
    ds = Dataset(tables=fr.ds.tables, quality=fr.ds.quality, path=wb)
    ctx = {**fr.ctx, **history_context(ds, PERIOD, fr.config, lang="fr")}
    out = render_report(default_template("report", "fr"), ctx, lang="fr").save(tmp_path / "r.xlsx")
    book = openpyxl.load_workbook(out)
    names = book.sheetnames
    # Pipeline, then the forecast (merged since), then the two history pages
    i = names.index("Pipeline")
    assert names[i + 1:i + 4] == ["Prévision", "Mouvement du pipeline", "Affaires à surveiller"]
    ws = book["Mouvement du pipeline"]
    r = find_row(ws, "Pipeline de début")
    flows = ctx["history"]["flows"]
    assert [ws.cell(r + i, 2).value for i in range(9)] == flows["amount"].tolist()
    assert ws.cell(r + 8, 1).value == "Pipeline de fin"
    # end = start + ins − outs, in the rendered cells too
    v = [ws.cell(r + i, 2).value for i in range(9)]
    assert abs(v[8] - (v[0] + v[1] + v[2] + v[3] - v[4] - v[5] - v[6] - v[7])) < 1e-6
    import zipfile

    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/") and n.endswith(".xml")]
        text = "".join(z.read(n).decode() for n in charts)
    assert "Mouvement du pipeline (équipe)" in text and "Entrées et sorties du pipeline par commercial" in text
    w = book["Affaires à surveiller"]
    assert w["A1"].value == "Affaires à surveiller — au 15 novembre 2026"
    total = find_row(w, "Total")
    assert w.cell(total - 1, 3).value is not None
    assert ctx["watch"]["count"] > 0


def test_report_records_a_snapshot_unless_told_not_to(tmp_path, monkeypatch):
    shutil.copy(EXAMPLES / "suivi_commercial.xlsx", tmp_path / "suivi.xlsx")
    monkeypatch.chdir(tmp_path)
    hist = tmp_path / "suivi.kpis-history.sqlite"
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "r1.xlsx", "--no-snapshot"]) == 0
    assert not hist.exists()
    (tmp_path / "kpis.toml").write_text("[history]\nsnapshot = false\n")
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "r2.xlsx"]) == 0
    assert not hist.exists()
    (tmp_path / "kpis.toml").unlink()
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "r3.xlsx"]) == 0
    assert [s.as_of for s in store.list_snapshots(hist)] == [dt.date(2026, 11, 15)]


def test_flows_by_team_add_up(tmp_path):
    wb = tmp_path / "suivi.xlsx"
    wb.write_bytes(b"")
    store.record(store.default_path(wb), _canonical(A), dt.date(2026, 9, 30))
    team = pd.DataFrame({"rep": ["Alice", "Bruno"], "team": ["Nord", "Sud"]})
    ds = Dataset.from_frames(deals=_canonical(B), team=team)
    ds.path = wb
    h = history_context(ds, parse_period("2026-10"), config("fr"), lang="fr", as_of=dt.date(2026, 10, 31))["history"]
    assert h["has_teams"]
    by_team = h["by_team"].set_index("key")
    assert list(by_team.index) == ["Nord", "Sud"]
    # Nord = Alice's deals: start D1 1000 + D2 2000 + D5 500 + D7 1500 + D9 1200 + D13 400 = 6 600
    assert by_team.loc["Nord", "start"] == 6600
    assert by_team["end"].sum() == 16250 and by_team["won"].sum() == 6400
