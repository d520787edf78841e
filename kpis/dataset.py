"""A read workbook: the canonical tables plus the data-quality report that came with them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar

import pandas as pd

from .quality import QualityReport
from .schema import TABLES

T = TypeVar("T")


@dataclass
class Dataset:
    """Canonical tables by name (any subset of :data:`kpis.schema.TABLES`) and their quality report.

    ``sources`` records where each table came from: ``{"deals": "Affaires!A3:T812"}``.
    """

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    quality: QualityReport = field(default_factory=QualityReport)
    sources: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    # Views derived from the tables by several steps of one run (the deals in the history's shape,
    # the deals to watch), computed once: keyed on what they depend on, the tables' identity included.
    derived: dict[tuple, Any] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: tuple, make: Callable[[], T]) -> T:
        """``make()`` computed once per ``key`` for this dataset (the tables are never changed in place)."""
        if key not in self.derived:
            self.derived[key] = make()
        return self.derived[key]

    def get(self, name: str) -> pd.DataFrame | None:
        return self.tables.get(name)

    def has(self, name: str, *fields: str) -> bool:
        df = self.tables.get(name)
        return df is not None and all(f in df.columns for f in fields)

    def missing(self, name: str, *fields: str) -> list[str]:
        """What is missing for ``name`` with ``fields``: ``["deals"]`` or ``["deals.lost_reason"]``."""
        df = self.tables.get(name)
        if df is None:
            return [name]
        return [f"{name}.{f}" for f in fields if f not in df.columns]

    @classmethod
    def from_frames(cls, **frames: pd.DataFrame) -> "Dataset":
        """Build a dataset from canonical frames (tests, UDFs): unknown table names are refused."""
        unknown = set(frames) - set(TABLES)
        if unknown:
            raise KeyError(f"unknown tables: {sorted(unknown)}")
        return cls(tables=dict(frames))
