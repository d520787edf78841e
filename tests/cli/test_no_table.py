"""A file with no tracking table: every verb that computes says so and exits 2 (never a page of
"n/a" and exit 0), in the user's language, the file unchanged."""

from __future__ import annotations

import hashlib

import pytest

from kpis.cli import main

VERBS = [
    ["compute", "--period", "2026-10"],
    ["commissions", "--period", "2026-10"],
    ["quota", "--period", "2026-10", "--target", "1000"],
    ["score"],
    ["report", "--period", "2026-10", "-o", "r.xlsx"],
    ["snapshot"],
    ["movement", "--period", "2026-10"],
    ["alerts"],
    ["forecast", "--period", "2026-11"],
    ["commentary", "--period", "2026-10"],
]


@pytest.fixture()
def stranger(tmp_path, monkeypatch):
    """A CSV of something else entirely: a recipe list."""
    monkeypatch.chdir(tmp_path)
    f = tmp_path / "recettes.csv"
    f.write_text("Ingrédient;Quantité;Unité\nFarine;500;g\nSucre;200;g\n", encoding="utf-8")
    return f


@pytest.mark.parametrize("verb", VERBS, ids=lambda v: v[0])
def test_no_tracking_table_exits_2_with_what_was_looked_for(stranger, capsys, verb):
    before = hashlib.sha256(stranger.read_bytes()).hexdigest()
    assert main([verb[0], str(stranger), *verb[1:]]) == 2
    err = capsys.readouterr().err
    assert "aucune table de suivi reconnue" in err and "[mapping]" in err, err
    assert main([verb[0], str(stranger), *verb[1:], "--lang", "en"]) == 2
    assert "no tracking table recognised" in capsys.readouterr().err
    assert hashlib.sha256(stranger.read_bytes()).hexdigest() == before
    assert not (stranger.parent / "r.xlsx").exists()
