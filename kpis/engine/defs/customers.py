"""Customers and recurring revenue (kpis.md, fifth table).

A customer is *at the start* of P when it started before P.start and had not left before P.start;
*active* at P.end when it started on or before P.end and had not left by P.end (end_date after P.end);
*churned* in P when it was there at the start and its end_date is in P.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from ...credit import text_codes
from ...periods import Period
from ..blocks import ACTIVE_AT_END, AT_START, CHURNED, RETAINED, between, during, expr, notna, referral, trailing_year
from ..model import Derived, Expr, Fallback, Filter, Measure, NoData, Ratio, Simple, Variants
from .common import WON, count, kpi, total

if TYPE_CHECKING:
    from ..evaluate import Evaluator

S = "customers"


def _arr(v: Mapping[str, Any], p: Period) -> Any:
    return None if v["mrr"] is None else 12.0 * v["mrr"]


def _arpa_from_revenue(v: Mapping[str, Any], p: Period) -> Any:
    """Without MRR: the period's revenue per month, per active customer."""
    if v["revenue"] is None or not v["active"]:
        return None
    return v["revenue"] / p.months / v["active"]


def monthly_churn(churn_rate: float, months: float) -> float:
    """Churn over ``months`` months turned into a monthly rate: 1 − (1 − churn)^(1/n)."""
    return 1.0 - float((1.0 - churn_rate) ** (1.0 / months))


def _clv(v: Mapping[str, Any], p: Period) -> Any:
    if v["arpa"] is None or v["churn"] is None or v["margin"] is None:
        return None
    if v["churn"] <= 0:
        return NoData("kpi_churn_zero")
    return v["arpa"] * v["margin"] / monthly_churn(v["churn"], p.months)


def _customer_key(df: pd.DataFrame, ev: Evaluator) -> pd.Series:
    """customer_id, else the account name, per row (an account is prefixed with a NUL character so it
    can never collide with an id)."""
    key = df["customer_id"].astype(object) if "customer_id" in df.columns else pd.Series(None, index=df.index, dtype=object)
    if "account" in df.columns:
        gap = key.isna() & df["account"].notna()
        if gap.any():
            key = key.copy()
            # each distinct account made a key once (tens of thousands of rows, a few hundred accounts)
            codes, accounts = text_codes(df.loc[gap, "account"].to_numpy(dtype=object))
            key[gap] = np.array(["\0" + a for a in accounts], dtype=object)[codes]
    return key


CUSTOMER_KEY = Expr("customer key", (), _customer_key, optional=("customer_id", "account"))
def _has_key(df: pd.DataFrame, ev: Evaluator) -> pd.Series:
    has = pd.Series(False, index=df.index)
    for c in ("customer_id", "account"):
        if c in df.columns:
            has |= df[c].notna()
    return has


HAS_KEY = Filter("has customer key", (), _has_key)
BOUGHT_12M: dict[str, Any] = dict(window=trailing_year("close_date"), any_of=(("customer_id", "account"),))
SCORED = between("score", 0, 10)
NPS_POINTS = expr("nps points", ("score",), lambda df, ev: 100.0 * (df["score"] >= 9) - 100.0 * (df["score"] <= 6))


def nps_ratio(table: str) -> Ratio:
    """% of scores 9–10 minus % of scores 0–6, on −100…100: Σ(+100 promoter, −100 detractor) / scores."""
    return Ratio(total(table, NPS_POINTS, during("date"), SCORED), count(table, during("date"), SCORED))


MARGIN_OR_ONE = Fallback("margin_rate", 1.0, "kpi_note_margin_assumed")

KPIS = [
    kpi("customers_at_start", S, ("Clients en début de période", "Customers at start"), "count", "higher",
        count("customers", AT_START),
        ("clients avec date de début < début de P et (pas de date de fin ou date de fin ≥ début de P)",
         "start_date < P.start and (end_date empty or end_date ≥ P.start)")),
    kpi("new_customers", S, ("Nouveaux clients", "New customers"), "count", "higher", count("customers", during("start_date")),
        ("clients dont la date de début est dans P", "start_date in P")),
    kpi("churned_customers", S, ("Clients perdus", "Churned customers"), "count", "lower", count("customers", CHURNED),
        ("clients de début de période dont la date de fin est dans P", "customers_at_start whose end_date is in P")),
    kpi("active_customers", S, ("Clients actifs", "Active customers"), "count", "higher", count("customers", ACTIVE_AT_END),
        ("date de début ≤ fin de P et (pas de date de fin ou date de fin > fin de P)",
         "start_date ≤ P.end and (end_date empty or end_date > P.end)")),
    kpi("churn_rate", S, ("Taux d'attrition", "Churn rate"), "ratio", "lower", Ratio("churned_customers", "customers_at_start"),
        ("clients perdus / clients en début de période", "churned_customers / customers_at_start")),
    kpi("retention_rate", S, ("Taux de rétention", "Retention rate"), "ratio", "higher",
        Ratio(count("customers", RETAINED), "customers_at_start"),
        ("(clients actifs − nouveaux clients encore actifs à fin P) / clients en début de période",
         "(active_customers − new_customers still active at P.end) / customers_at_start")),
    kpi("mrr", S, ("MRR", "MRR"), "money", "higher", total("customers", "mrr", ACTIVE_AT_END),
        ("Σ MRR des clients actifs", "Σ mrr of active_customers")),
    kpi("arr", S, ("ARR", "ARR"), "money", "higher", Derived({"mrr": "mrr"}, _arr),
        ("12 × MRR", "12 × mrr")),
    kpi("revenue_churn_rate", S, ("Taux d'attrition du revenu", "Revenue churn"), "ratio", "lower",
        Ratio(total("customers", "mrr", CHURNED), total("customers", "mrr", AT_START)),
        ("Σ MRR des clients perdus / Σ MRR des clients en début de période", "Σ mrr of churned_customers / Σ mrr of customers_at_start")),
    kpi("arpa", S, ("Revenu moyen par compte", "ARPA"), "money", "higher",
        Variants((
            (Ratio("mrr", "active_customers"), None),
            (Derived({"revenue": "revenue", "active": "active_customers"}, _arpa_from_revenue), "kpi_note_arpa_revenue"),
        )),
        ("MRR / clients actifs ; sans MRR : chiffre d'affaires mensuel de P / clients actifs",
         "mrr / active_customers; without mrr: monthly revenue of P / active_customers")),
    kpi("purchases_per_customer", S, ("Achats par client et par an", "Purchases per customer per year"), "number", "higher",
        Ratio(count("deals", where=WON & HAS_KEY, **BOUGHT_12M),
              Simple(Measure("deals", "nunique", CUSTOMER_KEY, WON & HAS_KEY, **BOUGHT_12M))),
        ("affaires gagnées clôturées dans les 12 mois finissant à fin P / clients distincts parmi elles (customer_id, sinon compte)",
         "won deals closed in the 12 months ending P.end / distinct customers (customer_id, else account) among them")),
    kpi("clv", S, ("Valeur vie client", "Customer lifetime value"), "money", "higher",
        Derived({"arpa": "arpa", "margin": MARGIN_OR_ONE, "churn": "churn_rate"}, _clv),
        ("ARPA mensuel × taux de marge / attrition mensuelle (marge = 1 avec une note sans coût ; vide si attrition nulle ; "
         "sur n mois, attrition mensuelle = 1 − (1 − attrition)^(1/n))",
         "monthly arpa × margin_rate / monthly churn_rate (margin_rate = 1 with a note when there is no cost; null when churn "
         "is 0; over n months, monthly churn = 1 − (1 − churn_rate)^(1/n))")),
    kpi("nps", S, ("Net Promoter Score", "Net Promoter Score"), "score", "higher", nps_ratio("surveys"),
        ("% des notes de P à 9–10 − % des notes à 0–6, de −100 à 100", "% of survey scores in P that are 9–10 minus % that are 0–6, on −100…100")),
    kpi("csat", S, ("Satisfaction client", "CSAT"), "ratio", "higher",
        Ratio(count("surveys", during("date"), notna("csat") & Filter("csat>=4", ("csat",), lambda df, ev: df["csat"].ge(4))),
              count("surveys", during("date"), notna("csat"))),
        ("part des enquêtes de P avec une satisfaction ≥ 4 (sur 5)", "share of surveys in P with csat ≥ 4")),
    kpi("referral_rate", S, ("Taux de recommandation", "Referral rate"), "ratio", "higher",
        Ratio(count("customers", during("start_date"), referral()), "new_customers"),
        ("nouveaux clients dont la source est une recommandation / nouveaux clients", "new_customers whose source is a referral / new_customers")),
]
