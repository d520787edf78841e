"""Activities dated in P (kpis.md, third table). Every outcome counts (a canceled meeting is still a
meeting in P: that is what meetings_lost_rate divides by)."""

from __future__ import annotations

from ..blocks import during, eq, isin
from ..model import Measure, Ratio, Simple
from .common import count, kpi

S = "activities"

_TYPES = [
    ("calls", "call", ("Appels", "Calls"), ("appel", "call")),
    ("emails", "email", ("E-mails", "Emails"), ("e-mail", "email")),
    ("meetings", "meeting", ("Rendez-vous", "Meetings"), ("rendez-vous", "meeting")),
    ("visits", "visit", ("Visites", "Visits"), ("visite", "visit")),
    ("demos", "demo", ("Démos", "Demos"), ("démo", "demo")),
]

KPIS = [
    kpi(kid, S, names, "count", "higher", count("activities", during("date"), eq("type", t)),
        (f"nombre d'activités de type {words[0]} dans P", f"count of {words[1]} activities in P"))
    for kid, t, names, words in _TYPES
] + [
    kpi("activities_total", S, ("Activités", "Activities"), "count", "higher", count("activities", during("date")),
        ("nombre d'activités dans P", "count of activities in P")),
    kpi("meetings_lost_rate", S, ("Rendez-vous annulés ou reportés", "Meetings lost"), "ratio", "lower",
        Ratio(count("activities", during("date"), eq("type", "meeting") & isin("outcome", ("canceled", "postponed"))), "meetings"),
        ("rendez-vous de P annulés ou reportés / rendez-vous de P", "meetings in P with outcome canceled or postponed / meetings in P")),
    kpi("touches_per_won_deal", S, ("Interactions par vente", "Touches per won deal"), "number", "none",
        Ratio(Simple(Measure("touches", "count")), "deals_won", detail="type"),
        ("activités (de toute date) liées par deal_id aux affaires gagnées clôturées dans P / ventes conclues ; aussi par type",
         "activities (any date) linked by deal_id to won deals closed in P / deals_won; also per type")),
    kpi("activities_per_opportunity", S, ("Activités par opportunité", "Activities per opportunity"), "number", "none",
        Ratio("activities_total", "new_opportunities"),
        ("activités / nouvelles opportunités", "activities_total / new_opportunities")),
    kpi("customer_engagement", S, ("Engagement clients", "Customer engagement"), "number", "higher",
        Ratio(Simple(Measure("engaged", "count")), "active_customers"),
        ("activités de P liées (customer_id) à un client actif / clients actifs",
         "activities in P linked (customer_id) to a customer active in P / active customers")),
]
