"""The data-quality report: one row per problem, in the manner of pandera's failure cases.

Each :class:`Issue` says where (sheet, Excel row number, column as the workbook names it), what (the
value as found), what was done (``action``) and why (``code`` + ``params``, rendered in French or
English by :func:`kpis.i18n.message`). Nothing the reader drops or changes goes unrecorded.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Literal

import pandas as pd

Action = Literal["converted", "skipped", "left_empty", "ignored", "mapped", "info"]
Severity = Literal["error", "warning", "info"]

# Actions that lose a whole row: `kpis validate` exits non-zero when any is present.
ROW_LOSING_ACTIONS = frozenset({"skipped"})
# Problems that make the numbers untrustworthy without losing a row (formulas whose result the file
# does not hold: read as empty, a revenue of 0 otherwise): errors too, `kpis validate` exits 1.
ERROR_CODES = frozenset({"formula_no_value", "formulas_no_value"})
# Notes that lose nothing but change how the results read: shown with the problems, not the info.
WARNING_CODES = frozenset({"period_partial", "period_outside_data", "amount_outlier", "amount_outliers_more",
                           "status_conflict", "month_columns_same_month",
                           "amount_other_currency", "amount_dot_ambiguous", "won_without_close_date",
                           "won_without_close_date_more", "won_without_amount", "won_without_amount_more", "targets_added_up", "split_scaled",
                           "split_duplicate_id"})


@dataclass(frozen=True)
class Issue:
    sheet: str
    row: int | None  # Excel's row number (1-based, as the row header shows it); None for sheet-level
    column: str | None  # the column header as written in the workbook (or its letter)
    value: Any
    action: Action
    code: str  # machine-readable reason, e.g. "bad_date"; message text comes from kpis.i18n
    params: dict[str, Any] = field(default_factory=dict)
    table: str | None = None
    field: str | None = None

    @property
    def severity(self) -> Severity:
        if self.action in ROW_LOSING_ACTIONS or self.code in ERROR_CODES:
            return "error"
        if self.action in ("info", "mapped") and self.code not in WARNING_CODES:
            return "info"
        return "warning"

    def reason(self, lang: str = "en") -> str:
        """Why, in ``lang``: the ``code`` + ``params`` shape of :class:`kpis.errors.Coded`, with the value."""
        from .i18n import message
        from .vocab import localise_params

        # Table and field ids in the parameters are shown as their labels in the user's language.
        return message(self.code, lang, value=self.value, **localise_params(self.params, lang))

    message = reason  # an Issue is a kpis.errors.Coded that also says where


class QualityReport:
    """An append-only list of :class:`Issue` with table/printing helpers."""

    def __init__(self, issues: Iterable[Issue] = ()) -> None:
        self.issues: list[Issue] = list(issues)

    def add(self, issue: Issue) -> None:
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def __len__(self) -> int:
        return len(self.issues)

    def __iter__(self):
        return iter(self.issues)

    @property
    def rows_skipped(self) -> int:
        return sum(1 for i in self.issues if i.action in ROW_LOSING_ACTIONS)

    @property
    def has_errors(self) -> bool:
        return self.rows_skipped > 0 or any(i.code in ERROR_CODES for i in self.issues)

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per issue: sheet, row, column, value, action, severity, code, reason."""
        cols = ["sheet", "row", "column", "value", "action", "severity", "code", "reason", "table", "field"]
        rows = [
            {
                "sheet": i.sheet,
                "row": i.row,
                "column": i.column,
                "value": _display(i.value),
                "action": i.action,
                "severity": i.severity,
                "code": i.code,
                "reason": i.reason(lang),
                "table": i.table,
                "field": i.field,
            }
            for i in self.issues
        ]
        frame = pd.DataFrame(rows, columns=cols)
        frame["row"] = frame["row"].astype("Int64")  # Excel row numbers stay integers beside sheet-level issues
        return frame

    def to_records(self, lang: str = "en") -> list[dict[str, Any]]:
        return [
            {**{k: v for k, v in asdict(i).items() if k != "params"}, "value": _display(i.value),
             "severity": i.severity, "reason": i.reason(lang)}
            for i in self.issues
        ]


def _display(value: Any) -> Any:
    """The value as a user would recognise it in the report (no numpy scalars, no Timestamp repr)."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    return value
