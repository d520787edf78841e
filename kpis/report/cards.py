"""KPI cards: one KPI's value with everything a card on the summary shows around it.

A card is a plain dict (templates read ``cards.win_rate.value``, ``cards.win_rate.status``…) built
from a :class:`kpis.engine.KpiResult`; every number in it comes from the engine (value, previous,
year-ago, target, change, good/bad), the card only adds how to show it: the label in the report
language, the number formats, formatted texts, and a status for the colour.

``status`` -- the colour of the value: against the target when there is one (``good`` when met,
``bad`` when not; quota attainment against 100 % when it has none, :data:`IMPLICIT_TARGETS`),
else against the previous period (the engine's ``good``), else ``None`` (no colour: no
comparison, or a neutral KPI). ``change_font`` is the font colour of the change cell
(green / red by the engine's ``good``).
"""

from __future__ import annotations

from typing import Any

from ..engine.format import format_change, format_value
from ..engine.registry import REGISTRY
from ..engine.results import KpiResult, change_between, judge, meets
from ..i18n import message
from ..present import formats, views

GOOD_FONT = "006100"
BAD_FONT = "9C0006"

# KPIs coloured against a threshold when nothing else sets a target (kpis.present.views.THRESHOLDS:
# quota attainment against 100 %). Only the colour: the card's target and target_met stay the engine's.
IMPLICIT_TARGETS = views.THRESHOLDS


def _colour_met(kpi_id: str, value: Any, target: float | None, met: bool | None) -> bool | None:
    """``met`` against the target, else against the KPI's implicit target (None: no such target)."""
    if target is not None or kpi_id not in IMPLICIT_TARGETS:
        return met
    return meets(value, IMPLICIT_TARGETS[kpi_id], REGISTRY[kpi_id].direction)


def card(r: KpiResult, lang: str, currency: str = "EUR") -> dict[str, Any]:
    """The card of one KPI result (totals of the period)."""
    return _card(r.id, r.value, r.previous, r.year_ago, r.target, r.change, r.change_kind, r.good, r.target_met,
                 r.status, r.reason, list(r.notes), lang, currency)


def rep_card(kpi_id: str, value: Any, previous: Any, target: float | None, team: Any, lang: str,
             currency: str = "EUR") -> dict[str, Any]:
    """A rep's card: the rep's value, the rep's previous value, a target (the rep's quota for
    revenue) and the team's value beside it. Change and good/bad by the engine's own rules."""
    k = REGISTRY[kpi_id]
    change, kind = change_between(value, previous, k.unit)
    good = judge(change, k.direction)
    met = meets(value, target, k.direction)
    status = "ok" if value is not None else "no_data"
    c = _card(kpi_id, value, previous, None, target, change, kind, good, met, status, None, [], lang, currency)
    c["team"] = team
    c["team_text"] = format_value(team, k.unit, lang, currency) if team is not None else ""
    return c


def _card(kpi_id, value, previous, year_ago, target, change, kind, good, met, status, reason, notes, lang, currency):
    k = REGISTRY[kpi_id]
    scalar = not isinstance(value, dict)
    colour = _status(_colour_met(kpi_id, value, target, met), good)
    return {
        "id": kpi_id,
        "label": k.name(lang),
        "unit": k.unit,
        "direction": k.direction,
        "value": value,
        "previous": previous,
        "year_ago": year_ago,
        "target": target,
        "change": change,
        "change_kind": kind,
        "change_display": formats.change_display(change, kind, k.unit) if scalar else None,
        "good": good,
        "target_met": met,
        "status": colour,
        "change_font": None if good is None else (GOOD_FONT if good else BAD_FONT),
        "kpi_status": status,
        "reason": reason,
        "notes": notes,
        # why there is no value, or what to know about it (the add-in's and the report's Remark column)
        "remark": reason if reason else "; ".join(str(n) for n in notes),
        "number_format": formats.unit_format(k.unit, lang, currency),
        "change_format": formats.change_format(k.unit, lang),
        "value_text": format_value(value, k.unit, lang, currency) if status == "ok" or value is not None else (reason or message(f"kpi_status_{status}", lang)),
        "previous_text": format_value(previous, k.unit, lang, currency) if previous is not None else "",
        "year_ago_text": format_value(year_ago, k.unit, lang, currency) if year_ago is not None else "",
        "target_text": format_value(target, k.unit, lang, currency) if target is not None else "",
        "change_text": format_change(change, kind, k.unit, lang),
    }


def _status(target_met: bool | None, good: bool | None) -> str | None:
    if target_met is not None:
        return "good" if target_met else "bad"
    if good is not None:
        return "good" if good else "bad"
    return None
