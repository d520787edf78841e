"""
# Indicateurs commerciaux / Sales KPIs

Les boutons et les fonctions du complément **kpis** dans xlwings Lite
(Excel sur le web, Windows, macOS -- sans installer Python).

The buttons and functions of the **kpis** add-in in xlwings Lite
(Excel on the web, Windows, macOS -- no Python to install).

1. « Paramètres » / "Settings" first: it creates the settings sheet.
2. Then « Actualiser les indicateurs » / "Refresh KPI sheets".

Functions in cells: `=KPI("win_rate"; Affaires[#Tout])`, `=KPI_TABLE(...)`,
`=COMMISSION(...)`, `=NPS(...)`... -- see docs/addin.md.
"""

import os

# Language of the function help shown by Excel (fr or en). Set before importing kpis.
os.environ.setdefault("KPIS_LANG", "fr")

import xlwings as xw  # noqa: E402
from xlwings import script  # noqa: E402

from kpis.xl import jobs  # noqa: E402

# The functions in cells: importing them here is what makes xlwings Lite offer them in Excel.
from kpis.xl.udfs import (  # noqa: E402, F401
    cac,
    churn_rate,
    clv,
    commission,
    kpi,
    kpi_catalog,
    kpi_explain,
    kpi_forecast,
    kpi_table,
    nps,
    quota_attainment,
    reverse_funnel,
    reverse_funnel_rates,
    win_rate,
)

# Optional sheet buttons: a shape named like the part in brackets, with a link to the cell after it
# (Insert > Shapes; name it in the Name Box; right-click > Link > This document > the cell).
# Change the sheet or the cells if you put your buttons elsewhere.
BUTTONS = "KPI - Paramètres"


@script(name="Actualiser les indicateurs / Refresh KPI sheets", button=f"[kpis_refresh]'{BUTTONS}'!J4")
def refresh_kpis(book: xw.Book):
    """Recalcule les feuilles KPI (synthèse, commerciaux, pipeline, entonnoir, clients, qualité).
    Recomputes the KPI sheets (summary, reps, pipeline, funnel, customers, data quality)."""
    jobs.run_job(book, jobs.refresh_kpis)


@script(name="Rapport mensuel / Monthly report", button=f"[kpis_report]'{BUTTONS}'!J5")
def monthly_report(book: xw.Book):
    """Écrit le rapport du mois dans une feuille « KPI - Rapport ».
    Writes the month's report to a "KPI - Report" sheet."""
    jobs.run_job(book, jobs.monthly_report)


@script(name="Relevés de commissions / Commission statements", button=f"[kpis_commissions]'{BUTTONS}'!J6")
def commission_statements(book: xw.Book):
    """Commissions de la période selon le plan (grille de taux de la feuille de paramètres).
    The period's commissions from the plan (rate table of the settings sheet)."""
    jobs.run_job(book, jobs.commission_statements)


@script(name="Planificateur d'objectifs / Quota planner", button=f"[kpis_quota]'{BUTTONS}'!J7")
def quota_planner(book: xw.Book):
    """Répartit l'objectif de la feuille de paramètres et calcule l'entonnoir inversé.
    Splits the target of the settings sheet and computes the reverse funnel."""
    jobs.run_job(book, jobs.quota_planner)


@script(name="Vérifier les données / Validate data", button=f"[kpis_validate]'{BUTTONS}'!J8")
def validate_data(book: xw.Book):
    """Liste chaque problème des données : feuille, ligne, colonne, valeur, raison.
    Lists every data problem: sheet, row, column, value, reason."""
    jobs.run_job(book, jobs.validate_data)


@script(name="Paramètres / Settings", button=f"[kpis_settings]'{BUTTONS}'!J9")
def edit_settings(book: xw.Book):
    """Crée ou met à jour la feuille de paramètres (langue, période, colonnes reconnues, objectif).
    Creates or updates the settings sheet (language, period, detected columns, target)."""
    jobs.run_job(book, jobs.edit_settings)
