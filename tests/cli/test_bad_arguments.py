"""A user's mistake in a date, a period or --from/--to: every verb says it in the user's language,
naming the option, exit 2, no traceback, the workbook unchanged.

Found in review: ``kpis commentary --as-of nope`` printed the bare key ``fc_bad_date(value='nope')``
(the forecast's messages were not loaded), ``kpis history --delete nope`` blamed ``--as-of``, a bad
``--period`` was answered in English whatever ``--lang``, a bad ``--to`` gave Python's own text."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from kpis.cli import main

CASES = [
    # (arguments after the workbook, French text, English text)
    (["forecast", "--as-of", "nope"], "--as-of : date attendue", "--as-of: expected a date"),
    (["commentary", "--as-of", "nope"], "--as-of : date attendue", "--as-of: expected a date"),
    (["alerts", "--as-of", "2026-02-30"], "--as-of : date attendue", "--as-of: expected a date"),
    (["snapshot", "--as-of", "x"], "--as-of : date attendue", "--as-of: expected a date"),
    (["history", "--delete", "nope"], "--delete : date attendue", "--delete: expected a date"),
    (["compute", "--period", "xx"], "période non reconnue « xx »", 'unrecognised period "xx"'),
    (["movement", "--period", "xx"], "période non reconnue « xx »", 'unrecognised period "xx"'),
    (["compute", "--from", "2026-01-01", "--to", "nope"], "--to : date attendue", "--to: expected a date"),
    (["compute", "--from", "2026-03-01", "--to", "2026-01-01"], "finit (2026-01-01) avant", "ends (2026-01-01) before"),
    (["report", "--from", "2026-01-01"], "--from et --to vont ensemble", "--from and --to go together"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: " ".join(c[0]))
def test_mistake_said_in_the_users_language(example_fr, tmp_path, monkeypatch, capsys, case):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    monkeypatch.chdir(tmp_path)
    wb = tmp_path / "suivi.xlsx"
    shutil.copy(example_fr, wb)
    before = hashlib.sha256(wb.read_bytes()).hexdigest()
    args, fr, en = case
    for lang, want in (("fr", fr), ("en", en)):
        assert main([args[0], str(wb), *args[1:], "--lang", lang]) == 2
        out = capsys.readouterr()
        assert want in out.err, out.err
        assert "Traceback" not in out.err + out.out and "(value=" not in out.err
    assert hashlib.sha256(wb.read_bytes()).hexdigest() == before
