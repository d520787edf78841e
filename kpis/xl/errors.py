"""Excel error values for the functions in cells, and readable messages for the scripts.

A function in a cell never raises: a bad argument gives ``#VALUE!``, something the data does not
have gives ``#N/A``, a zero denominator ``#DIV/0!``, an impossible number ``#NUM!`` -- Excel's own
conventions, so ``IFERROR``/``ISNA`` work on them. The reason (French and English) is written to the
log (xlwings Lite shows it in its output pane; desktop xlwings in its log file) and
``=KPI_EXPLAIN(...)`` returns it in a cell for the ``KPI`` function.

Office.js cell errors carry no message of their own; desktop Excel (COM) gets a true error value too.
"""

from __future__ import annotations

import logging
from typing import Any

from ..errors import KpisError
from ..i18n import register

log = logging.getLogger("kpis.xl")

VALUE, NA, NUM, DIV0, REF, NAME = "#VALUE!", "#N/A", "#NUM!", "#DIV/0!", "#REF!", "#NAME?"
# COM (VT_ERROR) codes of Excel's error values, as desktop xlwings reads them back.
_COM_ERRORS = {DIV0: -2146826281, NA: -2146826246, NAME: -2146826259, NUM: -2146826252, REF: -2146826265, VALUE: -2146826273}


class XlError(KpisError):
    """An Excel error value with its reason: ``XlError("#VALUE!", "xl_bad_number", arg="quota", value="abc")``;
    ``value`` is the error value shown in the cell, ``code`` + ``params`` the reason."""

    def __init__(self, value: str, code: str, /, **params: Any) -> None:
        self.value = value
        super().__init__(code, "en", **params)

    @property
    def reason(self) -> str:
        return self.code

    def __str__(self) -> str:
        return f"{self.value} {self.message('en')}"

    def both(self) -> str:
        """The reason in French and English, for logs."""
        fr, en = self.message("fr"), self.message("en")
        return fr if fr == en else f"{fr} / {en}"


def error_value(err: XlError) -> Any:
    """What a function returns to show ``err`` in its cell, for the current runtime."""
    from .runtime import is_remote

    log.warning("%s %s", err.value, err.both())
    if not is_remote():
        try:  # desktop Excel on Windows: a real VT_ERROR variant, so ISERROR() sees it
            import pythoncom  # noqa: PLC0415
            from win32com.client import VARIANT  # noqa: PLC0415

            return VARIANT(pythoncom.VT_ERROR, _COM_ERRORS.get(err.value, _COM_ERRORS[VALUE]))
        except ImportError:
            pass
    # Office.js (xlwings Lite/Server): xlwings turns the error text into a typed cell error.
    return err.value


register(
    {
        "xl_left_out": {
            "fr": "données lues avec {rows} ligne(s) écartée(s) et {cells} cellule(s) laissée(s) vide(s) (kpis validate les détaille)",
            "en": "data read with {rows} row(s) skipped and {cells} cell(s) left empty (kpis validate lists them)",
        },
        "xl_distribution_by": {
            "fr": "{kpi} est une répartition : par {by}, donnez une valeur de {by} (clé) pour obtenir sa répartition",
            "en": "{kpi} is a distribution: by {by}, give one {by} value (key) to get its distribution",
        },
        "xl_error_argument": {
            "fr": "l'argument {arg} est une erreur ({value}) : corrigez la cellule d'où il vient",
            "en": "argument {arg} is an error ({value}): fix the cell it comes from",
        },
        "xl_internal": {
            "fr": "erreur interne ({error}) : signalez-la avec le classeur qui la provoque",
            "en": "internal error ({error}): please report it with the workbook that causes it",
        },
        "xl_missing_arg": {"fr": "l'argument {arg} est obligatoire", "en": "argument {arg} is required"},
        "xl_bad_number": {
            "fr": "l'argument {arg} doit être un nombre, pas {value!r}",
            "en": "argument {arg} must be a number, not {value!r}",
        },
        "xl_not_positive": {
            "fr": "l'argument {arg} doit être un nombre positif, pas {value!r}",
            "en": "argument {arg} must be a positive number, not {value!r}",
        },
        "xl_bad_fraction": {
            "fr": "l'argument {arg} doit être un taux entre 0 et 1 (ou un pourcentage), pas {value!r}",
            "en": "argument {arg} must be a rate between 0 and 1 (or a percentage), not {value!r}",
        },
        "xl_bad_text": {
            "fr": "l'argument {arg} doit être un texte, pas {value!r}",
            "en": "argument {arg} must be text, not {value!r}",
        },
        "xl_bad_choice": {
            "fr": "l'argument {arg} doit valoir {choices}, pas {value!r}",
            "en": "argument {arg} must be one of {choices}, not {value!r}",
        },
        "xl_bad_period": {
            "fr": "période non reconnue : {value!r} (exemples : 2026-10, 2026-T3, 2026, une date)",
            "en": "unrecognised period: {value!r} (examples: 2026-10, 2026-Q3, 2026, a date)",
        },
        "xl_not_a_table": {
            "fr": "l'argument {arg} doit être une plage avec une ligne d'en-têtes et au moins une ligne de données",
            "en": "argument {arg} must be a range with a header row and at least one data row",
        },
        "xl_unknown_table": {
            "fr": "en-têtes non reconnus dans {arg} : {headers} (nommez les colonnes comme dans votre fichier de suivi)",
            "en": "headers not recognised in {arg}: {headers} (name the columns as in your tracking workbook)",
        },
        "xl_bad_rates": {
            "fr": "grille de taux invalide : deux colonnes (à partir de l'atteinte, taux), atteintes croissantes ({error})",
            "en": "invalid rate table: two columns (from attainment, rate), increasing attainments ({error})",
        },
        "xl_unknown_kpi": {
            "fr": "indicateur inconnu : {value!r}{hint}",
            "en": "unknown KPI: {value!r}{hint}",
        },
        "xl_one_dimension": {
            "fr": "un seul axe d'analyse par cellule : {value!r} (une fonction par axe)",
            "en": "one breakdown per cell: {value!r} (one function per breakdown)",
        },
        "xl_period_without_dates": {
            "fr": "des notes seules n'ont pas de date : la période ne peut pas s'appliquer (donnez une plage avec en-têtes date et note)",
            "en": "plain scores have no dates: the period cannot apply (give a range with date and score headers)",
        },
        "xl_unknown_dimension": {
            "fr": "axe d'analyse inconnu : {value!r} (rep, team, location, product, source, segment, deal_type)",
            "en": "unknown breakdown: {value!r} (rep, team, location, product, source, segment, deal_type)",
        },
        "xl_key_without_by": {
            "fr": "l'argument key demande l'argument by (par exemple by = \"rep\", key = \"Alice\")",
            "en": "argument key needs argument by (for example by = \"rep\", key = \"Alice\")",
        },
        "xl_key_not_found": {
            "fr": "{value!r} n'apparaît pas dans {by} pour cette période",
            "en": "{value!r} does not appear in {by} for this period",
        },
        "xl_no_data": {
            "fr": "{kpi} : pas de données pour cette période (dénominateur nul)",
            "en": "{kpi}: no data for this period (zero denominator)",
        },
        "xl_missing_input": {
            "fr": "{kpi} : donnée absente ({what})",
            "en": "{kpi}: missing input ({what})",
        },
        "xl_div0": {"fr": "{what} vaut zéro", "en": "{what} is zero"},
        "xl_not_numeric": {
            "fr": "{kpi} est une répartition, pas un nombre : utilisez KPI_TABLE",
            "en": "{kpi} is a distribution, not a number: use KPI_TABLE",
        },
    }
)
