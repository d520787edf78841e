"""No verb writes over a file it reads; every ``-o`` is honoured or refused; ``--force`` everywhere.

Each verb that writes is pointed at its own inputs -- the workbook by several spellings (relative,
``..``, absolute, a symbolic link, a hard link) and its configuration -- and must refuse before any
work, with exit code 2, a message in the user's language, and the input's bytes unchanged.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from kpis.cli import app, main
from tests.report.conftest import EXAMPLES, PLANS


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def workdir(tmp_path, monkeypatch):
    """A user's folder: the French example and its kpis.toml; the working directory."""
    shutil.copy(EXAMPLES / "suivi_commercial.xlsx", tmp_path / "suivi.xlsx")
    (tmp_path / "kpis.toml").write_text(PLANS, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


# (verb arguments before -o, the suffix its output takes)
WRITERS = [
    (["compute", "suivi.xlsx", "--period", "2026-10", "--format", "json"], ".json"),
    (["compute", "suivi.xlsx", "--period", "2026-10", "--format", "csv"], ".csv"),
    (["commissions", "suivi.xlsx", "--period", "2026-10"], ".xlsx"),
    (["report", "suivi.xlsx", "--period", "2026-10"], ".xlsx"),
    (["forecast", "suivi.xlsx", "--period", "2026-11", "--format", "json"], ".json"),
    (["commentary", "suivi.xlsx", "--period", "2026-10"], ".txt"),
]


def spellings_of_the_workbook(d: Path) -> list[str]:
    os.symlink(d / "suivi.xlsx", d / "lien.xlsx")
    os.link(d / "suivi.xlsx", d / "dur.xlsx")
    return ["suivi.xlsx", "./sub/../suivi.xlsx", str(d / "suivi.xlsx"), "lien.xlsx", "dur.xlsx"]


@pytest.mark.parametrize("args,suffix", WRITERS, ids=lambda a: " ".join(a) if isinstance(a, list) else a)
def test_no_verb_writes_over_the_workbook_or_its_configuration(workdir, capsys, args, suffix):
    before = {p: digest(workdir / p) for p in ("suivi.xlsx", "kpis.toml")}
    targets = spellings_of_the_workbook(workdir) + ["kpis.toml"]
    for target in targets:
        for extra in ([], ["--force"]):
            capsys.readouterr()
            assert main(args + ["-o", target] + extra) == 2, (target, extra)
            err = capsys.readouterr().err
            assert "refusé" in err and Path(target).name in err, err
    capsys.readouterr()
    assert main(args + ["-o", "suivi.xlsx", "--force", "--lang", "en"]) == 2
    assert "refused" in capsys.readouterr().err
    assert {p: digest(workdir / p) for p in before} == before
    assert not list(workdir.rglob(".*.tmp"))


@pytest.mark.parametrize("args,suffix", WRITERS, ids=lambda a: " ".join(a) if isinstance(a, list) else a)
def test_an_existing_output_needs_force(workdir, capsys, args, suffix):
    target = workdir / f"existing{suffix}"
    target.write_bytes(b"keep me")
    assert main(args + ["-o", str(target)]) == 2
    assert "--force" in capsys.readouterr().err
    assert target.read_bytes() == b"keep me"
    assert main(args + ["-o", str(target), "--force"]) in (0, 1)
    assert target.read_bytes() != b"keep me" and target.stat().st_size > 100


def test_an_output_of_another_type_is_refused(workdir, capsys):
    other = workdir / "autre.xlsx"
    other.write_bytes(b"a workbook of the user's")
    assert main(["compute", "suivi.xlsx", "--period", "2026-10", "--format", "csv", "-o", str(other), "--force"]) == 2
    assert ".csv" in capsys.readouterr().err
    assert other.read_bytes() == b"a workbook of the user's"


def test_table_format_with_an_output_is_refused_not_ignored(workdir, capsys):
    assert main(["compute", "suivi.xlsx", "--period", "2026-10", "-o", "r.json", "--lang", "en"]) == 2
    assert "--format json" in capsys.readouterr().err
    assert main(["catalog", "-o", "c.md"]) == 2
    assert "--format markdown" in capsys.readouterr().err
    assert not (workdir / "r.json").exists() and not (workdir / "c.md").exists()


def test_outputs_are_written_when_asked(workdir, capsys):
    assert main(["compute", "suivi.xlsx", "--period", "2026-10", "--format", "json", "-o", "r.json"]) == 0
    assert (workdir / "r.json").read_text(encoding="utf-8").lstrip().startswith("{")
    assert main(["catalog", "--format", "markdown", "-o", "c.md"]) == 0
    assert "win_rate" in (workdir / "c.md").read_text(encoding="utf-8")
    assert capsys.readouterr().out == ""  # written, not printed


def _format_choices(command) -> tuple[str, ...] | None:
    for p in command.params:
        if "--format" in getattr(p, "opts", ()):
            return tuple(x.strip() for x in p.help.rstrip(".").split(","))
    return None


def test_every_verbs_format_help_lists_what_it_accepts(workdir, capsys):
    """``--format`` help == the formats the verb accepts: each listed one passes the check, and a bad
    one is refused with exactly that list."""
    import typer.main

    group = typer.main.get_command(app)
    checked = 0
    for name, command in group.commands.items():
        choices = _format_choices(command)
        if choices is None:
            continue
        workbook = [] if name == "catalog" else ["suivi.xlsx"]
        capsys.readouterr()
        assert main([name, *workbook, "--format", "bogus"]) == 2, name
        said = re.search(r"--format: (.*)", capsys.readouterr().err).group(1).strip()
        assert tuple(said.split(" / ")) == choices, (name, said, choices)
        checked += 1
    assert checked >= 6
