"""Measures and metrics several sections share, and the ``kpi`` declaration helper."""

from __future__ import annotations

from typing import Any

from ..blocks import during, eq
from ..model import Direction, Expr, Filter, KpiDef, Measure, Metric, Simple, Unit, Window

WON = eq("status", "won")
LOST = eq("status", "lost")
WON_IN_P: dict[str, Any] = dict(table="deals", where=WON, window=during("close_date"))

# revenue, deals_won: the base of a dozen ratios (revenue / deals_won, deals_won / leads_created…).
REVENUE = Measure(agg="sum", expr="amount", **WON_IN_P)
DEALS_WON = Measure(agg="count", **WON_IN_P)


def count(table: str, window: Window | None, where: Filter | None = None, **kw: Any) -> Simple:
    return Simple(Measure(table, "count", None, where, window, **kw))


def total(table: str, expr: str | Expr | None, window: Window | None, where: Filter | None = None, **kw: Any) -> Simple:
    return Simple(Measure(table, "sum", expr, where, window, **kw))


def kpi(
    id: str,
    section: str,
    names: tuple[str, str],
    unit: Unit,
    direction: Direction,
    metric: Metric,
    formula: tuple[str, str],
    description: tuple[str, str] = ("", ""),
    target: Metric | None = None,
) -> KpiDef:
    """Declare a KPI: ``names``, ``formula`` and ``description`` are (French, English)."""
    return KpiDef(
        id=id,
        section=section,
        name_fr=names[0],
        name_en=names[1],
        unit=unit,
        direction=direction,
        metric=metric,
        formula_fr=formula[0],
        formula_en=formula[1],
        description_fr=description[0],
        description_en=description[1],
        target=target,
    )
