"""``kpis report`` and ``kpis template check`` end to end (the real reader, engine and templates)."""

from __future__ import annotations

import hashlib
import shutil

import openpyxl
import pytest

from kpis.cli import main
from tests.report.conftest import EXAMPLES, PLANS


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A folder with a copy of the French example and its kpis.toml (plans), as a user has it."""
    d = tmp_path_factory.mktemp("cli")
    shutil.copy(EXAMPLES / "suivi_commercial.xlsx", d / "suivi.xlsx")
    (d / "kpis.toml").write_text(PLANS, encoding="utf-8")
    return d


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_report_default_output_in_out_folder(workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "--per-rep", "fiches"]) == 0
    out = workdir / "out" / "rapport_2026-10.xlsx"
    assert out.is_file()
    assert "Rapport écrit" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "Synthèse" and "Alice Martin" in wb.sheetnames
    files = sorted(p.name for p in (workdir / "fiches").iterdir())
    assert files[0] == "fiche_2026-10_Alice Martin.xlsx" and len(files) == 6
    assert openpyxl.load_workbook(workdir / "fiches" / files[0]).sheetnames == ["Alice Martin"]
    assert not list(workdir.rglob(".*.tmp"))  # atomic writes leave no temporary file


def test_existing_output_is_refused_without_force(workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    target = workdir / "existing.xlsx"
    target.write_bytes(b"keep me")
    capsys.readouterr()
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert "existe déjà" in err and "--force" in err
    assert target.read_bytes() == b"keep me"
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", str(target), "--lang", "en"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", str(target), "--force"]) == 0
    assert openpyxl.load_workbook(target).sheetnames[0] == "Synthèse"


def test_output_over_the_source_is_refused_even_with_force(workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    before = digest(workdir / "suivi.xlsx")
    for out in ("suivi.xlsx", "./sub/../suivi.xlsx", str(workdir / "suivi.xlsx")):
        (workdir / "sub").mkdir(exist_ok=True)
        capsys.readouterr()
        assert main(["report", "suivi.xlsx", "-o", out, "--force"]) == 2
        assert "fichier source" in capsys.readouterr().err
    assert main(["report", "suivi.xlsx", "-o", "suivi.xlsx", "--force", "--lang", "en"]) == 2
    assert "source workbook" in capsys.readouterr().err
    assert digest(workdir / "suivi.xlsx") == before


def test_per_rep_files_are_refused_when_they_exist(workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    (workdir / "reps").mkdir(exist_ok=True)
    (workdir / "reps" / "fiche_2026-10_Bruno Lefèvre.xlsx").write_bytes(b"x")
    capsys.readouterr()
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "r2.xlsx", "--per-rep", "reps"]) == 2
    assert "Bruno" in capsys.readouterr().err
    assert not (workdir / "r2.xlsx").exists()  # nothing written


def test_template_mistakes_are_listed_with_sheet_and_cell(workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    bad = workdir / "bad.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Résumé"
    wb.active["C4"] = "{{ kpi.win_rat }}"
    wb.active["A6"] = "{% for r in reps %}"
    wb.save(bad)
    capsys.readouterr()
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "-o", "r3.xlsx", "--template", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Résumé!C4" in err and "kpi.win_rat" in err and "Résumé!A6" in err
    assert not (workdir / "r3.xlsx").exists()
    # the same mistakes, from the check command (no workbook needed)
    assert main(["template", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "Résumé!C4" in out and "kpi.win_rat" in out


def test_template_check_of_the_default_templates(capsys):
    from kpis.report import default_template

    for lang in ("fr", "en"):
        assert main(["template", "check", str(default_template("report", lang)), "--lang", lang]) == 0
    assert main(["template", "check", "nope.xlsx"]) == 2


def test_report_configuration_section_is_validated(workdir, monkeypatch, capsys):
    monkeypatch.chdir(workdir)
    cfg = workdir / "bad.toml"
    cfg.write_text(PLANS + '\n[report]\ncompany = "ACME"\ntemplat = "x.xlsx"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["report", "suivi.xlsx", "--config", str(cfg), "-o", "r4.xlsx"]) == 2
    err = capsys.readouterr().err
    assert "report.templat" in err and "bad.toml:" in err


def test_report_template_and_company_from_the_configuration(workdir, monkeypatch):
    from kpis.report import default_template

    monkeypatch.chdir(workdir)
    shutil.copy(default_template("report", "en"), workdir / "mine.xlsx")
    cfg = workdir / "custom.toml"
    cfg.write_text(PLANS + '\n[report]\ncompany = "ACME"\ntemplate = "mine.xlsx"\n', encoding="utf-8")
    assert main(["report", "suivi.xlsx", "--period", "2026-10", "--config", str(cfg), "-o", "r5.xlsx"]) == 0
    ws = openpyxl.load_workbook(workdir / "r5.xlsx")["Summary"]  # the configured (English) template
    assert ws["A1"].value.startswith("ACME — Sales report")


def test_commissions_output_uses_the_statements_template(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    assert main(["commissions", "suivi.xlsx", "--period", "2026-10", "-o", "releves.xlsx", "--format", "json"]) == 0
    wb = openpyxl.load_workbook(workdir / "releves.xlsx")
    assert wb.sheetnames[0] == "Synthèse" and wb["Synthèse"]["A1"].value == "Relevés de commissions — octobre 2026"
    assert main(["commissions", "suivi.xlsx", "--period", "2026-10", "-o", "suivi.xlsx"]) == 2
