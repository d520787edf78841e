"""``read_grids``: the reader on sheets already in memory (an open workbook, a function's range).

The add-in reads the workbook Excel has open -- values it gets from xlwings, not a file -- and the
functions in cells read the ranges they are given. Both go through the very same steps as
:func:`~kpis.reader.read_workbook` (locate, match headers, build, post-process); only the source
layer differs: :class:`GridSource` serves :class:`~kpis.reader.source.RawSheet` objects built by the
caller (grids from A1, empty cells ``""``, dates as datetimes or Excel serial numbers) instead of
loading them from a file with python-calamine -- which is therefore never imported on this path
(xlwings Lite has no compiled python-calamine).

Both doors share every step: :func:`~kpis.reader.workbook.read_source` runs them on any source.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..config import Config
from ..dataset import Dataset
from . import messages  # noqa: F401  (registers the texts)
from .source import ExcelTable, RawSheet
from .workbook import read_source


class GridSource:
    """Duck-types :class:`~kpis.reader.source.Source` over sheets already in memory."""

    kind = "excel"

    def __init__(self, sheets: Sequence[RawSheet], name: str = "workbook", lang: str = "fr") -> None:
        self.path = Path(name)
        self.lang = lang
        self._sheets = {s.name: s for s in sheets}
        self.sheet_names = list(self._sheets)
        self._tables: dict[str, list[ExcelTable]] = {s.name: list(s.tables) for s in sheets if s.tables}

    def load(self, name: str) -> RawSheet:
        return self._sheets[name]

    def close(self) -> None:
        pass

    def __enter__(self) -> "GridSource":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_grids(
    sheets: Sequence[RawSheet],
    config: Config | None = None,
    *,
    name: str = "workbook",
    tables: Iterable[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> Dataset:
    """:func:`~kpis.reader.read_workbook` over in-memory sheets; ``name`` stands for the file name."""
    cfg = config or Config()
    return read_source(GridSource(sheets, name, cfg.lang), cfg, tables=tables, progress=progress)


def column_mapping(dataset: Dataset) -> list[dict[str, object]]:
    """What the reader decided, from the quality report: one row per mapped column.

    ``{"table", "field", "sheet", "header", "row"}`` -- the detected mapping the settings sheet shows
    and lets the user correct (``[mapping.TABLE]`` of the configuration).
    """
    out = []
    for i in dataset.quality:
        if i.action == "mapped" and i.code == "column_mapped" and i.table and i.field:
            out.append({"table": i.table, "field": i.field, "sheet": i.sheet, "header": i.column, "row": i.row})
    return out
