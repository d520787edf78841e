"""The buttons: one script per button of the ribbon (``addin/ribbon.xml``) and of xlwings Lite.

Desktop Excel (Windows, macOS) runs them through the xlwings add-in's RunPython
(``import kpis.xl.scripts as s; s.refresh_kpis()``): ``book`` is then ``xw.Book.caller()``, the
active workbook. xlwings Lite and xlwings Server call them with the workbook they send
(``@script``). Each one runs a job of :mod:`kpis.xl.jobs` and shows its result, or a readable error,
in a message box.
"""

from __future__ import annotations

import xlwings as xw

from . import jobs
from .runtime import decorators

_func, _arg, _ret, script = decorators()

# Every script a button may name (the ribbon's tags are checked against this list).
SCRIPTS = ("refresh_kpis", "monthly_report", "commission_statements", "quota_planner", "validate_data", "edit_settings")


def _book(book: xw.Book | None) -> xw.Book:
    return book if book is not None else xw.Book.caller()


@script
def refresh_kpis(book: xw.Book = None):
    """Actualiser les indicateurs / Refresh the KPI sheets (summary, reps, pipeline, funnel, customers, data quality)."""
    jobs.run_job(_book(book), jobs.refresh_kpis)


@script
def monthly_report(book: xw.Book = None):
    """Rapport mensuel / Monthly report: a workbook beside this one (desktop) or a report sheet (xlwings Lite)."""
    jobs.run_job(_book(book), jobs.monthly_report)


@script
def commission_statements(book: xw.Book = None):
    """Relevés de commissions / Commission statements of the period, one per rep."""
    jobs.run_job(_book(book), jobs.commission_statements)


@script
def quota_planner(book: xw.Book = None):
    """Planificateur d'objectifs / Quota planner: quotas per rep and reverse funnel (target in the settings sheet)."""
    jobs.run_job(_book(book), jobs.quota_planner)


@script
def validate_data(book: xw.Book = None):
    """Vérifier les données / Validate data: every problem of your sheets, with sheet, row, column and reason."""
    jobs.run_job(_book(book), jobs.validate_data)


@script
def edit_settings(book: xw.Book = None):
    """Paramètres / Settings sheet: language, period, detected column mapping, quota planner, commission plan."""
    jobs.run_job(_book(book), jobs.edit_settings)
