"""The content cache of ``kpis report`` (kpis/cache.py, docs/cache.md): a second report of an
unchanged workbook is the first one's file, served without reading the workbook; a corrupt entry,
``--no-cache`` or a changed history recompute it; the cache lives in KPIS_CACHE_DIR, never beside
the user's file."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from kpis import cache
from kpis.cli import main
from kpis.config import Config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "suivi_commercial.xlsx"


def _digest(p: Path) -> str:
    return hashlib.blake2b(p.read_bytes()).hexdigest()


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    shutil.copy(EXAMPLE, tmp_path / "suivi.xlsx")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _entries() -> list[Path]:
    return sorted(cache.cache_dir().glob("report/*.kpc"))


def test_second_report_comes_from_the_cache(folder, capsys):
    source = _digest(folder / "suivi.xlsx")
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "a.xlsx"]) == 0
    first = capsys.readouterr()
    assert "Rapport écrit" in first.out and "instantané du" in first.err  # the snapshot was recorded
    assert len(_entries()) == 1 and Path(os.environ["KPIS_CACHE_DIR"]) in _entries()[0].parents
    history = folder / "suivi.kpis-history.sqlite"
    state = cache.file_state(history)

    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "b.xlsx"]) == 0
    second = capsys.readouterr()
    assert "repris du cache" in second.out and "déjà enregistré" in second.err
    assert (folder / "a.xlsx").read_bytes() == (folder / "b.xlsx").read_bytes()
    assert cache.file_state(history) == state  # nothing recorded twice
    # the default output name comes back from the entry; an existing file still needs --force
    assert main(["report", "suivi.xlsx", "--period", "2026-10"]) == 0
    assert (folder / "out" / "rapport_2026-10.xlsx").read_bytes() == (folder / "a.xlsx").read_bytes()
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "a.xlsx"]) == 2
    assert _digest(folder / "suivi.xlsx") == source
    assert sorted(p.name for p in folder.iterdir()) == ["a.xlsx", "b.xlsx", "out", "suivi.kpis-history.sqlite", "suivi.xlsx"]

    # a corrupt entry is ignored: the report is computed again (and the entry rewritten)
    entry = _entries()[0]
    entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")
    capsys.readouterr()
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "c.xlsx", "--force"]) == 0
    assert "repris du cache" not in capsys.readouterr().out
    assert cache.load("report", entry.stem) is not None

    # --no-cache computes; a history changed by someone else invalidates the entry
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "d.xlsx", "--no-cache"]) == 0
    assert "repris du cache" not in capsys.readouterr().out
    history.unlink()
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "e.xlsx"]) == 0
    assert "repris du cache" not in capsys.readouterr().out and history.is_file()


def test_a_cached_report_is_never_written_over_its_template(folder, capsys):
    from kpis.report import default_template

    shutil.copy(default_template("report", "fr"), folder / "modele.xlsx")
    kept = _digest(folder / "modele.xlsx")
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-t", "modele.xlsx", "-o", "a.xlsx"]) == 0
    capsys.readouterr()
    # the same inputs again: served from the cache, with the full run's refusals
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-t", "modele.xlsx", "-o", "modele.xlsx",
                 "--force"]) == 2
    assert "modèle" in capsys.readouterr().err and _digest(folder / "modele.xlsx") == kept
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-t", "modele.xlsx", "-o", "b.xlsm"]) == 2
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-t", "modele.xlsx", "-o", "b.xlsx"]) == 0
    assert "repris du cache" in capsys.readouterr().out


def test_history_path_is_the_history_verbs_one(tmp_path):
    # the cached path asks the history verbs' own rule, which stays light (no pandas, no store)
    import subprocess
    import sys

    from kpis.history.settings import history_file
    from kpis.history.store import default_path

    wb = tmp_path / "suivi.xlsx"
    assert history_file(Config(), wb) == default_path(wb) == tmp_path / "suivi.kpis-history.sqlite"
    cfg = Config(path=tmp_path / "kpis.toml", history={"file": "hist/pipeline.sqlite"})
    assert history_file(cfg, wb) == tmp_path / "hist" / "pipeline.sqlite"
    code = ("import sys; from pathlib import Path; from kpis.config import Config; from kpis.history.settings import "
            "history_file; history_file(Config(), Path('w.xlsx')); print('pandas' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


def test_entries_are_checked_bounded_and_never_fail():
    key = cache.Hasher("t").add("a", b"b").hexdigest()
    assert key != cache.Hasher("t").add("ab").hexdigest()  # parts are length-prefixed
    assert cache.store("t", key, b"payload", {"x": 1})
    assert cache.load("t", key).payload == b"payload"
    path = cache.cache_dir() / "t" / f"{key}.kpc"
    other = cache.cache_dir() / "t" / ("0" * 64 + ".kpc")
    shutil.copy(path, other)
    assert cache.load("t", "0" * 64) is None  # an entry filed under another key is foreign
    path.write_bytes(b"not a cache entry")
    assert cache.load("t", key) is None
    path.write_bytes(b"")
    assert cache.load("t", key) is None
    for i in range(5):
        cache.store("t", f"{i:064d}", bytes(1000), {})
    assert cache.prune(limit=2500) >= 3
    assert sum(p.stat().st_size for p in cache.cache_dir().glob("*/*.kpc")) <= 2500
