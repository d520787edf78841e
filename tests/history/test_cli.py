"""``kpis snapshot``, ``history``, ``movement`` and ``alerts`` from the command line, on CSV exports of
a deals table at two dates (the way a user keeps dated copies of the file)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from pathlib import Path

import pytest

from kpis.cli import main

HEAD = "Deal ID,Account,Rep,Stage,Amount,Created date,Expected close date,Close date\n"
SEPT = HEAD + """\
D1,Acme,Alice,Proposal,1000,2026-09-01,2026-10-15,
D2,Beta,Bruno,Negotiation,2000,2026-09-02,2026-10-10,
D3,Gamma,Alice,Won,500,2026-08-01,,2026-09-20
D5,Epsilon,Alice,Proposal,300,2026-09-03,2026-10-01,
"""
OCT = HEAD + """\
D1,Acme,Alice,Proposal,1200.10,2026-09-01,2026-11-15,
D2,Beta,Bruno,Won,2000,2026-09-02,,2026-10-20
D4,Delta,Bruno,Proposal,,2026-10-05,2026-10-12,
"""


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def files(tmp_path: Path):
    sept, oct_ = tmp_path / "suivi_2026-09.csv", tmp_path / "suivi.csv"
    sept.write_text(SEPT)
    oct_.write_text(OCT)
    return sept, oct_, tmp_path / "suivi.kpis-history.sqlite"


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_snapshot_history_movement(files):
    sept, oct_, hist = files
    before = sha(oct_), sha(sept)
    code, out, _ = cli("snapshot", str(sept), "--as-of", "2026-09-30", "--history", str(hist), "-l", "en")
    assert code == 0 and "2026-09-30" in out and "4 deals" in out
    code, out, _ = cli("snapshot", str(oct_), "-l", "en")  # default file beside the workbook, data date
    assert code == 0 and "2026-10-20" in out and hist.is_file()
    code, out, _ = cli("history", str(oct_), "-f", "json")
    assert [s["as_of"] for s in json.loads(out)["snapshots"]] == ["2026-09-30", "2026-10-20"]
    code, out, err = cli("movement", str(oct_), "--period", "2026-10", "-f", "json", "--by", "rep")
    assert code == 0, err
    m = json.loads(out)
    # start: D1 1000 + D2 2000 + D5 300 = 3300; created D4 (no amount) 0; increased D1 +200.10;
    # won D2 2000; removed D5 300; end D1 1200.10 + D4 0 = 1200.10
    assert m["flows"] == {"start": 3300, "created": 0, "reopened": 0, "increased": 200.1, "decreased": 0,
                          "won": 2000, "lost": 0, "removed": 300, "end": 1200.1}
    assert m["counts"]["end"] == 2 and m["slipped"] == {"count": 1, "amount": 1200.1}
    assert m["b"] == {"date": "2026-10-20", "source": "workbook", "after_period": False}
    assert m["pushes"] == [{"deal_id": "D1", "rep": "Alice", "account": "Acme", "pushes": 1}]
    assert m["by_rep"]["Bruno"]["flows"]["won"] == 2000
    code, out, _ = cli("movement", str(oct_), "--period", "2026-10", "-l", "fr")
    assert code == 0 and "Pipeline de début" in out
    assert (sha(oct_), sha(sept)) == before


def test_alerts(files):
    sept, oct_, hist = files
    cli("snapshot", str(sept), "--as-of", "2026-09-30")
    code, out, err = cli("alerts", str(oct_), "--as-of", "2026-10-20", "-f", "json", "-l", "en")
    assert code == 0
    # D4: expected 10-12 < 10-20 and no amount; D1 not overdue (11-15), pushed once only
    assert json.loads(out) == [{"deal_id": "D4", "rep": "Bruno", "account": "Delta", "amount": None,
                                "reasons": ["overdue", "no_amount"]}]
    assert "stale" in err  # said, not silently skipped
    code, out, _ = cli("alerts", str(oct_), "--as-of", "2026-10-20", "-l", "fr")
    assert code == 0 and "en retard" in out and "sans montant" in out


def test_refusals(files):
    sept, oct_, hist = files
    code, _, err = cli("snapshot", str(oct_), "--history", str(oct_))
    assert code == 2 and "historique" in err
    assert oct_.read_text() == OCT
    code, _, err = cli("snapshot", str(oct_), "--as-of", "30/09/2026", "-l", "en")
    assert code == 2 and "YYYY-MM-DD" in err
    code, _, err = cli("movement", str(oct_), "--period", "2026-10", "-l", "en")
    assert code == 2 and "no history" in err
    cli("snapshot", str(oct_))
    code, _, err = cli("movement", str(oct_), "--period", "2026-10", "-l", "en")
    assert code == 2 and "no snapshot on or before 2026-09-30" in err
    code, _, err = cli("movement", str(oct_), "--period", "2026-10", "--by", "product", "-l", "en")
    assert code == 2 and "--by" in err
    code, out, _ = cli("history", str(oct_), "--delete", "2026-10-20", "-l", "en")
    assert code == 0 and "deleted" in out
    code, _, err = cli("history", str(oct_), "--delete", "2026-10-20", "-l", "en")
    assert code == 2


def test_history_config_section(files, tmp_path):
    sept, oct_, hist = files
    (tmp_path / "kpis.toml").write_text('[history]\nfile = "h/pipe.sqlite"\nstale_days = 7\n')
    code, _, err = cli("snapshot", str(oct_))
    assert code == 0, err
    assert (tmp_path / "h" / "pipe.sqlite").is_file()
    (tmp_path / "kpis.toml").write_text('[history]\nstale_dayz = 7\n')
    code, _, err = cli("snapshot", str(oct_))
    assert code == 2 and "stale_days" in err and ":2" in err


def test_deals_without_ids_are_refused_not_recorded_empty(tmp_path):
    wb = tmp_path / "noid.csv"
    wb.write_text("Account,Rep,Stage,Amount\nAcme,Alice,Proposal,100\n")
    code, _, err = cli("snapshot", str(wb), "--as-of", "2026-10-01", "-l", "en")
    assert code == 2 and "id" in err
    assert not (tmp_path / "noid.kpis-history.sqlite").exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a folder no one can write (/proc)")
def test_history_in_a_folder_that_cannot_be_written(files, tmp_path):
    # Found in review: a history that cannot be created (read-only folder) was called "not an SQLite
    # database". /proc refuses new files even to root, so this holds whoever runs the tests.
    sept, oct_, hist = files
    (tmp_path / "kpis.toml").write_text('[history]\nfile = "/proc/kpis-test.kpis-history.sqlite"\n')
    code, _, err = cli("snapshot", str(oct_), "-l", "en")
    assert code == 2 and "cannot write the history" in err and "read-only" in err and "SQLite" not in err
    code, _, err = cli("snapshot", str(oct_))
    assert code == 2 and "impossible d'écrire l'historique" in err
    assert oct_.read_text() == OCT


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a folder no one can write (/proc)")
def test_report_written_when_its_history_cannot_be(files, tmp_path):
    sept, oct_, hist = files
    (tmp_path / "kpis.toml").write_text('[history]\nfile = "/proc/kpis-test.kpis-history.sqlite"\n')
    before = sha(oct_)
    code, out, err = cli("report", str(oct_), "--period", "2026-10", "-o", str(tmp_path / "r.xlsx"), "-l", "en")
    assert code == 0 and (tmp_path / "r.xlsx").is_file()
    assert "snapshot not recorded (cannot write the history" in err and "the report is written anyway" in err
    assert sha(oct_) == before


def test_data_date_is_the_same_for_the_report_the_history_and_the_forecast(example_fr):
    # The history verbs read fewer tables than the report; their data date must not move for it
    # (their table list is now derived from the engine's FACT_TABLES, not copied).
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    from kpis.cli.common import load_cfg
    from kpis.engine import compute, reference_date
    from kpis.engine.compute import FACT_TABLES
    from kpis.forecast import forecast
    from kpis.history.service import TABLES, data_date
    from kpis.periods import month
    from kpis.reader import read_workbook

    cfg = load_cfg(None, example_fr, "fr")
    full = read_workbook(example_fr, cfg)
    part = read_workbook(example_fr, cfg, tables=list(TABLES))
    assert FACT_TABLES <= set(TABLES)
    day = reference_date(full)
    assert day is not None and data_date(part) == day
    assert compute(full, month(2026, 10), config=cfg, kpis=["revenue"]).as_of == day
    assert forecast(full, month(day.year, day.month), cfg)["as_of"] == day.isoformat()


def test_a_refused_report_records_no_snapshot(files, tmp_path):
    # Found in review: the report recorded its snapshot before checking the period and its output,
    # so `kpis report --period xx` (exit 2, no report) still wrote a history state.
    sept, oct_, hist = files
    (tmp_path / "r.xlsx").write_bytes(b"mine")
    for args in (["--period", "xx"], ["--from", "2026-10-01"], ["--period", "2026-10", "-o", str(tmp_path / "r.xlsx")]):
        code, _, err = cli("report", str(oct_), *args, "-l", "en")
        assert code == 2 and "Traceback" not in err
        assert not hist.exists(), args
    assert (tmp_path / "r.xlsx").read_bytes() == b"mine"
    code, _, err = cli("report", str(oct_), "--period", "2026-10", "-o", str(tmp_path / "r2.xlsx"), "-l", "en")
    assert code == 0 and hist.is_file() and "snapshot of" in err


def test_history_of_a_missing_workbook_is_file_not_found(tmp_path):
    # Found in review: `kpis history missing.xlsx` said "no snapshot" and exited 0.
    code, _, err = cli("history", str(tmp_path / "missing.xlsx"), "-l", "en")
    assert code == 2 and "file not found" in err


def test_the_reports_snapshot_says_what_it_left_out(tmp_path):
    """kpis report records a snapshot by itself: the rows it could not record (no id, a duplicate id)
    are said on its line, as `kpis history snapshot` says them. An amount of 1e20 (an id pasted into
    the cell) once crashed the report (the history's cents, then the forecast's): the reader leaves
    it empty and says so, and the report is written."""
    f = tmp_path / "suivi.csv"
    f.write_text(HEAD + """\
D1,Acme,Alice,Proposal,1000,2026-09-01,2026-11-15,
,Beta,Bruno,Negotiation,2000,2026-09-02,2026-11-10,
D1,Acme bis,Alice,Proposal,900,2026-09-01,2026-11-15,
D3,Gamma,Alice,Won,100000000000000000000,2026-08-01,,2026-10-20
D4,Delta,Bruno,Won,500,2026-08-01,,2026-10-21
""")
    code, _, err = cli("report", str(f), "--period", "2026-10", "-o", str(tmp_path / "r.xlsx"), "-l", "en")
    assert code == 0 and "snapshot of" in err and "Traceback" not in err, err
    assert "1 deal(s) without an id not recorded" in err
    assert "1 duplicate row(s) (same id) not recorded" in err
    code, out, err = cli("snapshot", str(f), "-l", "fr")
    assert code == 0 and "1 affaire(s) sans identifiant" in err and "1 ligne(s) en double" in err
    code, out, err = cli("validate", str(f), "-l", "en")
    assert "amount too big (9e16 or more)" in out + err
