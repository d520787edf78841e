"""Every word a user reads is in their language: every verb, run with ``--lang fr`` and ``--lang en``
on the example workbooks, prints no internal id and no telltale word of the other language.

What counts as an internal id: table and field ids (``deals``, ``deal_id``, ``deals.created_date``),
category ids (``opportunity``, ``sql``, ``no_answer``), role ids (``AE``), plan ids where a plan
title exists, message codes and any other ``snake_case`` name, Python reprs (``PosixPath(``,
``nan``, ``None``). Only the human formats are checked (table, text, markdown, the report workbook):
JSON and CSV are for machines and keep the ids on purpose.

The allowed exceptions are in :data:`ALLOWED`, each with its reason; keep that list short.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest

from kpis.cli import main
from kpis.engine.registry import REGISTRY
from kpis.schema import TABLES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BOOK = {"fr": "suivi_commercial.xlsx", "en": "sales_tracking.xlsx"}

# (name, arguments after the verb; {wb} is the language's example workbook, {out} a fresh folder)
VERBS: list[tuple[str, list[str]]] = [
    ("validate", ["validate", "{wb}"]),
    ("init", ["init", "{wb}", "-o", "{out}/proposal.toml"]),
    ("compute", ["compute", "{wb}", "--period", "2026-10"]),
    ("compute by rep", ["compute", "{wb}", "--period", "2026-10", "--by", "rep", "--kpi", "revenue,funnel,win_rate"]),
    ("catalog", ["catalog"]),
    ("catalog markdown", ["catalog", "--format", "markdown"]),
    ("commissions", ["commissions", "{wb}", "--period", "2026-10"]),
    ("commissions lines", ["commissions", "{wb}", "--period", "2026-10", "--lines"]),
    ("quota", ["quota", "{wb}", "--period", "2026-Q4", "--target", "300000"]),
    ("quota history", ["quota", "{wb}", "--period", "2026-Q4", "--target", "300000", "--method", "history"]),
    ("score leads", ["score", "{wb}", "--top", "40"]),
    ("score customers", ["score", "{wb}", "--customers", "--top", "40"]),
    ("snapshot", ["snapshot", "{wb}", "--as-of", "2026-09-30", "--history", "{out}/h.sqlite"]),
    ("history", ["history", "{wb}", "--history", "{out}/h.sqlite"]),
    ("movement", ["movement", "{wb}", "--period", "2026-10", "--history", "{out}/h.sqlite"]),
    ("alerts", ["alerts", "{wb}", "--history", "{out}/h.sqlite"]),
    ("forecast", ["forecast", "{wb}", "--period", "2026-11", "--by", "rep"]),
    ("commentary", ["commentary", "{wb}", "--period", "2026-10"]),
    ("report", ["report", "{wb}", "--period", "2026-10", "-o", "{out}/report.xlsx", "--no-snapshot"]),
    ("template check", ["template", "check", "{out}/missing.xlsx"]),
    ("bad period", ["compute", "{wb}", "--period", "2026-13"]),
    ("bad option value", ["quota", "{wb}", "--period", "2026-Q4"]),
    ("missing workbook", ["validate", "{out}/absent.xlsx"]),
]

# -- what must not be shown --------------------------------------------------------------------------
TABLE_IDS = tuple(TABLES)
SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w(])")
TABLE_FIELD = re.compile(rf"\b(?:{'|'.join(TABLE_IDS)})\.[a-z_]+\b")
LOWER_STAGE_IDS = re.compile(r"\b(?:mql|sql)\b")  # the labels are MQL and SQL
ROLE_IDS = re.compile(r"\b(?:AE|SDR|BDR)\b")
REPRS = re.compile(r"PosixPath\(|WindowsPath\(|Timestamp\(|np\.float|numpy|object at 0x|Traceback|<class |"
                   r"\bnan\b|\bNaN\b|\bNaT\b|\bNone\b|\{'|\b\w+\(\w+=")
# Telltale words of the other language (whole words, case-insensitive), chosen so that neither the
# examples' own data (names, products, sources) nor the product's words in that language use them.
ENGLISH = ("the", "and", "with", "without", "missing", "unrecognised", "unrecognized", "equal", "history", "growth",
           "won", "lost", "deal", "deals", "rep", "reps", "lead", "leads", "stage", "amount", "target", "none",
           "customers", "activities", "expected", "required", "warning", "hot", "warm", "cold", "not", "found", "rows",
           "opportunity", "disqualified")
# ("et" is not in the list: the English example's accounts are French companies, "Besson et Associés".)
FRENCH = ("le", "la", "les", "des", "du", "avec", "sans", "affaire", "affaires", "période", "objectif", "équipe",
          "donnée", "données", "oui", "mois", "chaud", "tiède", "froid", "gagnée", "perdue", "ligne", "lignes",
          "colonne", "feuille", "aucun", "aucune", "sinon", "taux", "relevé", "prospects", "introuvable", "n.d.")


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])", re.I)


OTHER_LANGUAGE = {"fr": _words(ENGLISH), "en": _words(FRENCH)}

# -- the allowed exceptions, each with its reason ----------------------------------------------------
KPI_IDS = set(REGISTRY)
ALLOWED = {
    # KPI ids are names users type (`kpis compute --kpi win_rate`, `{{ kpi.win_rate }}` in templates):
    # compute and the catalogue show them in their "id" column so users can find them.
    "kpi ids": lambda verb, text: _drop(text, KPI_IDS) if verb.startswith(("compute", "catalog")) else text,
    # The user's own words from kpis.toml: plan titles ("Plan AE 2026") are shown as written.
    "plan titles": lambda verb, text: text.replace("Plan AE 2026", "").replace("Plan BDR", ""),
    # File names the user gave or kpis writes beside the workbook (suivi_commercial.kpis-history.sqlite).
    "file names": lambda verb, text: re.sub(r"[\w./-]+\.(?:xlsx|toml|sqlite|md|txt)\b", "", text),
    # Options, their values and configuration keys are what the user types: `--method growth`,
    # `[stage_probability]`, `date_order`.
    "options and keys": lambda verb, text: re.sub(r"--[a-z-]+(?: (?:equal|history|growth|rep|team)\b)?|\[[a-z_.]+\]|"
                                                  r"\b(?:date_order|header_row|default_plan)\b", "", text),
    # A role label may give the role's usual acronym: "Développeur commercial (BDR)".
    "role acronyms": lambda verb, text: re.sub(r"\((?:AE|BDR|SDR)\)", "", text),
}


def _drop(text: str, ids: set[str]) -> str:
    return re.sub(r"\b[a-z][a-z0-9_]*\b", lambda m: "" if m.group(0) in ids else m.group(0), text)


def problems(text: str, lang: str, verb: str = "") -> list[str]:
    """What a user should not read in ``text`` (each found fragment, with its kind)."""
    for allow in ALLOWED.values():
        text = allow(verb, text)
    found: list[str] = []
    for kind, rx in (("snake_case id", SNAKE), ("table.field", TABLE_FIELD), ("stage id", LOWER_STAGE_IDS),
                     ("role id", ROLE_IDS), ("python repr", REPRS), ("other language", OTHER_LANGUAGE[lang])):
        for m in rx.finditer(text):
            line = text[text.rfind("\n", 0, m.start()) + 1: text.find("\n", m.end()) if "\n" in text[m.end():] else None]
            found.append(f"{kind}: {m.group(0)!r} in {line.strip()[:160]!r}")
    if lang == "fr":  # table ids are English words in French output; in English they are ordinary words
        found += [f"table id: {m.group(0)!r}" for m in re.finditer(rf"\b(?:{'|'.join(TABLE_IDS)})\b", text)]
    return found


# -- running the verbs once per language --------------------------------------------------------------
@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    out = {}
    for lang in ("fr", "en"):
        d = tmp_path_factory.mktemp(f"words_{lang}")
        shutil.copy(EXAMPLES / BOOK[lang], d / BOOK[lang])
        shutil.copy(EXAMPLES / "kpis.toml", d / "kpis.toml")
        out[lang] = d
    return out


_RUNS: dict[tuple[str, str], tuple[int, str]] = {}


def run_verb(folders, lang: str, name: str) -> tuple[int, str]:
    """Exit code and everything printed (stdout and stderr) by one verb; run once per language."""
    if (lang, name) not in _RUNS:
        d = folders[lang]
        args = [a.format(wb=str(d / BOOK[lang]), out=str(d)) for a in dict(VERBS)[name]] + ["--lang", lang]
        if name == "movement":  # needs the state at the start of the period
            run_verb(folders, lang, "snapshot")
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            code = main(args)
        text = buf.getvalue().replace(str(d) + "/", "")
        _RUNS[lang, name] = (code, text)
    return _RUNS[lang, name]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", [n for n, _ in VERBS])
def test_every_verb_speaks_the_users_language(folders, lang, name):
    code, text = run_verb(folders, lang, name)
    assert text.strip(), f"{name} printed nothing"
    assert "Traceback" not in text
    found = problems(text, lang, name)
    assert not found, f"kpis {name} --lang {lang} (exit {code}):\n" + "\n".join(found[:40])


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_report_workbook_speaks_the_users_language(folders, lang):
    """Every text cell of the report (Data quality sheet and KPI definitions included)."""
    import openpyxl

    code, _ = run_verb(folders, lang, "report")
    assert code in (0, 1)
    wb = openpyxl.load_workbook(folders[lang] / "report.xlsx", read_only=True)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str) and not v.startswith("="):
                    found += [f"{ws.title}: {p}" for p in problems(v, lang, "report")]
    assert not found, "\n".join(sorted(set(found))[:60])


# -- the checks themselves find what they must ------------------------------------------------------
@pytest.mark.parametrize("text", [
    "colonne « Date » → deals.created_date", "donnée absente : deals.created_date", "lead_id", "Rôle : AE",
    "report_template_missing(path=PosixPath('x.xlsx'))", "étape opportunity", "Objectifs — 2026-Q4 (equal)",
    "unrecognised period", "valeur nan", "Table deals",
])
def test_the_checks_catch_ids_and_english_in_french(text):
    assert problems(text, "fr"), text


@pytest.mark.parametrize("text", ["2 rows left empty (période)", "Score des prospects", "stage sql"])
def test_the_checks_catch_ids_and_french_in_english(text):
    assert problems(text, "en"), text


@pytest.mark.parametrize("lang,text", [
    ("fr", "Colonne « N° affaire » → N° d'affaire (Affaires) ; 12 ligne(s) — suivi_commercial.xlsx, --period"),
    ("en", "Column \"Deal ID\" → Deal ID (Deals); SQL 34, MQL 55 — sales_tracking.xlsx"),
])
def test_the_checks_let_labels_through(lang, text):
    assert problems(text, lang) == []


# -- the language and the period as users type them ---------------------------------------------------
@pytest.mark.parametrize("args", [["compute", "{wb}"], ["catalog"], ["init", "{wb}", "-o", "{out}/p.toml"]])
def test_an_unknown_language_is_refused_in_both_languages(folders, args):
    d = folders["fr"]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        code = main([a.format(wb=str(d / BOOK["fr"]), out=str(d)) for a in args] + ["--lang", "xx"])
    assert code == 2
    assert "« xx »" in buf.getvalue() and '"xx"' in buf.getvalue()  # French and English: the language is unknown


@pytest.mark.slow
@pytest.mark.parametrize("args,label", [
    (["commissions", "{wb}", "--period", "oct. 2026"], "2026-10"),
    (["quota", "{wb}", "--period", "T4 2026", "--target", "300000"], "2026-Q4"),
    (["commentary", "{wb}", "--period", "octobre 2026"], "octobre 2026"),
    (["forecast", "{wb}", "--period", "novembre 2026"], "2026-11"),
    (["compute", "{wb}", "--period", "T3 2026", "--kpi", "revenue"], "2026-Q3"),
])
def test_french_periods_are_taken_everywhere(folders, args, label):
    d = folders["fr"]
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        code = main([a.format(wb=str(d / BOOK["fr"])) for a in args] + ["--lang", "fr"])
    assert code in (0, 1), buf.getvalue()
    assert label in buf.getvalue()
