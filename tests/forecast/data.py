"""A hand-made deals table whose forecast is worked out by hand in test_known_answers.py."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.config import parse_config
from kpis.dataset import Dataset

CONFIG = parse_config('[stage_probability]\nProposition = 0.5\nQualification = 0.2\n')

_COLS = ("deal_id", "rep", "stage", "status", "amount", "created_date", "close_date", "expected_close_date",
         "probability", "forecast_category")
_ROWS = [
    # id     rep      stage          status  amount   created       closed        expected      prob  category
    ("W1", "Alice", "Gagné", "won", 10_000, "2026-09-01", "2026-10-05", None, None, "Closed"),
    ("W0", "Alice", "Gagné", "won", 7_000, "2026-08-01", "2026-09-28", None, None, None),
    ("W00", "Bruno", "Gagné", "won", 3_000, "2026-08-01", "2026-09-03", None, None, None),
    ("WY", "Bruno", "Gagné", "won", 4_000, "2025-09-01", "2025-10-15", None, None, None),
    ("A", "Alice", "Proposition", "open", 20_000, "2026-09-10", None, "2026-10-25", None, "Commit"),
    ("B", "Alice", "Qualification", "open", 10_000, "2026-09-12", None, "2026-10-30", 0.2, "Best Case"),
    ("C", "Bruno", "Prospection", "open", 40_000, "2026-10-01", None, "2026-10-28", 0.1, "Pipeline"),
    ("D", "Bruno", "Proposition", "open", 50_000, "2026-10-02", None, "2026-11-10", None, "Commit"),
    ("E", "Bruno", "Perdu", "lost", 9_000, "2026-09-01", "2026-10-10", "2026-10-12", None, None),
    ("F", "Bruno", "Qualification", "open", None, "2026-10-03", None, "2026-10-20", None, None),
    ("L", "Bruno", "Proposition", "open", 60_000, "2026-10-16", None, "2026-10-29", None, "Commit"),  # created after as-of
]


def deals() -> pd.DataFrame:
    df = pd.DataFrame(_ROWS, columns=_COLS)
    for c in ("created_date", "close_date", "expected_close_date"):
        df[c] = pd.to_datetime(df[c])
    df["amount"] = df["amount"].astype("float64")
    df["probability"] = df["probability"].astype("float64")
    df["forecast_category"] = df["forecast_category"].astype(object).where(df["forecast_category"].notna(), np.nan)
    return df


def targets() -> pd.DataFrame:
    return pd.DataFrame({"rep": ["Alice", "Bruno"], "period": pd.to_datetime(["2026-10-01", "2026-10-01"]),
                         "quota": [25_000.0, 15_000.0]})


def dataset(**overrides) -> Dataset:
    frames = {"deals": deals(), "targets": targets(), **overrides}
    return Dataset.from_frames(**{k: v for k, v in frames.items() if v is not None})
