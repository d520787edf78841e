"""Everything a user reads, in French and English.

Modules register their messages with :func:`register` (a code → ``{"fr": ..., "en": ...}`` map of
``str.format`` templates) and render them with :func:`message`. Every module that registers messages
is listed in :data:`MESSAGE_MODULES`: a lookup of a code not yet known imports them in that order until
the code is found (all of them for an unknown code), so a message never depends on which modules
happened to be imported before -- and a calculator's message does not import the CLI.

An unknown code falls back to the code itself with its parameters, so a missing translation never
hides a problem -- except in strict mode (``KPIS_STRICT_MESSAGES=1``, set by the tests), where it
raises :class:`UnknownMessage`: a typo in a code fails a test instead of showing the bare code.
``tests/test_message_codes.py`` also checks every code literal of the package against the catalogue.
"""

from __future__ import annotations

import importlib
import os
from typing import Any, Literal, Mapping

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

_MESSAGES: dict[str, dict[str, str]] = {}

# Every module that calls :func:`register` (a new one is added here; a test checks the list is whole).
MESSAGE_MODULES: tuple[str, ...] = (
    "kpis.errors", "kpis.config", "kpis.outputs", "kpis.calculators.labels", "kpis.engine.messages",
    "kpis.reader.messages", "kpis.reader.proposal", "kpis.forecast.messages", "kpis.history.messages",
    "kpis.commentary.messages", "kpis.report.labels", "kpis.report.pdf", "kpis.render.errors",
    "kpis.render.excel_rules", "kpis.cli.common", "kpis.xl.errors", "kpis.xl.jobs", "kpis.xl.layouts",
    "kpis.xl.settings", "kpis.xl.udfs", "kpis.report.topn",
)
_imported = 0  # how many of MESSAGE_MODULES have been imported, in order (all: the catalogue is whole)


class UnknownMessage(KeyError):
    """A message code nobody registered (strict mode only: otherwise the bare code is shown)."""


def strict() -> bool:
    """Whether an unknown code raises (``KPIS_STRICT_MESSAGES=1``: the tests) instead of falling back."""
    return os.environ.get("KPIS_STRICT_MESSAGES", "") not in ("", "0")


def load_all() -> None:
    """Import every module of :data:`MESSAGE_MODULES` (once), so the catalogue is whole."""
    while _import_next():
        pass


def _import_next() -> bool:
    """Import the next module of :data:`MESSAGE_MODULES`; False when every one already is."""
    global _imported
    if _imported >= len(MESSAGE_MODULES):
        return False
    name = MESSAGE_MODULES[_imported]
    _imported += 1
    try:
        importlib.import_module(name)
    except ImportError:  # an optional part (xlwings missing): its messages are not needed then
        pass
    return True


def _lookup(code: str) -> dict[str, str] | None:
    texts = _MESSAGES.get(code)
    while texts is None and _import_next():
        texts = _MESSAGES.get(code)
    return texts


def known_codes() -> frozenset[str]:
    """Every registered message code (after loading every messages module)."""
    load_all()
    return frozenset(_MESSAGES)


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add message templates; each must have both languages (checked so none is forgotten)."""
    for code, texts in messages.items():
        missing = [lang for lang in LANGS if lang not in texts]
        if missing:
            raise ValueError(f"message {code!r} lacks {missing}")
        _MESSAGES[code] = dict(texts)


def message(code: str, lang: str = "en", /, **params: Any) -> str:
    lang = normalise_lang(lang)
    texts = _lookup(code)
    if texts is None:
        if strict():
            raise UnknownMessage(code)
        args = ", ".join(f"{k}={v!r}" for k, v in params.items())
        return f"{code}({args})" if args else code
    try:
        return texts[lang].format(**params)
    except (KeyError, IndexError, ValueError):
        return texts[lang]


def has(code: str) -> bool:
    return _lookup(code) is not None


def normalise_lang(lang: str | None) -> Lang:
    s = (lang or "fr").strip().lower()[:2]
    return "en" if s == "en" else "fr"


def format_number(value: float | int | None, lang: str = "fr", decimals: int = 0) -> str:
    """``12 500,5`` in French (narrow no-break space thousands), ``12,500.5`` in English; rounded
    half away from zero, as Excel shows it (:mod:`kpis.present.formats`)."""
    from .present.formats import number_text

    return number_text(value, lang, decimals)


def format_percent(value: float | None, lang: str = "fr", decimals: int = 1) -> str:
    from .present.formats import percent_text

    return percent_text(value, lang, decimals)


def format_money(value: float | None, lang: str = "fr", currency: str = "EUR", decimals: int = 0) -> str:
    from .present.formats import money_text

    return money_text(value, lang, currency, decimals)


register(
    {
        "no_data": {"fr": "pas de données (dénominateur nul)", "en": "no data (zero denominator)"},
        "missing_input": {"fr": "donnée absente : {what}", "en": "missing input: {what}"},
        "file_not_found": {"fr": "fichier introuvable : {path}", "en": "file not found: {path}"},
        "unsupported_file": {
            "fr": "format non pris en charge : {path} (attendu : .xlsx, .xlsm, .xlsb, .xls, .ods ou .csv)",
            "en": "unsupported file type: {path} (expected .xlsx, .xlsm, .xlsb, .xls, .ods or .csv)",
        },
        "unreadable_file": {
            "fr": "impossible de lire {path} : {error}",
            "en": "cannot read {path}: {error}",
        },
        "bad_period": {"fr": "période non reconnue : {value}", "en": "unrecognised period: {value}"},
    }
)
