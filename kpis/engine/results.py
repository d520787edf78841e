"""What ``compute`` returns: one :class:`KpiResult` per KPI, gathered in :class:`Results`.

``Results.to_json()`` is the contract the CLI, the add-in and the report read::

    {"period": {"start": "2026-10-01", "end": "2026-10-31"},
     "kpis": {"win_rate": {"value": 0.54, "unit": "ratio", "status": "ok", "reason": null,
                           "previous": 0.48, "target": null, "by": {"rep": {...}}, ...}}}

No NaN or infinity ever reaches it (``null`` instead); counts are integers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterator

import pandas as pd

from ..periods import Period
from .model import POINT_UNITS


@dataclass
class KpiResult:
    id: str
    value: float | dict[str, Any] | None
    unit: str
    status: str  # ok | no_data | missing_input
    reason: str | None = None  # why value is null, in the language of the run
    previous: float | dict[str, Any] | None = None
    year_ago: float | dict[str, Any] | None = None
    target: float | None = None
    change: float | None = None  # vs previous: relative (+0.12 = +12 %) or in points (see change_kind)
    change_kind: str | None = None  # "relative" | "points" | None (distributions)
    good: bool | None = None  # is the change good given the KPI's direction (None: neutral/unknown)
    target_met: bool | None = None
    name: str = ""
    direction: str = "none"
    notes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    detail: dict[str, Any] | None = None
    by: dict[str, dict[str, Any] | None] | None = None  # only when a breakdown was asked
    target_by: dict[str, dict[str, Any] | None] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "status": self.status,
            "reason": self.reason,
            "previous": self.previous,
            "year_ago": self.year_ago,
            "target": self.target,
            "change": self.change,
            "change_kind": self.change_kind,
            "good": self.good,
            "target_met": self.target_met,
            "direction": self.direction,
            "notes": list(self.notes),
            "missing": list(self.missing),
        }
        if self.detail is not None:
            out["detail"] = self.detail
        if self.by is not None:
            out["by"] = self.by
        if self.target_by is not None:
            out["target_by"] = self.target_by
        cleaned: dict[str, Any] = clean(out, integral=self.unit == "count")
        return cleaned


@dataclass
class Results:
    period: Period
    kpis: dict[str, KpiResult]
    previous_period: Period | None = None
    year_ago_period: Period | None = None
    as_of: date | None = None
    lang: str = "fr"
    currency: str = "EUR"
    by: tuple[str, ...] = ()

    def __getitem__(self, kpi_id: str) -> KpiResult:
        return self.kpis[kpi_id]

    def __iter__(self) -> Iterator[KpiResult]:
        return iter(self.kpis.values())

    def __len__(self) -> int:
        return len(self.kpis)

    def value(self, kpi_id: str) -> float | dict[str, Any] | None:
        return self.kpis[kpi_id].value

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"period": self.period.as_dict(), "label": self.period.label}
        if self.previous_period is not None:
            out["previous_period"] = self.previous_period.as_dict()
        if self.year_ago_period is not None:
            out["year_ago_period"] = self.year_ago_period.as_dict()
        out["as_of"] = self.as_of.isoformat() if self.as_of else None
        out["lang"] = self.lang
        out["currency"] = self.currency
        if self.by:
            out["by"] = list(self.by)
        out["kpis"] = {k: r.to_json() for k, r in self.kpis.items()}
        return out

    def to_frame(self) -> pd.DataFrame:
        """Long table, one row per value: the total (dimension and key empty), each breakdown key,
        each category of a distribution (``item``)."""
        rows: list[dict[str, Any]] = []
        for r in self:
            base = {"kpi": r.id, "name": r.name, "unit": r.unit, "status": r.status, "reason": r.reason,
                    "previous": _scalar(r.previous), "year_ago": _scalar(r.year_ago), "target": r.target,
                    "change": r.change, "good": r.good}
            rows.extend({**base, "dimension": "", "key": "", "item": item, "value": v} for item, v in _items(r.value))
            for dim, values in (r.by or {}).items():
                for key, v in (values or {}).items():
                    rows.extend({**base, "dimension": dim, "key": key, "item": item, "value": x, "previous": None,
                                 "year_ago": None, "change": None, "good": None}
                                for item, x in _items(v))
        cols = ["kpi", "name", "dimension", "key", "item", "value", "unit", "status", "reason", "previous",
                "year_ago", "target", "change", "good"]
        return pd.DataFrame(rows, columns=cols)


@dataclass
class ResultsSeries:
    """The same KPIs over consecutive periods (13-month trends)."""

    results: list[Results]

    @property
    def periods(self) -> list[Period]:
        return [r.period for r in self.results]

    def __getitem__(self, i: int) -> Results:
        return self.results[i]

    def __len__(self) -> int:
        return len(self.results)

    def to_frame(self) -> pd.DataFrame:
        """KPIs as rows, period labels as columns; scalar values only (distributions are left out)."""
        data = {
            r.period.label: {k: v.value for k, v in r.kpis.items() if v.unit != "distribution"}
            for r in self.results
        }
        return pd.DataFrame(data)

    def to_json(self) -> dict[str, Any]:
        if not self.results:
            return {"periods": [], "kpis": {}}
        ids = list(self.results[0].kpis)
        cleaned: dict[str, Any] = clean({
            "periods": [r.period.as_dict() | {"label": r.period.label} for r in self.results],
            "kpis": {
                k: {
                    "unit": self.results[0][k].unit,
                    "values": [r[k].value for r in self.results],
                    "status": [r[k].status for r in self.results],
                    **({"by": [r[k].by for r in self.results]} if self.results[0][k].by is not None else {}),
                }
                for k in ids
            },
        })
        return cleaned


def change_between(value: Any, previous: Any, unit: str) -> tuple[float | None, str | None]:
    """Change vs a previous value: points (difference) for rates and scores, relative otherwise;
    None for distributions or when either side is missing (or the previous value is 0, relatively)."""
    if unit == "distribution":
        return None, None
    kind = "points" if unit in POINT_UNITS else "relative"
    if not _num(value) or not _num(previous):
        return None, kind
    if kind == "points":
        return value - previous, kind
    return ((value - previous) / abs(previous) if previous else None), kind


def judge(delta: float | None, direction: str) -> bool | None:
    """Is a move of ``delta`` good for a KPI of this direction (None: neutral KPI, no move, unknown)."""
    if delta is None or direction == "none" or delta == 0:
        return None
    return (delta > 0) == (direction == "higher")


def meets(value: Any, target: float | None, direction: str) -> bool | None:
    if not _num(value) or target is None or direction == "none":
        return None
    return bool(value >= target) if direction == "higher" else bool(value <= target)


def clean(obj: Any, integral: bool = False) -> Any:
    """JSON-safe copy: NaN/inf → None, numpy scalars → Python, integral counts → int."""
    if isinstance(obj, dict):
        return {str(k): clean(v, integral) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v, integral) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        try:
            obj = obj.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(obj, float):
        if not math.isfinite(obj):
            return None
        if integral and obj.is_integer():
            return int(obj)
    return obj


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _scalar(x: Any) -> Any:
    return None if isinstance(x, dict) else x


def _items(value: Any) -> list[tuple[str, Any]]:
    """A value as (item, number) rows: ("", v) for a number; one row per category (and funnel step)."""
    if not isinstance(value, dict):
        return [("", value)]
    out: list[tuple[str, Any]] = []
    for k, v in value.items():
        if isinstance(v, dict):
            out.extend((f"{k}.{sub}", x) for sub, x in v.items())
        else:
            out.append((k, v))
    return out
