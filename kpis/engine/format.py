"""A KPI value as a person reads it, by unit and language: ``54,2 %``, ``12 500 €``, ``44,7 j``."""

from __future__ import annotations

from typing import Any

from ..i18n import format_money, format_number, format_percent, message, normalise_lang
from .evaluate import NONE_KEY


def format_value(value: Any, unit: str, lang: str = "fr", currency: str = "EUR", top: int = 6) -> str:
    """One value; distributions as ``key share`` pairs (the first ``top``); None as n.d./n/a."""
    lang = normalise_lang(lang)
    if value is None:
        return format_number(None, lang)
    if isinstance(value, dict):
        return _format_distribution(value, lang, top)
    if unit == "ratio":
        return format_percent(value, lang, 1)
    if unit == "money":
        return format_money(value, lang, currency, 0 if abs(value) >= 100 else 2)
    if unit == "money_per_day":
        return format_money(value, lang, currency, 0 if abs(value) >= 100 else 2) + message("kpi_suffix_per_day", lang)
    if unit == "count":
        return format_number(value, lang, 0)
    if unit in ("days", "hours", "months"):
        return f"{format_number(value, lang, 1)}\u00a0{message(f'kpi_suffix_{unit}', lang)}"
    if unit == "score":
        return format_number(value, lang, 1)
    return format_number(value, lang, 2)


def format_change(change: float | None, kind: str | None, unit: str, lang: str = "fr") -> str:
    """Change vs the previous period: ``+12,0 %`` when relative, ``+3,5 pts`` in points (percentage
    points for rates, score points for NPS)."""
    if change is None or kind is None:
        return ""
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    if kind == "points":
        pts = abs(change) * 100 if unit == "ratio" else abs(change)
        return f"{sign}{format_number(pts, lang, 1)}\u00a0pts"
    return f"{sign}{format_percent(abs(change), lang, 1)}"


def key_label(key: str, lang: str) -> str:
    """A breakdown's or a distribution's key: category ids (``sql``, ``upsell``) in the user's words."""
    from ..vocab import category_label

    return message("kpi_none_key", lang) if key == NONE_KEY else category_label(key, lang)


def _format_distribution(value: dict[str, Any], lang: str, top: int) -> str:
    parts = []
    for k, v in list(value.items())[:top]:
        if isinstance(v, dict):  # funnel step
            parts.append(f"{key_label(k, lang)} {format_number(v.get('count'), lang, 0)}")
        else:
            parts.append(f"{key_label(k, lang)} {format_percent(v, lang, 0)}")
    more = "…" if len(value) > top else ""
    return ", ".join(parts) + more
