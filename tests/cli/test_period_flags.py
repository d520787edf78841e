"""A partial period or one outside the data is said by compute and report (stderr) and kept on the
report's Data quality sheet with the problems (a warning, not a note among the mappings)."""

from __future__ import annotations

import shutil

import openpyxl

from kpis.cli import main
from tests.report.conftest import EXAMPLES


def test_report_flags_a_partial_period(tmp_path, monkeypatch, capsys):
    shutil.copy(EXAMPLES / "suivi_commercial.xlsx", tmp_path / "suivi.xlsx")
    monkeypatch.chdir(tmp_path)
    # The example's last fact is on 2026-11-15: November is in progress.
    assert main(["report", "suivi.xlsx", "--period", "2026-11", "-o", "r.xlsx", "--no-snapshot", "--lang", "en"]) == 0
    assert "period 2026-11 is incomplete" in capsys.readouterr().err
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Data quality"]
    rows = [r for r in ws.iter_rows(values_only=True) if any(isinstance(c, str) and "incomplete" in c for c in r)]
    assert rows and "warning" in rows[0]


def test_compute_flags_a_period_outside_the_data(capsys):
    assert main(["compute", str(EXAMPLES / "suivi_commercial.xlsx"), "--period", "2019-03", "--kpi", "revenue"]) == 0
    err = capsys.readouterr().err
    assert "2019-03" in err
