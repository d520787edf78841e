"""Leads and funnel (kpis.md, fourth table).

A lead *reached* a funnel step when it has that step's date, or a later step's date, or its current
stage is that step or a later one (a disqualified lead keeps the steps its dates show). Reaching is
therefore monotone: every SQL is also an MQL, so step rates never exceed 100 %.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..blocks import days_between, during, hours_between, isin, nonneg, notna, on_or_before_end
from ..model import Distribution, Filter, Funnel, Measure, Ratio, Simple
from ...schema import LEAD_STAGES
from .common import count, kpi, total

if TYPE_CHECKING:
    from ..evaluate import Evaluator

S = "leads"

STEPS = ("lead", "mql", "sql", "opportunity", "customer")
STEP_DATES = {"mql": "mql_date", "sql": "sql_date", "opportunity": "opportunity_date", "customer": "customer_date"}
STEP_FIELDS = tuple(STEP_DATES.values()) + ("stage",)
_RANK = {s: i for i, s in enumerate(STEPS)}


def reached(df: pd.DataFrame, ev: Evaluator | None = None) -> pd.DataFrame:
    """One bool column per step of :data:`STEPS`: did the lead reach it (see module docstring)."""
    rank = df["stage"].map(_RANK).astype("float64") if "stage" in df.columns else pd.Series(float("nan"), index=df.index)
    out: dict[str, pd.Series] = {}
    later = pd.Series(False, index=df.index)
    for step in reversed(STEPS[1:]):
        col = STEP_DATES[step]
        if col in df.columns:
            later = later | df[col].notna()
        later = later | (rank >= _RANK[step]).fillna(False).astype(bool)
        out[step] = later
    out["lead"] = pd.Series(True, index=df.index)
    return pd.DataFrame({s: out[s] for s in STEPS})


QUALIFIED = Filter("reached mql", (), lambda df, ev: reached(df)["mql"])
CREATED = during("created_at")
CONTACTED = during("first_contact_at")
RESPONDED = isin("response", ("positive", "negative"))
RESPONSE_HOURS = hours_between("created_at", "first_contact_at")
LIFECYCLE_DAYS = days_between("created_at", "customer_date")


def _contacted(where: Filter | None = None) -> Simple:
    return count("leads", CONTACTED, where)


def _to_customer(date_field: str) -> Ratio:
    return Ratio(count("leads", during(date_field), notna("customer_date")), count("leads", during(date_field)))


KPIS = [
    kpi("leads_created", S, ("Nouveaux prospects", "Leads created"), "count", "higher", count("leads", CREATED),
        ("prospects créés dans P", "leads with created_at in P")),
    kpi("lead_qualification_rate", S, ("Taux de qualification", "Lead qualification rate"), "ratio", "higher",
        Ratio(count("leads", CREATED, QUALIFIED, any_of=(STEP_FIELDS,)), "leads_created"),
        ("prospects créés dans P ayant une date MQL (ou une étape ultérieure) / nouveaux prospects",
         "leads created in P that have an mql_date (or a later stage) / leads_created")),
    kpi("conversion_rate", S, ("Taux de conversion", "Conversion rate"), "ratio", "higher",
        Ratio("deals_won", "leads_created"),
        ("ventes conclues / nouveaux prospects (ventes ÷ prospects générés)", "deals_won / leads_created (sales ÷ leads generated)")),
    kpi("funnel", S, ("Entonnoir", "Funnel"), "distribution", "none",
        Funnel(Measure("leads", "count", None, None, CREATED), STEPS, reached, STEP_FIELDS),
        ("pour les prospects créés dans P : nombre atteignant MQL, SQL, opportunité, client, et le taux de chaque étape "
         "(rapporté à l'étape précédente ; part = rapporté aux prospects)",
         "for leads created in P: count reaching mql, sql, opportunity, customer, and each step's rate "
         "(over the previous step; share = over the leads)")),
    kpi("lifecycle_distribution", S, ("Répartition par étape", "Leads per lifecycle stage"), "distribution", "none",
        Distribution(Measure("leads", "count", None, None, on_or_before_end("created_at")), "stage", LEAD_STAGES),
        ("part des prospects créés au plus tard à fin P par étape actuelle", "share of leads created on or before P.end per current stage")),
    kpi("mql_to_customer_rate", S, ("Conversion MQL → client", "MQL to customer rate"), "ratio", "higher", _to_customer("mql_date"),
        ("prospects avec date MQL dans P ayant une date client / prospects avec date MQL dans P",
         "leads with mql_date in P that have a customer_date / leads with mql_date in P")),
    kpi("sql_to_customer_rate", S, ("Conversion SQL → client", "SQL to customer rate"), "ratio", "higher", _to_customer("sql_date"),
        ("prospects avec date SQL dans P ayant une date client / prospects avec date SQL dans P",
         "leads with sql_date in P that have a customer_date / leads with sql_date in P")),
    kpi("lead_response_time_hours", S, ("Temps de réponse moyen", "Average response time"), "hours", "lower",
        Ratio(total("leads", RESPONSE_HOURS, CREATED, nonneg(RESPONSE_HOURS)), count("leads", CREATED, nonneg(RESPONSE_HOURS))),
        ("moyenne de (premier contact − création) en heures, prospects créés dans P et contactés",
         "mean (first_contact_at − created_at) in hours over leads created in P that were contacted")),
    kpi("leads_followed_up_rate", S, ("Prospects suivis", "Leads followed up"), "ratio", "higher",
        Ratio(count("leads", CREATED, notna("first_contact_at")), "leads_created"),
        ("prospects créés dans P ayant un premier contact / nouveaux prospects", "leads created in P with a first_contact_at / leads_created")),
    kpi("response_rate", S, ("Taux de réponse", "Response rate"), "ratio", "higher",
        Ratio(_contacted(RESPONDED), _contacted()),
        ("prospects contactés dans P ayant répondu / prospects contactés dans P",
         "leads with first_contact_at in P that have a response / leads with first_contact_at in P")),
    kpi("positive_response_rate", S, ("Réponses positives", "Positive responses"), "ratio", "higher",
        Ratio(_contacted(isin("response", ("positive",))), _contacted()),
        ("prospects contactés dans P ayant répondu positivement / prospects contactés dans P",
         "leads with first_contact_at in P with a positive response / leads with first_contact_at in P")),
    kpi("negative_response_rate", S, ("Réponses négatives", "Negative responses"), "ratio", "lower",
        Ratio(_contacted(isin("response", ("negative",))), _contacted()),
        ("prospects contactés dans P ayant répondu négativement / prospects contactés dans P",
         "leads with first_contact_at in P with a negative response / leads with first_contact_at in P")),
    kpi("meeting_acceptance_rate", S, ("Taux d'acceptation des rendez-vous", "Meeting acceptance rate"), "ratio", "higher",
        Ratio(_contacted(RESPONDED & notna("meeting_date")), _contacted(RESPONDED)),
        ("prospects contactés dans P ayant répondu et obtenu un rendez-vous / prospects contactés dans P ayant répondu",
         "leads contacted in P with a response and a meeting_date / leads contacted in P with a response")),
    kpi("customer_acquisition_rate", S, ("Taux d'acquisition de clients", "Customer acquisition rate"), "ratio", "higher",
        Ratio(_contacted(notna("customer_date")), _contacted()),
        ("prospects contactés dans P devenus clients (date client) / prospects contactés dans P",
         "leads contacted in P that have a customer_date / leads contacted in P")),
    kpi("customer_lifecycle_days", S, ("Durée du cycle de vie client", "Customer lifecycle length"), "days", "lower",
        Ratio(total("leads", LIFECYCLE_DAYS, during("customer_date"), nonneg(LIFECYCLE_DAYS)),
              count("leads", during("customer_date"), nonneg(LIFECYCLE_DAYS))),
        ("moyenne de (date client − création) en jours, prospects dont la date client est dans P",
         "mean (customer_date − created_at) in days over leads with customer_date in P")),
]
