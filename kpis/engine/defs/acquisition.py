"""Acquisition cost and return (kpis.md, sixth table). Spend rows are monthly: a period takes the
months it covers (a month cut by a custom range in proportion to its days)."""

from __future__ import annotations

from typing import Any, Mapping

from ...periods import Period
from ..blocks import eq, month_overlap
from ..model import Derived, Ratio, Variants
from .common import kpi, total
from .customers import MARGIN_OR_ONE

S = "acquisition"

SPEND = total("spend", "amount", month_overlap("period"))
MARKETING_SPEND = total("spend", "amount", month_overlap("period"), eq("category", "marketing"))


def _clv_to_cac(v: Mapping[str, Any], p: Period) -> Any:
    return None if v["clv"] is None or not v["cac"] else v["clv"] / v["cac"]


def _payback(v: Mapping[str, Any], p: Period) -> Any:
    if v["cac"] is None or v["arpa"] is None or v["margin"] is None:
        return None
    monthly_margin = v["arpa"] * v["margin"]
    return v["cac"] / monthly_margin if monthly_margin else None


def _roi(v: Mapping[str, Any], p: Period) -> Any:
    if v["revenue"] is None or v["margin"] is None or not v["spend"]:
        return None
    return (v["revenue"] * v["margin"] - v["spend"]) / v["spend"]


KPIS = [
    kpi("cac", S, ("Coût d'acquisition client", "Customer acquisition cost"), "money", "lower", Ratio(SPEND, "new_customers"),
        ("Σ dépenses de P (toutes catégories) / nouveaux clients", "Σ spend in P (all categories) / new_customers")),
    kpi("cost_per_lead", S, ("Coût par prospect", "Cost per lead"), "money", "lower",
        Variants((
            (Ratio(MARKETING_SPEND, "leads_created"), None),
            (Ratio(SPEND, "leads_created"), "kpi_note_spend_all"),
        )),
        ("Σ dépenses marketing de P / nouveaux prospects (par canal : dépenses du canal / prospects de cette source)",
         "Σ marketing spend in P / leads_created (by channel: channel spend / leads of that source)")),
    kpi("cost_per_conversion", S, ("Coût par conversion", "Cost per conversion"), "money", "lower", Ratio(SPEND, "deals_won"),
        ("Σ dépenses de P / ventes conclues", "Σ spend in P / deals_won")),
    kpi("clv_to_cac", S, ("Ratio CLV/CAC", "CLV to CAC ratio"), "number", "higher",
        Derived({"clv": "clv", "cac": "cac"}, _clv_to_cac),
        ("valeur vie client / coût d'acquisition client", "clv / cac")),
    kpi("cac_payback_months", S, ("Délai de récupération du CAC", "CAC payback"), "months", "lower",
        Derived({"cac": "cac", "arpa": "arpa", "margin": MARGIN_OR_ONE}, _payback),
        ("CAC / (ARPA mensuel × taux de marge)", "cac / (monthly arpa × margin_rate)")),
    kpi("roi", S, ("Retour sur investissement", "Return on investment"), "ratio", "higher",
        Derived({"revenue": "revenue", "margin": MARGIN_OR_ONE, "spend": SPEND}, _roi),
        ("(chiffre d'affaires × taux de marge − Σ dépenses) / Σ dépenses, dans P ; par canal : affaires dont la source est ce canal",
         "(revenue × margin_rate − Σ spend) / Σ spend, in P; by channel: deals whose source is that channel")),
]
