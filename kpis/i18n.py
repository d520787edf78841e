"""Everything a user reads, in French and English.

Modules register their messages with :func:`register` (a code → ``{"fr": ..., "en": ...}`` map of
``str.format`` templates) and render them with :func:`message`. Unknown codes fall back to the code
itself with its parameters, so a missing translation never hides a problem.
"""

from __future__ import annotations

from typing import Any, Literal, Mapping

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

_MESSAGES: dict[str, dict[str, str]] = {}


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add message templates; each must have both languages (checked so none is forgotten)."""
    for code, texts in messages.items():
        missing = [lang for lang in LANGS if lang not in texts]
        if missing:
            raise ValueError(f"message {code!r} lacks {missing}")
        _MESSAGES[code] = dict(texts)


def message(code: str, lang: str = "en", /, **params: Any) -> str:
    lang = normalise_lang(lang)
    texts = _MESSAGES.get(code)
    if texts is None:
        args = ", ".join(f"{k}={v!r}" for k, v in params.items())
        return f"{code}({args})" if args else code
    try:
        return texts[lang].format(**params)
    except (KeyError, IndexError, ValueError):
        return texts[lang]


def has(code: str) -> bool:
    return code in _MESSAGES


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
