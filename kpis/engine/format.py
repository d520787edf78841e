"""A KPI value as a person reads it, by unit and language: ``54,2 %``, ``12 500 €``, ``44,7 j``.

The texts are :mod:`kpis.present.formats`' (what the report's cells show, same rounding); only
distributions are spelled out here."""

from __future__ import annotations

from typing import Any

from ..i18n import format_number, format_percent, message, normalise_lang
from ..present.formats import change_text, value_text
from .evaluate import NONE_KEY


def format_value(value: Any, unit: str, lang: str = "fr", currency: str = "EUR", top: int = 6) -> str:
    """One value; distributions as ``key share`` pairs (the first ``top``); None as n.d./n/a."""
    lang = normalise_lang(lang)
    if value is None:
        return format_number(None, lang)
    if isinstance(value, dict):
        return _format_distribution(value, lang, top)
    return value_text(value, unit, lang, currency)


def format_change(change: float | None, kind: str | None, unit: str, lang: str = "fr") -> str:
    """Change vs the previous period: ``+12,0 %`` when relative, ``+3,5 pts`` in points (percentage
    points for rates, score points for NPS)."""
    if change is None or kind is None:
        return ""
    return change_text(change, kind, unit, lang)


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
