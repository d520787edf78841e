"""Report workbooks printed to PDF through LibreOffice headless (``soffice --convert-to pdf``).

* LibreOffice runs with a private, throw-away profile (``-env:UserInstallation``): it never touches
  the user's own LibreOffice settings, and parallel runs never collide. The profile tells it to
  recalculate formulas on load (the templates' totals are formulas without cached values) and sets
  its locale to the report's language (``fr-FR`` / ``en-US``): number formats in a workbook carry no
  language, LibreOffice writes them with its locale's separators, so the French PDF reads
  ``255 760 €``, ``48,1 %``, ``62,5 j`` and the English one ``€255,760``, ``48.1%``, ``62.5 d``.
* A timeout bounds the run; the PDF is written atomically (:mod:`kpis.atomic`) beside the workbook
  or where asked, and never over an existing file unless forced (checked by the caller).
* Without LibreOffice, :class:`PdfError` says so in the user's language (how to install it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..atomic import write_atomic
from ..errors import KpisError
from ..i18n import normalise_lang, register

TIMEOUT = int(os.environ.get("KPIS_SOFFICE_TIMEOUT", "180"))
LOCALES = {"fr": "fr-FR", "en": "en-US"}

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>{locale}</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="DecimalSeparatorAsLocale" oor:op="fuse"><value>true</value></prop></item>
</oor:items>
"""

register({
    "pdf_step": {"fr": "Impression en PDF ({n} fichier(s), LibreOffice)", "en": "Printing to PDF ({n} file(s), LibreOffice)"},
    "pdf_written": {"fr": "PDF écrit(s) : {n}, dont {path}", "en": "PDF written: {n}, including {path}"},
    "pdf_no_soffice": {
        "fr": "PDF impossible : LibreOffice n'est pas installé (commande soffice introuvable). Installez-le "
              "(https://fr.libreoffice.org, ou « apt install libreoffice-calc ») puis relancez, ou retirez --pdf.",
        "en": "cannot make a PDF: LibreOffice is not installed (no soffice command). Install it "
              "(https://www.libreoffice.org, or \"apt install libreoffice-calc\") and run again, or leave out --pdf.",
    },
    "pdf_failed": {
        "fr": "LibreOffice n'a pas pu convertir {path} en PDF : {error}",
        "en": "LibreOffice could not convert {path} to PDF: {error}",
    },
    "pdf_timeout": {
        "fr": "LibreOffice n'a pas fini de convertir {path} en PDF en {seconds} s (variable KPIS_SOFFICE_TIMEOUT pour attendre plus)",
        "en": "LibreOffice did not finish converting {path} to PDF within {seconds} s (set KPIS_SOFFICE_TIMEOUT to wait longer)",
    },
})


class PdfError(KpisError):
    """The PDF could not be made (no LibreOffice, a failure, a timeout): a message for the user."""


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def require_soffice(lang: str) -> str:
    """The LibreOffice command, or :class:`PdfError` saying how to install it."""
    exe = soffice()
    if exe is None:
        raise PdfError("pdf_no_soffice", lang)
    return exe


def pdf_path(workbook: str | os.PathLike) -> Path:
    """The PDF beside a workbook: ``out/rapport_2026-10.pdf`` for ``out/rapport_2026-10.xlsx``."""
    return Path(workbook).with_suffix(".pdf")


def to_pdf(workbook: str | os.PathLike, pdf: str | os.PathLike, *, lang: str, timeout: int = TIMEOUT) -> Path:
    """Print ``workbook`` to ``pdf`` with LibreOffice in the locale of ``lang``; returns the PDF path."""
    return to_pdfs([(workbook, pdf)], lang=lang, timeout=timeout)[0]


def to_pdfs(pairs, *, lang: str, timeout: int = TIMEOUT) -> list[Path]:
    """Print each ``(workbook, pdf)`` pair in one LibreOffice run (its start-up is the slow part).
    Workbooks must have distinct file names. Every PDF is converted before the first is written."""
    lang = normalise_lang(lang)
    pairs = [(Path(w).resolve(), Path(p)) for w, p in pairs]
    if not pairs:
        return []
    exe = require_soffice(lang)
    src = pairs[0][0]
    locale = LOCALES[lang]
    work = Path(tempfile.mkdtemp(prefix="kpis_pdf_"))
    try:
        user = work / "profile" / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_PROFILE.format(locale=locale), encoding="utf-8")
        out = work / "out"
        # The profile sets LibreOffice's locale; the process only needs UTF-8 file names (C.UTF-8
        # exists everywhere, fr_FR.UTF-8 may not be generated on a server).
        env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": str(work)}
        cmd = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out), *[str(w) for w, _ in pairs]]
        limit = timeout * len(pairs)
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit, env=env)
        except subprocess.TimeoutExpired:
            raise PdfError("pdf_timeout", lang, path=src.name, seconds=limit) from None
        made = [(out / f"{w.stem}.pdf", p, w) for w, p in pairs]
        for m, _, w in made:
            if proc.returncode != 0 or not m.is_file():
                error = (proc.stderr or proc.stdout or f"exit {proc.returncode}").strip().splitlines()
                raise PdfError("pdf_failed", lang, path=w.name, error=error[-1] if error else "")
        return [write_atomic(p, m.read_bytes()) for m, p, _ in made]
    finally:
        shutil.rmtree(work, ignore_errors=True)
