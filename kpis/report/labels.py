"""The report's words in French and English: period labels, table row labels, CLI messages.

Template text (sheet titles, column headers) lives in the templates themselves; these are the words
the context builder puts *in the data* (a funnel step's name, an action of the quality report) and
the messages of ``kpis report``.
"""

from __future__ import annotations

from datetime import date

from ..i18n import message, normalise_lang, register
from ..periods import Period

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}
MONTHS_SHORT = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

register(
    {
        # period words
        "report_previous_month": {"fr": "Mois préc.", "en": "Prev. month"},
        "report_previous_quarter": {"fr": "Trim. préc.", "en": "Prev. quarter"},
        "report_previous_year": {"fr": "Année préc.", "en": "Prev. year"},
        "report_previous_period": {"fr": "Période préc.", "en": "Prev. period"},
        "report_year_ago": {"fr": "Il y a un an", "en": "Year ago"},
        "report_quarter": {"fr": "{q}e trimestre {year}", "en": "Q{q} {year}"},
        "report_quarter_first": {"fr": "1er trimestre {year}", "en": "Q1 {year}"},
        "report_range": {"fr": "du {start} au {end}", "en": "{start} to {end}"},
        "report_fiscal_year": {"fr": "exercice {start} – {end}", "en": "fiscal year {start} – {end}"},
        "report_title": {"fr": "Rapport commercial", "en": "Sales report"},
        # data labels
        "report_step_lead": {"fr": "Prospects", "en": "Leads"},
        "report_step_mql": {"fr": "MQL", "en": "MQL"},
        "report_step_sql": {"fr": "SQL", "en": "SQL"},
        "report_step_opportunity": {"fr": "Opportunités", "en": "Opportunities"},
        "report_step_customer": {"fr": "Clients", "en": "Customers"},
        "report_step_disqualified": {"fr": "Disqualifiés", "en": "Disqualified"},
        "report_type_call": {"fr": "Appels", "en": "Calls"},
        "report_type_email": {"fr": "E-mails", "en": "E-mails"},
        "report_type_meeting": {"fr": "Rendez-vous", "en": "Meetings"},
        "report_type_visit": {"fr": "Visites", "en": "Visits"},
        "report_type_demo": {"fr": "Démos", "en": "Demos"},
        "report_action_converted": {"fr": "converti", "en": "converted"},
        "report_action_skipped": {"fr": "ligne écartée", "en": "row skipped"},
        "report_action_left_empty": {"fr": "laissé vide", "en": "left empty"},
        "report_action_ignored": {"fr": "ignoré", "en": "ignored"},
        "report_action_mapped": {"fr": "reconnu", "en": "mapped"},
        "report_action_info": {"fr": "info", "en": "info"},
        "report_severity_error": {"fr": "erreur", "en": "error"},
        "report_severity_warning": {"fr": "avertissement", "en": "warning"},
        "report_severity_info": {"fr": "info", "en": "info"},
        "report_table_deals": {"fr": "Affaires", "en": "Deals"},
        "report_table_activities": {"fr": "Activités", "en": "Activities"},
        "report_table_leads": {"fr": "Prospects", "en": "Leads"},
        "report_table_customers": {"fr": "Clients", "en": "Customers"},
        "report_table_targets": {"fr": "Objectifs", "en": "Targets"},
        "report_table_spend": {"fr": "Dépenses", "en": "Spend"},
        "report_table_surveys": {"fr": "Enquêtes clients", "en": "Customer surveys"},
        "report_table_team": {"fr": "Équipe", "en": "Team"},
        "report_table_employee_surveys": {"fr": "Enquêtes internes", "en": "Employee surveys"},
        "report_table_splits": {"fr": "Partages d'affaires", "en": "Deal splits"},
        "report_line_spiff": {"fr": "prime : {name}", "en": "SPIFF: {name}"},
        "report_line_clawback": {"fr": "reprise", "en": "clawback"},
        "report_no_statement": {
            "fr": "Pas de relevé de commissions : {reason}",
            "en": "No commission statement: {reason}",
        },
        "report_no_plan_for_rep": {
            "fr": "aucun plan de commission pour ce commercial",
            "en": "no commission plan for this rep",
        },
        "report_no_quality_issue": {"fr": "aucun problème relevé", "en": "no problem found"},
        # the command
        "report_step_read": {"fr": "Lecture de {name}", "en": "Reading {name}"},
        "report_step_compute": {"fr": "Calcul des indicateurs", "en": "Computing the KPIs"},
        "report_step_render": {"fr": "Mise en forme du rapport", "en": "Rendering the report"},
        "report_step_write": {"fr": "Écriture de {name}", "en": "Writing {name}"},
        "report_written": {"fr": "Rapport écrit : {path}", "en": "Report written: {path}"},
        "report_rep_written": {"fr": "{n} fiche(s) individuelle(s) écrite(s) dans {path}",
                               "en": "{n} rep workbook(s) written to {path}"},
        "report_rows_skipped": {
            "fr": "⚠ {n} ligne(s) écartée(s) à la lecture : voir la feuille « Qualité des données » du rapport",
            "en": "⚠ {n} row(s) skipped while reading: see the report's \"Data quality\" sheet",
        },
        "report_over_source": {
            "fr": "refusé : {path} est le fichier source (le rapport ne l'écrase jamais), choisissez un autre -o",
            "en": "refused: {path} is the source workbook (the report never overwrites it), choose another -o",
        },
        "report_over_template": {
            "fr": "refusé : {path} est le modèle utilisé, choisissez un autre -o",
            "en": "refused: {path} is the template in use, choose another -o",
        },
        "report_template_missing": {"fr": "modèle introuvable : {path}", "en": "template not found: {path}"},
        "report_template_errors": {
            "fr": "le modèle {path} contient {n} erreur(s) :",
            "en": "the template {path} has {n} mistake(s):",
        },
        "report_per_rep_not_dir": {
            "fr": "--per-rep {path} : un dossier est attendu",
            "en": "--per-rep {path}: a folder is expected",
        },
        "report_config_key": {
            "fr": "clé inconnue (clés possibles : {keys})",
            "en": "unknown key (known keys: {keys})",
        },
        "report_config_type": {"fr": "attendu : {what}", "en": "expected: {what}"},
        "template_check_ok": {"fr": "{path} : aucun problème", "en": "{path}: no problem found"},
        "template_check_problems": {
            "fr": "{path} : {n} problème(s)",
            "en": "{path}: {n} problem(s)",
        },
    }
)


def month_label(d: date, lang: str) -> str:
    """``octobre 2026`` / ``October 2026``."""
    return f"{MONTHS[normalise_lang(lang)][d.month - 1]} {d.year}"


def short_month_label(d: date, lang: str) -> str:
    """``oct.-26`` / ``Oct-26``, Excel's ``mmm-yy`` (chart categories, trend tables)."""
    return f"{MONTHS_SHORT[normalise_lang(lang)][d.month - 1]}-{d.year % 100:02d}"


def long_date(d: date, lang: str) -> str:
    """``31 octobre 2026`` / ``October 31, 2026``."""
    lang = normalise_lang(lang)
    if lang == "fr":
        return f"{'1er' if d.day == 1 else d.day} {MONTHS['fr'][d.month - 1]} {d.year}"
    return f"{MONTHS['en'][d.month - 1]} {d.day}, {d.year}"


def period_label(p: Period, lang: str) -> str:
    """A period as a person names it: ``octobre 2026``, ``4e trimestre 2026``, ``2026``, or a range."""
    lang = normalise_lang(lang)
    if p.grain == "month":
        return month_label(p.start, lang)
    if p.grain == "quarter" and p.start.month in (1, 4, 7, 10):
        q = (p.start.month - 1) // 3 + 1
        if lang == "fr" and q == 1:
            return message("report_quarter_first", lang, year=p.start.year)
        return message("report_quarter", lang, q=q, year=p.start.year)
    if p.grain == "year":
        if p.start.month == 1:
            return str(p.start.year)
        return message("report_fiscal_year", lang, start=month_label(p.start, lang), end=month_label(p.end, lang))
    if p.grain == "quarter":
        return f"{month_label(p.start, lang)} – {month_label(p.end, lang)}"
    return message("report_range", lang, start=long_date(p.start, lang), end=long_date(p.end, lang))


def previous_word(p: Period, lang: str) -> str:
    """Column heading for the previous period's value: ``Mois préc.``, ``Trim. préc.``…"""
    code = {"month": "report_previous_month", "quarter": "report_previous_quarter", "year": "report_previous_year"}
    return message(code.get(p.grain, "report_previous_period"), lang)
