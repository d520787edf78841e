"""Team (kpis.md, seventh table). Credited revenue and prorated quotas come from :mod:`kpis.credit`,
the same code the commission calculator uses, so attainment agrees with the statements."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ...errors import Note

from ..blocks import during, headcount_mean
from ..model import Filter, Measure, Ratio, Simple
from .common import count, kpi
from .customers import nps_ratio

if TYPE_CHECKING:
    from ..evaluate import Evaluator

S = "team"

AT_QUOTA = Filter("at_quota", ("at_quota",), lambda df, ev: df["at_quota"].astype(bool))

def _without_quota_note(rows: pd.DataFrame, ev: Evaluator) -> list[Note]:
    """Revenue credited to reps without a quota in P is in neither side of the team's attainment:
    said, with who and how much (a rep missing from the targets is otherwise invisible here)."""
    outside = rows.attrs.get("credited_without_quota") or {}
    if not outside:
        return []
    reps = sorted(outside)
    shown = ", ".join(reps[:6]) + (f" (+{len(reps) - 6})" if len(reps) > 6 else "")
    return [Note("kpi_note_without_quota", {"count": len(reps), "reps": shown, "revenue": round(sum(outside.values()), 2)})]


KPIS = [
    kpi("quota_attainment", S, ("Atteinte de l'objectif", "Quota attainment"), "ratio", "higher",
        Ratio(Simple(Measure("credit_lines", "sum", "credited"), note=_without_quota_note),
              Simple(Measure("quotas", "sum", "quota"))),
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
