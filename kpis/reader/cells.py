"""Cells that hold no usable value but must not pass for empty: Excel error values and formulas
whose result was never saved.

python-calamine reads an error cell (``#N/A``…) and a formula without a cached value as an empty
cell, and refuses the whole sheet on error codes it does not know (``#SPILL!``…). The source layer
(:mod:`.package`) finds those cells in the sheet's XML and puts a :class:`CellFlag` in the grid in
their place, so the table builder reports each one (sheet, row, column, ``#N/A``, what was done)
instead of reading a revenue of 0. A CSV export holds the error's text: :func:`error_text` knows it,
in English and in French Excel's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Excel's error values (file format words, English), and how French Excel shows them in exports.
ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!", "#PYTHON!",
                "#EXTERNAL!")
_FRENCH_ERRORS = ("#NUL!", "#VALEUR!", "#NOM?", "#NOMBRE!", "#N/D", "#PROPAGATION!", "#CALCUL!", "#CHAMP!",
                  "#BLOQUÉ!", "#INCONNU!", "#CONNEXION!", "#OCCUPÉ!", "#OBTENTION_DONNÉES")
ERROR_TEXTS = frozenset(ERROR_VALUES + _FRENCH_ERRORS)
# The codes python-calamine itself understands (it reads them as empty cells); others make it fail.
CALAMINE_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


def filled(v: Any) -> bool:
    """Whether a cell holds something: not empty (``""``, None), not text of spaces only. A flagged
    cell (:class:`CellFlag`) is filled: it is reported, never taken for the end of a table."""
    return v != "" and v is not None and not (isinstance(v, str) and not v.strip())


@dataclass(frozen=True)
class CellFlag:
    """A cell with no usable value: ``kind`` is ``"error"`` (``text`` is the error, ``#N/A``) or
    ``"no_value"`` (``text`` is the formula, ``=SUM(C2:C9)``, whose result the file does not hold)."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


def error_text(value: Any) -> str | None:
    """The Excel error a cell holds -- a :class:`CellFlag` of kind ``error`` or a text that is exactly
    an error value (a CSV export: ``#N/A``, ``#DIV/0!``, ``#VALEUR!``) -- else None."""
    if isinstance(value, CellFlag):
        return value.text if value.kind == "error" else None
    if value.__class__ is str and value[:1] == "#" or (value.__class__ is str and value.strip()[:1] == "#"):
        s = value.strip().upper()
        return s if s in ERROR_TEXTS else None
    return None


def cell_problem(value: Any) -> str | None:
    """The issue code of a cell without a usable value: ``excel_error``, ``formula_no_value`` or None."""
    if isinstance(value, CellFlag):
        return "excel_error" if value.kind == "error" else "formula_no_value"
    return "excel_error" if error_text(value) else None
