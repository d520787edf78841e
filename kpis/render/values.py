"""Turning Python / pandas / numpy values into safe Excel cell values.

Rules: a value keeps its type (number, bool, date) so Excel formats it with the cell's number
format; missing values (None, NaN, NaT, pd.NA, ±inf) leave the cell empty; text that looks like a
formula (``=``, ``+``, ``-``, ``@`` first) is written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass, field
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Styled:
    """A value with a cell style chosen from the data (see the ``fill`` and ``status`` filters).

    ``fill`` and ``font_color`` are RGB hex strings (``"C6EFCE"``); ``bold`` forces bold.
    """

    value: Any
    fill: str | None = None
    font_color: str | None = None
    bold: bool | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:  # when used inside text, only the value shows
        return "" if self.value is None else str(self.value)


def is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value) or math.isinf(value)
    try:
        import pandas as pd

        if value is pd.NaT or value is pd.NA:
            return True
    except ImportError:  # pragma: no cover
        pass
    try:
        import numpy as np

        if isinstance(value, np.floating):
            return bool(np.isnan(value) or np.isinf(value))
        if isinstance(value, np.datetime64):
            return bool(np.isnat(value))
    except ImportError:  # pragma: no cover
        pass
    return False


def to_cell_value(value: Any) -> Any:
    """A plain Python value openpyxl can write (None, bool, int, float, str, date, datetime, time,
    timedelta). Unknown objects become their ``str``."""
    if isinstance(value, Styled):
        value = value.value
    if is_missing(value):
        return None
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    try:
        import numpy as np

        if isinstance(value, np.bool_):
            return bool(value)
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, np.floating):
            return float(value)
        if isinstance(value, np.datetime64):
            import pandas as pd

            return pd.Timestamp(value).to_pydatetime()
    except ImportError:  # pragma: no cover
        pass
    try:
        import pandas as pd

        if isinstance(value, pd.Timestamp):
            out = value.to_pydatetime()
            return out.replace(tzinfo=None) if out.tzinfo else out
        if isinstance(value, pd.Timedelta):
            return value.to_pytimedelta()
        if isinstance(value, pd.Period):
            return str(value)
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def write_value(cell: Any, value: Any, *, date_format: str | None = None) -> None:
    """Write a data value into an openpyxl cell: typed, and text always as text."""
    plain = to_cell_value(value)
    if isinstance(plain, str):
        cell._value = plain
        cell.data_type = "s"
        if looks_like_formula(plain):
            cell.quotePrefix = True
        return
    cell.value = plain
    if date_format and isinstance(plain, dt.date) and cell.number_format in (
        "General",
        "yyyy-mm-dd h:mm:ss",
        "yyyy-mm-dd",
    ):
        if isinstance(plain, dt.datetime) and (plain.hour or plain.minute or plain.second):
            cell.number_format = date_format + " hh:mm"
        else:
            cell.number_format = date_format
