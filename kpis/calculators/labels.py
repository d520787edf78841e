"""French and English words of the calculators (statement headings, notes, table columns)."""

from __future__ import annotations

from ..i18n import register

register(
    {
        # notes and warnings
        "calc_no_plan": {
            "fr": "{rep} : aucun plan de commission (colonne plan de l'équipe, ou default_plan) — non calculé",
            "en": "{rep}: no commission plan (team plan column, or default_plan) — not computed",
        },
        "calc_unknown_plan": {
            "fr": "{rep} : le plan « {plan} » de la table équipe n'est pas défini (plans connus : {known}) — non calculé",
            "en": "{rep}: plan '{plan}' of the team table is not configured (known plans: {known}) — not computed",
        },
        "calc_no_rep": {
            "fr": "{count} affaire(s) gagnée(s) sans commercial : personne n'est crédité ({deals})",
            "en": "{count} won deal(s) without a rep: nobody is credited ({deals})",
        },
        "calc_no_quota": {
            "fr": "pas d'objectif pour la période : commission à 0 sur {credited} de CA crédité",
            "en": "no quota for the period: commission 0 on {credited} credited revenue",
        },
        "calc_no_targets": {
            "fr": "pas de table d'objectifs : les commissions à paliers ne peuvent être calculées",
            "en": "no targets table: tiered commissions cannot be computed",
        },
        "calc_gated": {
            "fr": "atteinte {attainment} sous le seuil de {gate} : pas de commission",
            "en": "attainment {attainment} below the {gate} gate: no commission",
        },
        "calc_capped": {"fr": "plafond de {cap} atteint", "en": "cap of {cap} reached"},
        "calc_no_clawback_input": {
            "fr": "reprises impossibles à calculer : {what} absent",
            "en": "clawbacks cannot be computed: {what} missing",
        },
        "calc_partial_period": {
            "fr": "plan {grain} : relevé de la période en cours au {end}",
            "en": "{grain} plan: statement of the period to date ({end})",
        },
        "calc_missing_input": {"fr": "donnée absente : {what}", "en": "missing input: {what}"},
        "calc_grain_mismatch": {
            "fr": "le plan {plan} paie au mois : demandez un mois (par ex. 2026-10), pas {period}",
            "en": "plan {plan} pays monthly: ask for a month (e.g. 2026-10), not {period}",
        },
        "calc_no_plans": {
            "fr": "aucun plan de commission : ajoutez une section [plans.NOM] au fichier de configuration",
            "en": "no commission plan: add a [plans.NAME] section to the configuration file",
        },
        "calc_quota_median_basis": {
            "fr": "{reps} : aucun CA crédité sur les {months} derniers mois : la médiane des autres ({median}/mois) sert de base",
            "en": "{reps}: no credited revenue in the last {months} months: the others' median ({median}/month) is the basis",
        },
        "calc_quota_not_in_team": {
            "fr": "{reps} : {revenue} de CA crédité sur {months} mois mais absent(s) de l'équipe (ou sans objectif par leur rôle) : aucun objectif prévu",
            "en": "{reps}: {revenue} credited in {months} months but not in the team (or in a role without quota): no quota planned",
        },
        "calc_few_history": {
            "fr": "{rep} : moins de {min} affaires clôturées sur {months} mois (ou un taux sans données) : taux de l'équipe",
            "en": "{rep}: fewer than {min} closed deals in {months} months (or a rate without data): team rates",
        },
        "stmt_unknown_rep": {"fr": "--rep « {rep} » : aucun relevé à ce nom ; commerciaux : {reps}",
                             "en": "--rep \"{rep}\": no statement under that name; reps: {reps}"},
        # statement words
        "stmt_title": {"fr": "Relevé de commissions", "en": "Commission statement"},
        "stmt_rep": {"fr": "Commercial", "en": "Rep"},
        "stmt_plan": {"fr": "Plan", "en": "Plan"},
        "stmt_period": {"fr": "Période", "en": "Period"},
        "stmt_credited": {"fr": "CA crédité", "en": "Credited"},
        "stmt_quota": {"fr": "Objectif", "en": "Quota"},
        "stmt_attainment": {"fr": "Atteinte du plan", "en": "Plan attainment"},
        "stmt_commission": {"fr": "Commission", "en": "Commission"},
        "stmt_spiffs": {"fr": "Primes (SPIFF)", "en": "SPIFFs"},
        "stmt_clawbacks": {"fr": "Reprises", "en": "Clawbacks"},
        "stmt_draw": {"fr": "Avance garantie", "en": "Draw"},
        "stmt_recovered": {"fr": "Récupéré", "en": "Recovered"},
        "stmt_deferred": {"fr": "Reporté", "en": "Carried forward"},
        "stmt_balance": {"fr": "Solde dû reporté", "en": "Balance carried"},
        "stmt_payable": {"fr": "À payer", "en": "Payable"},
        "stmt_deal": {"fr": "Affaire", "en": "Deal"},
        "stmt_account": {"fr": "Compte", "en": "Account"},
        "stmt_close_date": {"fr": "Date de signature", "en": "Close date"},
        "stmt_amount": {"fr": "Montant", "en": "Amount"},
        "stmt_share": {"fr": "Part", "en": "Share"},
        "stmt_weight": {"fr": "Pondération", "en": "Weight"},
        "stmt_rate": {"fr": "Taux", "en": "Rate"},
        "stmt_kind": {"fr": "Type", "en": "Kind"},
        "stmt_kind_deal": {"fr": "affaire", "en": "deal"},
        "stmt_kind_true_up": {"fr": "régularisation", "en": "true-up"},
        "stmt_spiff": {"fr": "Prime", "en": "SPIFF"},
        "stmt_churn_date": {"fr": "Date de départ client", "en": "Churn date"},
        "stmt_total": {"fr": "Total", "en": "Total"},
        "stmt_summary": {"fr": "Synthèse", "en": "Summary"},
        "stmt_lines": {"fr": "Lignes", "en": "Lines"},
        # quota planner
        "quota_title": {"fr": "Objectifs proposés", "en": "Proposed quotas"},
        "quota_full": {"fr": "Objectif plein", "en": "Full quota"},
        "quota_capacity": {"fr": "Capacité", "en": "Capacity"},
        "quota_basis": {"fr": "Base", "en": "Basis"},
        "funnel_deals": {"fr": "Ventes nécessaires", "en": "Deals needed"},
        "funnel_pipeline": {"fr": "Pipeline nécessaire", "en": "Pipeline needed"},
        "funnel_opportunities": {"fr": "Opportunités nécessaires", "en": "Opportunities needed"},
        "funnel_meetings": {"fr": "Rendez-vous nécessaires", "en": "Meetings needed"},
        "funnel_calls": {"fr": "Appels nécessaires", "en": "Calls needed"},
        "funnel_avg_deal": {"fr": "Panier moyen", "en": "Avg deal"},
        "funnel_win_rate": {"fr": "Taux de réussite", "en": "Win rate"},
        "funnel_opps_per_meeting": {"fr": "Opp./RDV", "en": "Opps/meeting"},
        "funnel_meetings_per_call": {"fr": "RDV/appel", "en": "Meetings/call"},
        "funnel_title": {"fr": "Entonnoir inversé", "en": "Reverse funnel"},
        "funnel_rates_from": {"fr": "Taux", "en": "Rates of"},
        "funnel_rates_rep": {"fr": "du commercial", "en": "rep"},
        "funnel_rates_team": {"fr": "de l'équipe", "en": "team"},
        "quota_method_equal": {"fr": "parts égales", "en": "equal shares"},
        "quota_method_history": {"fr": "selon l'historique", "en": "from history"},
        "quota_method_growth": {"fr": "croissance", "en": "growth"},
        "quota_target_required": {"fr": "--target est obligatoire (sauf avec --method growth)",
                                  "en": "--target is required (except with --method growth)"},
        "quota_bad_method": {"fr": "--method : {methods}", "en": "--method: {methods}"},
        # scoring
        "score_title_leads": {"fr": "Score des prospects", "en": "Lead scores"},
        "score_title_customers": {"fr": "Score des clients", "en": "Customer scores"},
        "score_score": {"fr": "Score", "en": "Score"},
        "score_band": {"fr": "Catégorie", "en": "Band"},
        "score_rank": {"fr": "Rang", "en": "Rank"},
        "score_hot": {"fr": "chaud", "en": "hot"},
        "score_warm": {"fr": "tiède", "en": "warm"},
        "score_cold": {"fr": "froid", "en": "cold"},
        # the default scoring rules (kpis.calculators.scoring.DEFAULT_RULES); rules a user adds keep their name
        "score_rule_stage": {"fr": "Étape", "en": "Stage"},
        "score_rule_response": {"fr": "Réponse", "en": "Response"},
        "score_rule_meeting": {"fr": "Rendez-vous", "en": "Meeting"},
        "score_rule_engagement": {"fr": "Activité", "en": "Engagement"},
        "score_rule_recency": {"fr": "Récence", "en": "Recency"},
        "score_rule_purchases": {"fr": "Achats", "en": "Purchases"},
        "score_rule_amount": {"fr": "Montant", "en": "Amount"},
        "score_rule_mrr": {"fr": "MRR", "en": "MRR"},
        "score_top": {"fr": "--top : un nombre supérieur à 0", "en": "--top: a number above 0"},
    }
)
