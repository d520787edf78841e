"""Numbers in sentences, written as the report's cells show them (:mod:`kpis.present.formats`):
money in whole units (``255 760 €`` / ``€255,760``), rates with one decimal (``48,1 %`` /
``48.1%``), days with one decimal (``62,5 j`` / ``62.5 d``), changes signed (``+12,0 %``,
``-3,5 pts``)."""

from __future__ import annotations

from typing import Any

from ..i18n import format_money, format_number, format_percent, normalise_lang


def money(v: float, lang: str, currency: str = "EUR") -> str:
    return format_money(float(v), lang, currency, 0)


def pct(v: float, lang: str) -> str:
    """A rate with one decimal, never rounded onto a bound it has not reached: 0.9996 is "> 99.9 %",
    not "100.0 %" (a rep just below quota, a forecast not certain); 0.0004 is "< 0.1 %", not "0.0 %"."""
    x = float(v)
    if 0.999 < x < 1.0:
        return ">\u00a0" + format_percent(0.999, lang, 1)
    if 0.0 < x < 0.0005:
        return "<\u00a0" + format_percent(0.001, lang, 1)
    return format_percent(x, lang, 1)


def days(v: float, lang: str) -> str:
    return f"{format_number(float(v), lang, 1)}\u00a0{'j' if normalise_lang(lang) == 'fr' else 'd'}"


def count(v: float, lang: str) -> str:
    return format_number(float(v), lang, 0)


def value(v: Any, unit: str, lang: str, currency: str = "EUR") -> str:
    if unit == "money":
        return money(v, lang, currency)
    if unit == "ratio":
        return pct(v, lang)
    if unit == "days":
        return days(v, lang)
    if unit == "count":
        return count(v, lang)
    return format_number(float(v), lang, 1)


def signed_money(v: float, lang: str, currency: str = "EUR") -> str:
    return ("+" if v >= 0 else "-") + money(abs(v), lang, currency)


def change(v: float, kind: str | None, unit: str, lang: str) -> str:
    """A relative change as ``+12,0 %``; a rate's change in points as ``+3,5 pts``."""
    sign = "+" if v >= 0 else "-"
    if kind == "points":
        pts = abs(v) * 100 if unit == "ratio" else abs(v)
        return f"{sign}{format_number(pts, lang, 1)}\u00a0pts"
    return sign + format_percent(abs(v), lang, 1)


def ordinal(n: int, lang: str) -> str:
    if normalise_lang(lang) == "fr":
        return "1er" if n == 1 else f"{n}e"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def join(items: list[str], lang: str, *, either: bool = False) -> str:
    """``a, b et c`` / ``a, b and c`` (``either``: ``a, b ou c`` / ``a, b or c``)."""
    if len(items) <= 1:
        return "".join(items)
    fr = normalise_lang(lang) == "fr"
    word = (" ou " if fr else " or ") if either else (" et " if fr else " and ")
    return ", ".join(items[:-1]) + word + items[-1]
