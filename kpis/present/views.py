"""Which KPIs each view shows: report pages, add-in sheets, per-rep sheets, trends -- one place.

A view is derived from the registry, never listed by hand, so a KPI added to the registry (in a
section) appears in every view that shows its section, and in the per-rep views when it can be
broken down by rep:

* a **section page** (report pages Pipeline, Activities, Leads, Customers, Acquisition; add-in
  sheets Pipeline, Funnel, Customers) shows every scalar KPI of its sections, in the registry's
  order (:data:`PAGES`, :func:`page_kpis`); the KPIs page and the add-in's summary show every section;
* the **per-rep** view (the report's rep sheets, the add-in's reps sheet, the previous period of the
  rep cards) shows the KPIs of :data:`REP_SECTIONS` that are *attributable to a rep* -- each of
  their measures reads a table with a ``rep`` column (or a source built from one) -- and are
  either a count or a sum (every one: a new count appears by itself) or a headline KPI or a column
  of a table by rep (the ratios a rep is judged on; the others stay on their section's page, or a
  rep sheet would run to 47 rows) (:func:`rep_kpis`);
* the **headline** -- the summary's cards (:data:`CARDS`) and the trend charts (:data:`TREND_CHARTS`)
  -- is an editorial choice of a few KPIs, and the **trends** view is the headline plus the per-rep
  view (:func:`trend_kpis`).

The tables by dimension (leaderboard, pipeline by rep…) are the report's layouts: their columns are
named here too (:data:`TABLES`) so the context and the templates agree.

Every function takes the registry (default: :data:`kpis.engine.registry.REGISTRY`), so a test can
pass a copy with one more KPI and see where it lands.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

# Sections in the order the report's KPIs page and the add-in's summary list them.
SECTION_ORDER = ("deals", "pipeline", "activities", "leads", "customers", "acquisition", "team")

# page -> the registry sections whose KPIs it shows (report pages and add-in sheets alike).
PAGES: dict[str, tuple[str, ...]] = {
    "kpis": SECTION_ORDER,
    "summary": SECTION_ORDER,
    "pipeline": ("pipeline",),
    "activities": ("activities",),
    "leads": ("leads",),
    "funnel": ("leads",),
    "customers": ("customers",),
    "acquisition": ("acquisition",),
    "customers_acquisition": ("customers", "acquisition"),
}

# The sections of a rep's own numbers (customers and acquisition are the company's, not a rep's).
REP_SECTIONS = ("deals", "team", "pipeline", "activities", "leads")

# The summary's KPI cards, 4 per line (editorial: the headline of the month).
CARDS: tuple[tuple[str, ...], ...] = (
    ("revenue", "deals_won", "win_rate", "average_deal_size"),
    ("quota_attainment", "sales_cycle_days", "open_pipeline_value", "weighted_pipeline"),
    ("new_opportunities", "activities_total", "leads_created", "conversion_rate"),
    ("mrr", "churn_rate", "nps", "cac"),
)
# The trends page's charts and tables read these columns of the ``trend`` table.
TREND_CHARTS = ("revenue", "deals_won", "win_rate", "average_deal_size", "sales_cycle_days", "new_opportunities",
                "open_pipeline_value", "weighted_pipeline", "quota_attainment", "activities_total", "meetings",
                "leads_created", "conversion_rate", "active_customers", "mrr", "churn_rate", "nps", "cac", "roi")

# KPIs coloured against a threshold of their own when nothing else sets a target: an attainment is
# read against 100 % of the quota, never against its trend (115 % that fell from 162 % is green).
THRESHOLDS: dict[str, float] = {"quota_attainment": 1.0}

# Tables by dimension: name -> (dimension, columns). Extra columns (quota, commission) are filled by
# the context from targets and statements, the others are KPIs.
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "leaderboard": ("rep", ("revenue", "quota", "quota_attainment", "deals_won", "deals_lost", "win_rate",
                            "average_deal_size", "sales_cycle_days", "open_pipeline_value", "commission")),
    "pipeline_by_rep": ("rep", ("new_opportunities", "open_deals", "open_pipeline_value", "weighted_pipeline",
                                "pipeline_coverage", "proposals_sent", "forecast")),
    "pipeline_by_product": ("product", ("open_deals", "open_pipeline_value", "weighted_pipeline", "deals_won",
                                        "revenue", "win_rate")),
    "activities_by_rep": ("rep", ("calls", "emails", "meetings", "visits", "demos", "activities_total",
                                  "meetings_lost_rate", "touches_per_won_deal")),
    "customers_by_segment": ("segment", ("customers_at_start", "new_customers", "churned_customers",
                                         "active_customers", "churn_rate", "mrr", "arpa", "nps")),
    "acquisition_by_channel": ("source", ("leads_created", "deals_won", "revenue", "new_customers", "cost_per_lead",
                                          "cac", "roi")),
}


def _registry(registry: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if registry is None:
        from ..engine.registry import REGISTRY

        return REGISTRY
    return registry


def scalar(kpi: Any) -> bool:
    """A KPI with one number (not a distribution or a funnel)."""
    return kpi.unit != "distribution"


def section_kpis(sections: Iterable[str], registry: Mapping[str, Any] | None = None, *,
                 scalar_only: bool = True) -> tuple[str, ...]:
    """The KPIs of ``sections``, section by section, each in the registry's order."""
    reg = _registry(registry)
    return tuple(k.id for s in sections for k in reg.values() if k.section == s and (scalar(k) or not scalar_only))


def page_kpis(page: str, registry: Mapping[str, Any] | None = None, *, scalar_only: bool = True) -> tuple[str, ...]:
    """The KPIs of a page or sheet of :data:`PAGES` (``pipeline``, ``summary``…)."""
    return section_kpis(PAGES[page], registry, scalar_only=scalar_only)


def rep_kpis(registry: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The per-rep view: the KPIs of :data:`REP_SECTIONS` attributable to a rep that are simple
    (a count or a sum), headline or a column of a table by rep (see the module docstring)."""
    reg = _registry(registry)
    chosen = {k for line in CARDS for k in line} | set(TREND_CHARTS)
    chosen |= {c for dim, cols in TABLES.values() if dim == "rep" for c in cols}
    return tuple(k for k in section_kpis(REP_SECTIONS, reg)
                 if (reg[k].kind == "simple" or k in chosen) and _by_rep(reg[k].metric, reg, set()))


def trend_kpis(registry: Mapping[str, Any] | None = None) -> tuple[str, ...]:
    """The KPIs computed month by month for the trends: the headline (charts, then cards)."""
    reg = _registry(registry)
    heads = list(TREND_CHARTS) + [k for line in CARDS for k in line]
    return tuple(dict.fromkeys(k for k in heads if k in reg))


def card_kpis(registry: Mapping[str, Any] | None = None) -> tuple[tuple[str, ...], ...]:
    """The summary's cards, 4 per line, of the KPIs the registry has."""
    reg = _registry(registry)
    return tuple(tuple(k for k in line if k in reg) for line in CARDS)


def table_columns(name: str) -> tuple[str, ...]:
    return TABLES[name][1]


# -- attributable to a rep --------------------------------------------------------------------------
def _table_has_rep(table: str) -> bool:
    from ..engine.sources import SOURCES
    from ..schema import TABLES as SCHEMA

    if table in SOURCES:
        return any(n.endswith(".rep") for n in SOURCES[table].needs)
    t = SCHEMA.get(table)
    return t is not None and any(f.name == "rep" for f in t.fields)


def _by_rep(metric: Any, registry: Mapping[str, Any], seen: set[str]) -> bool:
    """Every measure under ``metric`` reads a table that knows the rep."""
    from ..engine import model as m

    if isinstance(metric, str):
        if metric in seen or metric not in registry:
            return metric in seen
        return _by_rep(registry[metric].metric, registry, seen | {metric})
    if isinstance(metric, (m.Simple, m.Distribution, m.Funnel)):
        return _table_has_rep(metric.measure.table)
    if isinstance(metric, m.Ratio):
        return _by_rep(metric.num, registry, seen) and _by_rep(metric.den, registry, seen)
    if isinstance(metric, m.Derived):
        return all(_by_rep(i.ref if isinstance(i, m.Fallback) else i, registry, seen) for i in metric.inputs.values())
    if isinstance(metric, m.Variants):
        return _by_rep(metric.options[0][0], registry, seen)
    return False
