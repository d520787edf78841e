"""Pipeline (kpis.md, second table). Statuses are taken *as of* P.end: a deal is open at P.end when it
was created on or before P.end and is open now, or was won/lost with a close_date after P.end."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, cast

from ...periods import Period
from ..blocks import (
    OPEN_AT_END,
    WEIGHTED_AMOUNT,
    closed_so_far,
    during,
    open_at_end_closing_in_next,
    open_closing_in_rest,
    win_probability,
    worked,
)
from ..model import Derived, Measure, Note, Ratio, Simple, Variants, Window
from .common import WON, count, kpi, total

if TYPE_CHECKING:
    import pandas as pd

    from ..evaluate import Evaluator

S = "pipeline"


def unweighted_note(rows: pd.DataFrame, ev: Evaluator) -> list[Note]:
    """Open deals with neither a probability nor a known stage count at 0 %: say so, naming stages.
    ``rows`` are deals of the canonical table (a measure's selected rows): which have no probability
    is read from the whole table's, found once per evaluator rather than once per period."""
    whole = _unweighted(ev)
    if whole.index.is_unique:
        unweighted = whole.reindex(rows.index).to_numpy(dtype=bool)
    else:  # a frame given with repeated index labels: the rows' own probabilities
        unweighted = win_probability(rows, ev).isna().to_numpy(dtype=bool)
    n = int(unweighted.sum())
    if not n:
        return []
    stages = sorted({str(s) for s in rows.loc[unweighted, "stage"].dropna()}) if "stage" in rows.columns else []
    return [Note("kpi_note_unweighted", {"count": n, "stages": ", ".join(stages[:6]) or "—"})]


def _unweighted(ev: Evaluator) -> pd.Series:
    """Deals of the table without a win probability (neither their own nor their stage's)."""
    k = ("unweighted deals",)
    if k not in ev._maps:
        deals = ev.table("deals")
        assert deals is not None  # the note is taken on the deals' rows
        ev._maps[k] = win_probability(deals, ev).isna()
    return cast("pd.Series", ev._maps[k])


def _weighted(window: Window) -> Simple:
    return Simple(Measure("deals", "sum", WEIGHTED_AMOUNT, None, window), note=unweighted_note)


def _forecast(v: Mapping[str, Any], p: Period) -> Any:
    return v["so_far"] + v["rest"]


KPIS = [
    kpi("new_opportunities", S, ("Nouvelles opportunités", "New opportunities"), "count", "higher",
        count("deals", during("created_date")),
        ("affaires dont la date de création est dans P", "deals with created_date in P")),
    kpi("open_deals", S, ("Affaires en cours", "Open deals"), "count", "higher", count("deals", OPEN_AT_END),
        ("affaires créées au plus tard à fin P et ni gagnées ni perdues à fin P",
         "deals created on or before P.end and not won/lost by P.end")),
    kpi("open_pipeline_value", S, ("Pipeline ouvert", "Open pipeline"), "money", "higher",
        total("deals", "amount", OPEN_AT_END),
        ("Σ montant des affaires en cours", "Σ amount of open_deals")),
    kpi("weighted_pipeline", S, ("Pipeline pondéré", "Weighted pipeline"), "money", "higher", _weighted(OPEN_AT_END),
        ("Σ montant × probabilité des affaires en cours ; probabilité de l'affaire, sinon de son étape "
         "(configuration [stage_probability], sinon valeurs par défaut), sinon 0 avec une note",
         "Σ amount × probability of open_deals; the deal's probability, else its stage's "
         "([stage_probability] in the configuration, else defaults), else 0 with a note")),
    kpi("pipeline_coverage", S, ("Couverture du pipeline", "Pipeline coverage"), "number", "higher",
        Ratio(total("deals", "amount", open_at_end_closing_in_next()), Simple(Measure("next_quotas", "sum", "quota"))),
        ("Σ montant des affaires en cours dont la clôture prévue est dans la période suivante / Σ objectifs de la période suivante",
         "Σ amount of open_deals whose expected_close_date is in the next period / Σ quota of the next period")),
    kpi("close_ratio", S, ("Ratio de clôture", "Close ratio"), "ratio", "higher",
        Ratio("deals_won", count("deals", worked())),
        ("ventes conclues / opportunités travaillées dans P (créées au plus tard à fin P et non clôturées avant le début de P)",
         "deals_won / opportunities worked in P (created on or before P.end and not closed before P.start)")),
    kpi("proposals_sent", S, ("Propositions envoyées", "Proposals sent"), "count", "higher",
        count("deals", during("proposal_date")),
        ("affaires dont la date de proposition est dans P", "deals with proposal_date in P")),
    kpi("demo_to_close", S, ("Ratio démo-clôture", "Demo-to-close"), "ratio", "higher",
        Variants((
            (Ratio("deals_won", "demos"), None),
            (Ratio("deals_won", count("deals", during("demo_date"))), "kpi_note_demo_dates"),
        )),
        ("ventes conclues / démos dans P (activités de type démo, sinon affaires dont la date de démo est dans P)",
         "deals_won / demos in P (demo activities, else deals with demo_date in P when there is no activity table)")),
    kpi("forecast", S, ("Prévision", "Forecast"), "money", "higher",
        Derived({"so_far": total("deals", "amount", closed_so_far(), WON), "rest": _weighted(open_closing_in_rest())}, _forecast),
        ("CA déjà réalisé dans P (jusqu'à la date des données) + pipeline pondéré des affaires ouvertes dont la clôture "
         "prévue tombe dans le reste de P",
         "revenue so far in P (up to the data date) + weighted pipeline of open deals expected to close in the rest of P")),
]
