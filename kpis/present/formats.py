"""Number formats by unit and language: the Excel number format AND the text, from one table.

Every place that shows a KPI -- the report's templates, the add-in's sheets, the CLI's tables and
messages, the report's cards -- asks this module, so a value reads the same everywhere:

* :func:`unit_format` is the Excel number format of a unit (``0.0 %`` for a rate in French,
  ``#,##0 "€"`` for money, ``0.0 "j"`` for days…), built from :data:`UNITS`;
* :func:`value_text` is the text of a value of that unit: the same format applied by
  :func:`apply_format` -- so the CLI prints what Excel shows, digit for digit.

Rounding is Excel's: half away from zero on the value's shortest decimal form (115 604,5 € shows
``115 605 €``; Python's ``f"{x:.0f}"`` rounds half to even and would print ``115 604 €``). French
text uses a comma for decimals and a narrow no-break space for thousands; English a point and a
comma. Units are spaced from the number by a no-break space (``12 500 €``, ``44,7 j``, ``48,1 %``):
a line never breaks between a number and its unit.

A change is a number too: relative changes (+12 %) are fractions shown with a percent format;
changes of rates and scores are in points (:func:`change_display`: percentage points × 100 for
rates) shown with ``+0.0 pts``. Negative changes carry a true minus sign (−), a zero change ±.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from ..i18n import normalise_lang

NBSP = "\u00a0"
THIN_NBSP = "\u202f"
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF"}

# unit -> (decimals, French suffix, English suffix); "%" marks a percent, "money" a currency.
UNITS: dict[str, tuple[int, str, str]] = {
    "ratio": (1, "%", "%"),
    "distribution": (1, "%", "%"),
    "money": (0, "money", "money"),
    "money_per_day": (0, "money/j", "money/day"),
    "count": (0, "", ""),
    "days": (1, "j", "d"),
    "hours": (1, "h", "h"),
    "months": (1, "mois", "mo"),
    "score": (1, "", ""),
    "number": (2, "", ""),
}

SCORE = "0.0"
DATE = {"fr": "dd/mm/yyyy", "en": "yyyy-mm-dd"}
CHANGE_RELATIVE = '+0.0%;"−"0.0%;"±"0.0%'
CHANGE_RELATIVE_FR = '+0.0\u00a0%;"−"0.0\u00a0%;"±"0.0\u00a0%'
CHANGE_POINTS = '+0.0\u00a0"pts";"−"0.0\u00a0"pts";"±"0.0\u00a0"pts"'


# -- Excel number formats ---------------------------------------------------------------------------
def currency_symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get((currency or "EUR").upper(), currency or "€")


def _number(decimals: int, grouped: bool = True) -> str:
    return ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")


def percent(lang: str, decimals: int = 1) -> str:
    """``0.0 %`` in French (48,1 %), ``0.0%`` in English (48.1%)."""
    body = _number(decimals, grouped=False)
    return f"{body}{NBSP}%" if normalise_lang(lang) == "fr" else f"{body}%"


def money(lang: str, currency: str = "EUR", decimals: int = 0) -> str:
    """``#,##0 "€"`` in French (symbol after), ``"€"#,##0`` in English (symbol before: €, $, £;
    after for the others: ``#,##0 "CHF"``)."""
    sym = currency_symbol(currency)
    body = _number(decimals)
    if normalise_lang(lang) == "fr" or sym not in ("€", "$", "£"):
        return f'{body}{NBSP}"{sym}"'
    return f'"{sym}"{body}'


def unit_format(unit: str, lang: str, currency: str = "EUR") -> str:
    """The number format of a KPI value of ``unit`` (see :data:`kpis.engine.model.UNITS`)."""
    lang = normalise_lang(lang)
    decimals, fr, en = UNITS.get(unit, UNITS["number"])
    suffix = fr if lang == "fr" else en
    if suffix == "%":
        return percent(lang, decimals)
    if suffix.startswith("money"):
        return money(lang, currency, decimals) + (f'"{suffix[5:]}"' if suffix != "money" else "")
    body = SCORE if unit == "score" else _number(decimals)
    return f'{body}{NBSP}"{suffix}"' if suffix else body


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


# -- text -------------------------------------------------------------------------------------------
def round_half_away(value: float, decimals: int) -> Decimal:
    """``value`` rounded as Excel rounds a displayed number: half away from zero, on the shortest
    decimal form of the float (``0.125`` → ``0.13``, ``115604.5`` → ``115605``, ``-2.5`` → ``-3``)."""
    try:
        d = Decimal(repr(float(value)))
    except (InvalidOperation, ValueError):  # pragma: no cover - callers pass finite numbers
        return Decimal(0)
    return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number_text(value: float | int | None, lang: str = "fr", decimals: int = 0, grouped: bool = True) -> str:
    """``12 500,5`` in French (narrow no-break space thousands), ``12,500.5`` in English; None as
    ``n.d.`` / ``n/a``. Rounded half away from zero."""
    lang = normalise_lang(lang)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a" if lang == "en" else "n.d."
    d = round_half_away(value, decimals)
    if d == 0:
        d = abs(d)  # no "-0"
    s = f"{d:,.{decimals}f}" if grouped else f"{d:.{decimals}f}"
    if lang == "fr":
        s = s.replace(",", THIN_NBSP).replace(".", ",")
    return s


def percent_text(value: float | None, lang: str = "fr", decimals: int = 1) -> str:
    return apply_format(value, percent(lang, decimals), lang)


def money_text(value: float | None, lang: str = "fr", currency: str = "EUR", decimals: int = 0) -> str:
    return apply_format(value, money(lang, currency, decimals), lang)


def value_text(value: Any, unit: str, lang: str = "fr", currency: str = "EUR") -> str:
    """A KPI value of ``unit`` as text: exactly what Excel shows for the value with
    :func:`unit_format` (None as ``n.d.`` / ``n/a``)."""
    return apply_format(value, unit_format(unit, lang, currency), lang)


def change_text(change: float | None, kind: str | None, unit: str, lang: str = "fr") -> str:
    """Change vs the previous period: ``+12,0 %`` when relative, ``+3,5 pts`` in points (percentage
    points for rates, score points for NPS); what the change cell of a report shows."""
    if change is None or kind is None:
        return ""
    if kind == "points":
        return apply_format(change_display(change, kind, unit), CHANGE_POINTS, lang)
    return apply_format(change, change_format(unit, lang), lang)


def apply_format(value: Any, number_format: str, lang: str = "fr") -> str:
    """``value`` shown with an Excel ``number_format`` -- the subset this module writes: up to three
    sections (positive; negative; zero), ``0`` ``#`` ``,`` ``.`` placeholders, ``%``, quoted and
    plain literals, ``General``. Text is returned as is, None as ``n.d.`` / ``n/a``. Decimal and
    thousands separators are the language's (Excel takes them from the system's locale)."""
    lang = normalise_lang(lang)
    if value is None or isinstance(value, bool):
        return number_text(None, lang) if value is None else str(value)
    if isinstance(value, str):
        return value
    try:
        v = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(v):
        return number_text(None, lang)
    sections = _sections(number_format or "General")
    if len(sections) >= 3 and v == 0:
        section, v = sections[2], 0.0
    elif len(sections) >= 2 and v < 0:
        section, v = sections[1], -v
    else:
        section = sections[0]
        if v < 0:
            return "-" + apply_format(-v, section, lang)
    return _render(v, section, lang)


def _sections(fmt: str) -> list[str]:
    out, cur, quoted = [], "", False
    for ch in fmt:
        if ch == '"':
            quoted = not quoted
        if ch == ";" and not quoted:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return out + [cur]


def _render(v: float, section: str, lang: str) -> str:
    """One section: literals kept, the run of digit placeholders replaced by the number."""
    if section.strip().lower() in ("general", ""):
        return number_text(v, lang, 0 if float(v).is_integer() else _general_decimals(v), grouped=False)
    parts: list[tuple[str, str]] = []  # ("lit", text) or ("num", placeholders)
    i, n = 0, len(section)
    while i < n:
        ch = section[i]
        if ch == '"':
            j = section.index('"', i + 1) if '"' in section[i + 1:] else n
            parts.append(("lit", section[i + 1:j]))
            i = j + 1
        elif ch == "\\" and i + 1 < n:
            parts.append(("lit", section[i + 1]))
            i += 2
        elif ch in "0#" or (ch in ",." and parts and parts[-1][0] == "num"):
            if parts and parts[-1][0] == "num":
                parts[-1] = ("num", parts[-1][1] + ch)
            else:
                parts.append(("num", ch))
            i += 1
        else:
            parts.append(("lit", ch))
            i += 1
    if any(kind == "lit" and "%" in text for kind, text in parts):
        v *= 100.0
    out = []
    for kind, text in parts:
        if kind == "lit":
            out.append(text)
            continue
        whole, _, frac = text.partition(".")
        decimals = sum(1 for c in frac if c in "0#")
        out.append(number_text(v, lang, decimals, grouped="," in whole))
    return "".join(out)


def _general_decimals(v: float) -> int:
    s = repr(float(v))
    return min(len(s.split(".")[1]), 10) if "." in s and "e" not in s else 10
