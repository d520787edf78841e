"""The KPI engine: a registry of declared metrics and the pure computations over canonical tables.

::

    from kpis.engine import compute, compute_series, compute_kpi, REGISTRY
    results = compute(ds, parse_period("2026-10"), by=["rep"])
    results["win_rate"].value, results.to_json()

See :mod:`kpis.engine.model` for how KPIs are declared and ``docs/kpis.md`` for the decisions taken
where ``kpis.md`` is silent.
"""

from .compute import compute, compute_kpi, compute_series, default_period, reference_date
from .evaluate import NONE_KEY, Evaluator
from .registry import REGISTRY
from .results import KpiResult, Results, ResultsSeries

__all__ = [
    "REGISTRY",
    "NONE_KEY",
    "Evaluator",
    "KpiResult",
    "Results",
    "ResultsSeries",
    "compute",
    "compute_kpi",
    "compute_series",
    "default_period",
    "reference_date",
]
