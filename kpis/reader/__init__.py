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

from . import messages  # noqa: F401  (registers the texts)
from .errors import ReadError
from .workbook import read_workbook

__all__ = ["ReadError", "read_workbook"]
