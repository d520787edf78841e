"""The forecast's words, French and English."""

from __future__ import annotations

from typing import Any

from ..i18n import message, register

register({
    "fc_title": {"fr": "Prévision — {period} (données au {as_of})", "en": "Forecast — {period} (data as of {as_of})"},
    "fc_won": {"fr": "Gagné à date", "en": "Won to date"},
    "fc_open_count": {"fr": "Affaires ouvertes (clôture prévue dans la période)", "en": "Open deals (expected to close in the period)"},
    "fc_open_amount": {"fr": "Montant ouvert", "en": "Open amount"},
    "fc_weighted": {"fr": "Pipeline pondéré", "en": "Weighted pipeline"},
    "fc_forecast": {"fr": "Prévision (gagné + pondéré)", "en": "Forecast (won + weighted)"},
    "fc_run_rate": {"fr": "Rythme actuel projeté", "en": "Run rate"},
    "fc_quota": {"fr": "Objectif", "en": "Quota"},
    "fc_p_hit": {"fr": "Probabilité d'atteindre l'objectif", "en": "Probability of reaching the quota"},
    "fc_p10": {"fr": "P10 (prudent)", "en": "P10 (low)"},
    "fc_p50": {"fr": "P50 (médian)", "en": "P50 (median)"},
    "fc_p90": {"fr": "P90 (haut)", "en": "P90 (high)"},
    "fc_commit": {"fr": "Engagé (commit)", "en": "Commit"},
    "fc_best_case": {"fr": "Meilleur cas (best case)", "en": "Best case"},
    "fc_pacing_previous": {"fr": "Gagné au même jour de {period}", "en": "Won by the same day of {period}"},
    "fc_pacing_year_ago": {"fr": "Gagné au même jour de {period} (an dernier)", "en": "Won by the same day of {period} (last year)"},
    "fc_method_exact": {"fr": "calcul exact", "en": "exact computation"},
    "fc_method_simulation": {"fr": "simulation ({n} tirages, graine {seed})", "en": "simulation ({n} draws, seed {seed})"},
    "fc_method": {"fr": "Méthode", "en": "Method"},
    "fc_unweighted": {
        "fr": "{n} affaire(s) sans probabilité ni étape connue, comptée(s) à 0 %",
        "en": "{n} deal(s) without a probability or a known stage, counted at 0%",
    },
    "fc_h_figure": {"fr": "Indicateur", "en": "Figure"},
    "fc_h_value": {"fr": "Valeur", "en": "Value"},
    "fc_s_won": {"fr": "Gagné", "en": "Won"},
    "fc_s_open_count": {"fr": "Ouvertes", "en": "Open"},
    "fc_s_weighted": {"fr": "Pondéré", "en": "Weighted"},
    "fc_s_forecast": {"fr": "Prévision", "en": "Forecast"},
    "fc_s_quota": {"fr": "Objectif", "en": "Quota"},
    "fc_s_p_hit_quota": {"fr": "P(objectif)", "en": "P(quota)"},
    "fc_s_p10": {"fr": "P10", "en": "P10"},
    "fc_s_p50": {"fr": "P50", "en": "P50"},
    "fc_s_p90": {"fr": "P90", "en": "P90"},
    "fc_h_rep": {"fr": "Commercial", "en": "Rep"},
    "fc_team": {"fr": "Équipe", "en": "Team"},
    "fc_bad_quota": {"fr": "--quota : montant positif attendu, reçu {value!r}",
                     "en": "--quota: expected a positive amount, got {value!r}"},
    "fc_bad_by": {"fr": "--by : seul « rep » est possible ici", "en": "--by: only \"rep\" is possible here"},
})


def method_text(result: dict[str, Any], lang: str) -> str:
    """``calcul exact`` / ``simulation (100000 tirages, graine …)``."""
    if result.get("method") == "simulation":
        return message("fc_method_simulation", lang, n=result.get("simulations"), seed=result.get("seed"))
    return message("fc_method_exact", lang)
