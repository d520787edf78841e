"""Excel number formats by KPI unit and language: one place, so every sheet shows a unit the same way.

Values stay numbers in the report (sortable, summable, chartable); the cell's number format shows
the unit: ``0.0%`` for rates, ``#,##0 "€"`` (fr) / ``"€"#,##0`` (en) for money, ``0.0 "j"`` for days…
The template build script writes these formats into the default templates, and each KPI card in the
context carries its own (for templates built elsewhere).

A change is a number too: relative changes (+12 %) are fractions shown with ``+0.0%``; changes of
rates and scores are in points (``change_display`` in the card: percentage points × 100 for rates)
shown with ``+0.0" pts"``.
"""

from __future__ import annotations

from ..i18n import normalise_lang

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}

PERCENT = "0.0%"
PERCENT_0 = "0%"
COUNT = "#,##0"
DECIMAL = "#,##0.00"
SCORE = "0.0"
CHANGE_RELATIVE = "+0.0%;-0.0%;0.0%"
CHANGE_POINTS = '+0.0" pts";-0.0" pts";0.0" pts"'
DATE = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}


# French typography puts a (no-break) space before %: 48,1 % (the format's space is a literal).
PERCENT_FR = "0.0\u00a0%"
CHANGE_RELATIVE_FR = "+0.0\u00a0%;-0.0\u00a0%;0.0\u00a0%"


def percent(lang: str) -> str:
    """``0.0 %`` in French (48,1 %), ``0.0%`` in English (48.1%)."""
    return PERCENT_FR if normalise_lang(lang) == "fr" else PERCENT


def currency_symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get((currency or "EUR").upper(), currency or "€")


def money(lang: str, currency: str = "EUR", decimals: int = 0) -> str:
    """``#,##0 "€"`` in French (symbol after), ``"€"#,##0`` in English (symbol before)."""
    sym = currency_symbol(currency)
    body = "#,##0" + ("." + "0" * decimals if decimals else "")
    if normalise_lang(lang) == "fr" or sym not in ("€", "$", "£"):
        return f'{body} "{sym}"'
    return f'"{sym}"{body}'


def unit_format(unit: str, lang: str, currency: str = "EUR") -> str:
    """The number format of a KPI value of ``unit`` (see :data:`kpis.engine.model.UNITS`)."""
    lang = normalise_lang(lang)
    if unit == "ratio":
        return percent(lang)
    if unit == "money":
        return money(lang, currency)
    if unit == "money_per_day":
        fmt = money(lang, currency)
        return fmt[:-1] + '/j"' if fmt.endswith('"') and lang == "fr" else fmt + '"/day"'
    if unit == "count":
        return COUNT
    if unit == "days":
        return '0.0 "j"' if lang == "fr" else '0.0 "d"'
    if unit == "hours":
        return '0.0 "h"'
    if unit == "months":
        return '0.0 "mois"' if lang == "fr" else '0.0 "mo"'
    if unit == "score":
        return SCORE
    return DECIMAL


def change_format(unit: str, lang: str = "en") -> str:
    """Changes of rates and scores are in points, the others relative (``+12,0 %`` in French)."""
    if unit in ("ratio", "score"):
        return CHANGE_POINTS
    return CHANGE_RELATIVE_FR if normalise_lang(lang) == "fr" else CHANGE_RELATIVE


def change_display(change: float | None, kind: str | None, unit: str) -> float | None:
    """The number a change cell shows: percentage points × 100 for a rate's change (a move from
    48 % to 60 % is +12 pts), the engine's value otherwise."""
    if change is None:
        return None
    if kind == "points" and unit == "ratio":
        return change * 100.0
    return change


def retarget_currency(number_format: str, template_symbol: str, symbol: str) -> str:
    """A template's money format moved to another currency symbol (``"€"`` → ``"$"``)."""
    return number_format.replace(f'"{template_symbol}', f'"{symbol}')
