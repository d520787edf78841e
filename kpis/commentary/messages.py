"""The commentary's sentences, French and English (``str.format`` templates)."""

from __future__ import annotations

from ..i18n import register

register({
    "cm_unknown_rep": {"fr": "commercial inconnu pour cette période : {rep}", "en": "no such rep in this period: {rep}"},
    "cm_heading_team": {"fr": "Équipe — {period}", "en": "Team — {period}"},
    "cm_revenue": {"fr": "{period} : chiffre d'affaires de {revenue}{vs_prev}{vs_target}.",
                   "en": "{period}: revenue of {revenue}{vs_prev}{vs_target}."},
    "cm_rep_revenue": {"fr": "{name} : chiffre d'affaires de {revenue} en {period}{vs_prev}{vs_target}.",
                       "en": "{name}: revenue of {revenue} in {period}{vs_prev}{vs_target}."},
    "cm_vs_prev": {"fr": ", {change} par rapport à {prev_label} ({prev})", "en": ", {change} on {prev_label} ({prev})"},
    "cm_vs_target": {"fr": ", soit {attain} de l'objectif ({target})", "en": ", {attain} of target ({target})"},
    "cm_kpis": {"fr": "Taux de réussite {win_rate}{win_change}, {won} ventes, panier moyen {avg}{cycle}.",
                "en": "Win rate {win_rate}{win_change}, {won} deals won, average deal size {avg}{cycle}."},
    "cm_kpis_one": {"fr": "Taux de réussite {win_rate}{win_change}, {won} vente, panier moyen {avg}{cycle}.",
                    "en": "Win rate {win_rate}{win_change}, {won} deal won, average deal size {avg}{cycle}."},
    "cm_cycle": {"fr": ", cycle de vente {cycle}", "en": ", sales cycle {cycle}"},
    "cm_up": {"fr": "Principaux contributeurs à la hausse : {items}.", "en": "Main contributors to the increase: {items}."},
    "cm_down": {"fr": "Principaux contributeurs à la baisse : {items}.", "en": "Main contributors to the decrease: {items}."},
    "cm_rep_up": {"fr": "Principaux contributeurs à la hausse, par produit : {items}.",
                  "en": "Main contributors to the increase, by product: {items}."},
    "cm_rep_down": {"fr": "Principaux contributeurs à la baisse, par produit : {items}.",
                    "en": "Main contributors to the decrease, by product: {items}."},
    "cm_by_product": {"fr": "par produit : {items}", "en": "by product: {items}"},
    "cm_by_source": {"fr": "par source : {items}", "en": "by source: {items}"},
    "cm_best": {"fr": "Meilleure performance : {name}, à {attain} de son objectif ({revenue}).",
                "en": "Best performer: {name}, at {attain} of quota ({revenue})."},
    "cm_best_revenue": {"fr": "Meilleur chiffre d'affaires : {name} ({revenue}).", "en": "Top revenue: {name} ({revenue})."},
    "cm_below": {"fr": "Les plus loin de leur objectif : {items}.", "en": "Furthest below quota: {items}."},
    "cm_all_at_quota": {"fr": "Tous les commerciaux ont atteint leur objectif.", "en": "Every rep reached quota."},
    "cm_rank": {"fr": "{rank} sur {n} commerciaux pour l'atteinte de l'objectif.", "en": "Ranked {rank} of {n} reps on quota attainment."},
    "cm_forecast": {
        "fr": "{period} (données au {as_of}) : prévision de {forecast} ({won} déjà gagnés + {weighted} de pipeline pondéré){quota}, fourchette P10–P90 de {p10} à {p90}.",
        "en": "{period} (data as of {as_of}): forecast of {forecast} ({won} already won + {weighted} weighted pipeline){quota}, P10–P90 range {p10} to {p90}.",
    },
    "cm_forecast_none": {"fr": "{period} (données au {as_of}) : rien de gagné ni d'affaire ouverte prévue dans la période.",
                         "en": "{period} (data as of {as_of}): nothing won and no open deal expected to close in the period."},
    "cm_forecast_quota": {"fr": " pour un objectif de {quota}, probabilité de l'atteindre {p_hit}",
                          "en": " against a quota of {quota}, {p_hit} probability of reaching it"},
    "cm_attention": {
        "fr": "{n} affaires ouvertes demandent de l'attention (date de clôture prévue dépassée ou montant manquant).",
        "en": "{n} open deals need attention (expected close date passed or amount missing).",
    },
    "cm_attention_one": {
        "fr": "1 affaire ouverte demande de l'attention (date de clôture prévue dépassée ou montant manquant).",
        "en": "1 open deal needs attention (expected close date passed or amount missing).",
    },
    "cm_attention_none": {"fr": "Aucune affaire ouverte en retard ni sans montant.",
                          "en": "No open deal is overdue or without an amount."},
    "cm_no_revenue": {"fr": "{period} : aucune vente enregistrée.", "en": "{period}: no sale recorded."},
})
