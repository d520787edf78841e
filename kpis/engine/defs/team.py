"""Team (kpis.md, seventh table). Credited revenue and prorated quotas come from :mod:`kpis.credit`,
the same code the commission calculator uses, so attainment agrees with the statements."""

from __future__ import annotations

from ..blocks import during, headcount_mean
from ..model import Filter, Measure, Ratio, Simple
from .common import count, kpi
from .customers import nps_ratio

S = "team"

AT_QUOTA = Filter("at_quota", ("at_quota",), lambda df, ev: df["at_quota"].astype(bool))

KPIS = [
    kpi("quota_attainment", S, ("Atteinte de l'objectif", "Quota attainment"), "ratio", "higher",
        Ratio(Simple(Measure("credit_lines", "sum", "credited")), Simple(Measure("quotas", "sum", "quota"))),
        ("CA crédité / objectif, par commercial (objectif au prorata des jours de présence dans P) ; équipe = Σ crédité / Σ objectifs",
         "credited revenue / quota, per rep (quota prorated for days employed in P); team = Σ credited / Σ quota")),
    kpi("reps_at_quota_rate", S, ("Commerciaux à l'objectif", "Reps at quota"), "ratio", "higher",
        Ratio(Simple(Measure("rep_attainment", "count", None, AT_QUOTA)), Simple(Measure("rep_attainment", "count"))),
        ("commerciaux dont l'atteinte ≥ 100 % / commerciaux ayant un objectif dans P",
         "reps with quota_attainment ≥ 1 / reps with a quota in P")),
    kpi("enps", S, ("eNPS", "eNPS"), "score", "higher", nps_ratio("employee_surveys"),
        ("formule du NPS sur les enquêtes collaborateurs de P", "NPS formula over employee_surveys in P")),
    kpi("employee_turnover_rate", S, ("Taux de rotation", "Employee turnover"), "ratio", "lower",
        Ratio(count("team", during("leave_date")), Simple(Measure("team", "count", None, None, headcount_mean()))),
        ("membres de l'équipe partis dans P / moyenne des effectifs au début et à la fin de P",
         "team members whose leave_date is in P / mean of headcount at P.start and at P.end")),
]
