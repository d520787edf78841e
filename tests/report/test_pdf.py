"""The report printed to PDF by LibreOffice reads numbers the French way in French (255 760 €,
48,1 %, 62,5 j) and the English way in English (€255,760, 48.1%, 62.5 d); ``kpis report --pdf``
writes one PDF per workbook and says clearly when LibreOffice is missing.

The pages were also rendered to PNG (pdftoppm) and looked at, in both languages: the summary with
its commentary, the forecast page and its bullet chart, a rep's page (docs/report.md)."""

from __future__ import annotations

import re
import subprocess

import pytest

from kpis.cli import main
from tests.helpers import libreoffice as lo

EXAMPLE_NUMBERS = {  # October 2026 of the example workbooks: revenue, win rate, sales cycle
    "fr": [r"255\s760\s€", r"48,1\s%", r"62,5\sj", r"\+23,7\s%"],
    "en": [r"€255,760", r"48\.1%", r"62\.5\sd", r"\+23\.7%"],
}
WRONG = {"fr": [r"€255", r"48\.1", r"62\.5"], "en": [r"255\s760", r"48,1", r"62,5"]}


def _text(pdf) -> str:
    tool = lo._require("pdftotext")
    return subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=120).stdout


@pytest.fixture(scope="module")
def pdfs(fr, en, tmp_path_factory):
    from kpis.report.pdf import pdf_path, to_pdf

    lo.soffice_path()  # skip (or fail under CI) without LibreOffice
    out = {}
    for ex in (fr, en):
        out[ex.lang] = to_pdf(ex.out, tmp_path_factory.mktemp(f"pdf_{ex.lang}") / pdf_path(ex.out).name, lang=ex.lang)
    return out


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_numbers_read_the_languages_way(pdfs, lang):
    text = _text(pdfs[lang])
    for pattern in EXAMPLE_NUMBERS[lang]:
        assert re.search(pattern, text), (lang, pattern)
    for pattern in WRONG[lang]:
        assert not re.search(pattern, text), (lang, pattern)


@pytest.mark.libreoffice
@pytest.mark.parametrize("lang, words", [("fr", ("Prévision — novembre 2026", "Probabilité d'atteindre l'objectif")),
                                         ("en", ("Forecast — November 2026", "Probability of reaching the quota"))])
def test_forecast_page_and_commentary_are_printed(pdfs, lang, words):
    text = _text(pdfs[lang])
    for w in words:
        assert w in text, w
    assert ("Principaux contributeurs" if lang == "fr" else "Main contributors") in text
    pngs = lo.pdf_to_pngs(pdfs[lang], dpi=30)
    assert len(pngs) >= 20 and all(p.stat().st_size > 0 for p in pngs)


def test_missing_libreoffice_is_said_before_any_work(example_fr, tmp_path, monkeypatch, capsys):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on this PATH
    out = tmp_path / "r.xlsx"
    assert main(["report", str(example_fr), "--period", "2026-10", "-o", str(out), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "LibreOffice n'est pas installé" in err and "--pdf" in err
    assert not out.exists()
    assert main(["report", str(example_fr), "--period", "2026-10", "-o", str(out), "--pdf", "--lang", "en"]) == 2
    assert "LibreOffice is not installed" in capsys.readouterr().err


@pytest.mark.libreoffice
def test_cli_writes_the_report_and_each_reps_pdf(example_fr, tmp_path, capsys):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    lo.soffice_path()
    out, reps = tmp_path / "rapport.xlsx", tmp_path / "fiches"
    args = ["report", str(example_fr), "--period", "2026-10", "-o", str(out), "--per-rep", str(reps), "--pdf"]
    assert main(args) == 0
    assert out.with_suffix(".pdf").is_file()
    rep_pdfs = sorted(reps.glob("*.pdf"))
    assert len(rep_pdfs) == len(list(reps.glob("*.xlsx"))) == 6
    alice = _text(next(p for p in rep_pdfs if "Alice" in p.name))
    assert "Alice Martin : chiffre d'affaires de" in alice and not re.search(r"Bruno Lefèvre :", alice)
    # an existing PDF is refused without --force, before any work
    out.unlink()
    assert main(["report", str(example_fr), "--period", "2026-10", "-o", str(out), "--pdf"]) == 2
    assert "rapport.pdf" in capsys.readouterr().err and not out.exists()
