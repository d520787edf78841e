"""Formatting filters for cells: ``pct``, ``money``, ``number``, ``date``, ``default``, and the
status filters that pick a cell fill from the data (``fill``, ``status``).

Formatting filters return text in the report language (``fr``: ``12 500 €``, ``12,5 %``,
``31/10/2026``; ``en``: ``€12,500``, ``12.5%``, ``Oct 31, 2026``). To keep numbers as numbers, leave
the filter out and give the template cell a number format instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from jinja2 import Undefined

from kpis import i18n
from kpis.render.values import Styled, is_missing, to_cell_value

MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
}
DAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
}

# Excel's built-in "Good", "Bad" and "Neutral" cell styles.
STATUS_STYLES = {
    "good": ("C6EFCE", "006100"),
    "bad": ("FFC7CE", "9C0006"),
    "neutral": ("FFEB9C", "9C5700"),
}


def _plain(value: Any) -> Any:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()  # a mistake in the template, reported with its cell
    return to_cell_value(value)


def _number_or_none(value: Any) -> float | None:
    v = _plain(value)
    if v is None or isinstance(v, bool):
        return None if v is None else float(v)
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(str(v).replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def make_formatting_filters(lang: str) -> dict[str, Callable[..., Any]]:
    lang = i18n.normalise_lang(lang)

    def number(value: Any, decimals: int = 0, na: str | None = None) -> str:
        v = _number_or_none(value)
        if v is None:
            return i18n.format_number(None, lang) if na is None else na
        return i18n.format_number(v, lang, decimals)

    def pct(value: Any, decimals: int = 1, na: str | None = None) -> str:
        v = _number_or_none(value)
        if v is None:
            return i18n.format_number(None, lang) if na is None else na
        return i18n.format_percent(v, lang, decimals)

    def money(value: Any, currency: str = "EUR", decimals: int = 0, na: str | None = None) -> str:
        v = _number_or_none(value)
        if v is None:
            return i18n.format_number(None, lang) if na is None else na
        return i18n.format_money(v, lang, currency, decimals)

    def date(value: Any, fmt: str = "short", na: str = "") -> str:
        v = _plain(value)
        if v is None:
            return na
        if isinstance(v, str):
            try:
                v = dt.datetime.fromisoformat(v)
            except ValueError:
                return v
        if not isinstance(v, dt.date):
            return str(v)
        month = MONTHS[lang][v.month - 1]
        if fmt == "short":
            return v.strftime("%d/%m/%Y") if lang == "fr" else f"{v:%b} {v.day}, {v.year}"
        if fmt == "long":
            return f"{v.day} {month} {v.year}" if lang == "fr" else f"{month} {v.day}, {v.year}"
        if fmt == "month":
            return f"{month} {v.year}"
        if fmt == "iso":
            return v.isoformat()
        # strftime pattern, with month and day names in the report language
        out = fmt.replace("%B", month).replace("%b", month[:3] + ("." if lang == "fr" and len(month) > 4 else ""))
        out = out.replace("%A", DAYS[lang][v.weekday()])
        return v.strftime(out)

    def default(value: Any, fallback: Any = "", boolean: bool = False) -> Any:
        """Replace a missing value (undefined, None, NaN; and falsy values with ``boolean=True``)."""
        if isinstance(value, Undefined) or is_missing(value):
            return fallback
        if boolean and not value:
            return fallback
        return value

    def fill(value: Any, color: str | None, font_color: str | None = None) -> Styled:
        """Give the cell a fill: an RGB hex colour or one of ``good``, ``bad``, ``neutral``."""
        return _styled(value, color, font_color)

    def status(value: Any, target: Any, higher_is_better: bool = True, tolerance: float = 0.0) -> Styled:
        """Colour the cell good / bad / neutral by comparing the value to a target (or previous value)."""
        v, t = _number_or_none(value), _number_or_none(target)
        if v is None or t is None or abs(v - t) <= tolerance:
            kind = "neutral"
        else:
            kind = "good" if (v > t) == bool(higher_is_better) else "bad"
        return _styled(value, kind, None)

    return {
        "number": number,
        "pct": pct,
        "money": money,
        "date": date,
        "default": default,
        "d": default,
        "fill": fill,
        "status": status,
    }


def _styled(value: Any, color: str | None, font_color: str | None) -> Styled:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    base = value.value if isinstance(value, Styled) else value
    if color in STATUS_STYLES:
        color, preset_font = STATUS_STYLES[color]
        font_color = font_color or preset_font
    return Styled(base, fill=_hex(color), font_color=_hex(font_color))


def _hex(color: str | None) -> str | None:
    if not color:
        return None
    text = str(color).strip().lstrip("#").upper()
    if len(text) == 6:
        return text
    if len(text) == 8:
        return text[2:]
    return None
