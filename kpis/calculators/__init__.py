"""Calculators a sales team can pay from: commissions, quotas, scoring (``docs/calculators.md``).

- :func:`commission_statements` / :func:`commission_for` -- commission plans (``plans.py``, ``tiers.py``,
  ``commissions.py``)
- :func:`plan_quotas` -- the quota planner and its reverse funnel (``quota.py``)
- :func:`score` -- lead and customer scoring (``scoring.py``)

Credited revenue and prorated quotas, shared with the KPI engine, are in :mod:`kpis.credit`.
"""

from __future__ import annotations

from .commissions import RepStatement, Statements, commission_statements
from .errors import CalculatorError
from .plans import Plan, load_plans, parse_plan, plan_of
from .quota import QuotaPlan, plan_quotas, reverse_funnel
from .scoring import Scores, score
from .tiers import commission_for

__all__ = [
    "CalculatorError",
    "Plan",
    "QuotaPlan",
    "RepStatement",
    "Scores",
    "Statements",
    "commission_for",
    "commission_statements",
    "load_plans",
    "parse_plan",
    "plan_of",
    "plan_quotas",
    "reverse_funnel",
    "score",
]
