"""The reader: whatever tracking workbook a team keeps -> the canonical tables of :mod:`kpis.schema`.

>>> ds = read_workbook("suivi.xlsx")                 # doctest: +SKIP
>>> ds.tables["deals"], ds.quality.to_frame("fr")    # doctest: +SKIP

Sheets are found by name and header synonyms (French and English), header rows wherever they are,
Excel tables or plain ranges; values are normalised (text dates and amounts, percentages, names
folded across tables, one column per month turned into rows); every problem is in
``dataset.quality`` with its sheet, Excel row, column, value, action and reason. A file that cannot
be read at all raises :class:`ReadError` (exit code 2 in the CLI).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import messages  # noqa: F401  (registers the texts)
from .errors import ReadError
from .workbook import read_workbook

if TYPE_CHECKING:
    from ..dataset import Dataset

NO_TABLE_CODES = ("empty_workbook", "no_tables")


def no_table_code(dataset: Dataset) -> str | None:
    """``no_tables`` / ``empty_workbook`` when the reader found no tracking table at all, else None."""
    return next((i.code for i in dataset.quality if i.code in NO_TABLE_CODES), None)


def require_tables(dataset: Dataset, lang: str = "fr") -> None:
    """Raise :class:`ReadError` (exit code 2) when no tracking table was found: a verb must not
    print a page of "n/a" and exit 0 on a file it did not understand."""
    code = no_table_code(dataset)
    if code:
        raise ReadError(f"file_{code}", lang, path=str(dataset.path))


__all__ = ["ReadError", "no_table_code", "read_workbook", "require_tables"]
