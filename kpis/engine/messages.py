"""The engine's words in French and English: reasons, notes, units, statuses, table headers."""

from __future__ import annotations

from ..i18n import register

register(
    {
        # reasons (why a value is null)
        "kpi_no_data_inputs": {"fr": "pas de données pour : {what}", "en": "no data for: {what}"},
        "kpi_churn_zero": {
            "fr": "attrition nulle sur la période : durée de vie client indéfinie",
            "en": "churn is zero in the period: customer lifetime undefined",
        },
        # notes (what the reader of a value should know)
        "kpi_note_margin_assumed": {
            "fr": "taux de marge supposé à 100 % (aucun coût renseigné)",
            "en": "margin rate taken as 100% (no cost given)",
        },
        "kpi_note_without_quota": {
            "fr": "{revenue} crédités à {count} commercial(aux) sans objectif dans la période ({reps}) : hors de l'atteinte de l'équipe",
            "en": "{revenue} credited to {count} rep(s) without a quota in the period ({reps}): outside the team's attainment",
        },
        "kpi_note_unweighted": {
            "fr": "{count} affaire(s) sans probabilité ni étape connue, comptée(s) à 0 % (étapes : {stages})",
            "en": "{count} deal(s) without a probability or a known stage, counted at 0% (stages: {stages})",
        },
        "kpi_note_demo_dates": {
            "fr": "démos comptées d'après la date de démo des affaires (pas d'activités de type démo)",
            "en": "demos counted from the deals' demo_date (no demo activities)",
        },
        "kpi_note_arpa_revenue": {
            "fr": "sans MRR : chiffre d'affaires mensuel / clients actifs",
            "en": "without MRR: monthly revenue / active customers",
        },
        "kpi_note_spend_all": {
            "fr": "dépenses sans catégorie : toutes comptées comme marketing",
            "en": "spend has no category: all of it counted as marketing",
        },
        # statuses
        "kpi_status_ok": {"fr": "ok", "en": "ok"},
        "kpi_status_no_data": {"fr": "pas de données", "en": "no data"},
        "kpi_status_missing_input": {"fr": "donnée absente", "en": "missing input"},
        # units (catalogue) and their short suffixes (values)
        "kpi_unit_ratio": {"fr": "taux", "en": "rate"},
        "kpi_unit_money": {"fr": "montant", "en": "money"},
        "kpi_unit_count": {"fr": "nombre", "en": "count"},
        "kpi_unit_days": {"fr": "jours", "en": "days"},
        "kpi_unit_hours": {"fr": "heures", "en": "hours"},
        "kpi_unit_months": {"fr": "mois", "en": "months"},
        "kpi_unit_score": {"fr": "score (−100…100)", "en": "score (−100…100)"},
        "kpi_unit_number": {"fr": "nombre décimal", "en": "number"},
        "kpi_unit_distribution": {"fr": "répartition", "en": "distribution"},
        "kpi_unit_money_per_day": {"fr": "montant par jour", "en": "money per day"},
        "kpi_suffix_days": {"fr": "j", "en": "d"},
        "kpi_suffix_hours": {"fr": "h", "en": "h"},
        "kpi_suffix_months": {"fr": "mois", "en": "mo"},
        "kpi_suffix_per_day": {"fr": "/j", "en": "/day"},
        "kpi_none_key": {"fr": "(non renseigné)", "en": "(blank)"},
        # directions
        "kpi_direction_higher": {"fr": "plus haut = mieux", "en": "higher is better"},
        "kpi_direction_lower": {"fr": "plus bas = mieux", "en": "lower is better"},
        "kpi_direction_none": {"fr": "neutre", "en": "neutral"},
        # headers
        "kpi_h_id": {"fr": "id", "en": "id"},
        "kpi_h_kpi": {"fr": "Indicateur", "en": "KPI"},
        "kpi_h_value": {"fr": "Valeur", "en": "Value"},
        "kpi_h_previous": {"fr": "Période préc.", "en": "Previous"},
        "kpi_h_change": {"fr": "Évolution", "en": "Change"},
        "kpi_h_target": {"fr": "Objectif", "en": "Target"},
        "kpi_h_status": {"fr": "Statut", "en": "Status"},
        "kpi_h_unit": {"fr": "Unité", "en": "Unit"},
        "kpi_h_direction": {"fr": "Sens", "en": "Direction"},
        "kpi_h_formula": {"fr": "Formule", "en": "Formula"},
        "kpi_h_inputs": {"fr": "Données nécessaires", "en": "Inputs"},
        "kpi_h_type": {"fr": "Type", "en": "Type"},
        "kpi_h_name": {"fr": "Nom", "en": "Name"},
        "kpi_title": {"fr": "Indicateurs {period}", "en": "KPIs {period}"},
        "kpi_title_by": {"fr": "{period} par {dim}", "en": "{period} by {dim}"},
        "kpi_catalogue_title": {"fr": "Catalogue des indicateurs", "en": "KPI catalogue"},
        "kpi_unknown": {"fr": "indicateur inconnu : {id}{hint}", "en": "unknown KPI: {id}{hint}"},
        "kpi_unknown_dim": {
            "fr": "axe d'analyse inconnu : {dim} (possibles : {choices})",
            "en": "unknown breakdown: {dim} (choices: {choices})",
        },
        "kpi_dim_rep": {"fr": "commercial", "en": "rep"},
        "kpi_dim_team": {"fr": "équipe", "en": "team"},
        "kpi_dim_location": {"fr": "lieu", "en": "location"},
        "kpi_dim_product": {"fr": "produit", "en": "product"},
        "kpi_dim_source": {"fr": "source / canal", "en": "source / channel"},
        "kpi_dim_segment": {"fr": "segment", "en": "segment"},
        "kpi_dim_deal_type": {"fr": "type d'affaire", "en": "deal type"},
    }
)
