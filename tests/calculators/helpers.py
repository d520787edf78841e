"""Canonical frames for the calculator tests, built by hand (no reader needed)."""

from __future__ import annotations

import pandas as pd

from kpis.config import parse_config
from kpis.dataset import Dataset

RATES = "[[0.0, 0.02], [0.5, 0.05], [1.0, 0.08], [1.5, 0.12]]"


def deals(*rows: tuple) -> pd.DataFrame:
    """rows: (deal_id, rep, amount, close_date[, extra dict])."""
    recs = []
    for r in rows:
        rec = {"deal_id": r[0], "account": f"Acc-{r[0]}", "rep": r[1], "amount": float(r[2]), "status": "won",
               "close_date": pd.Timestamp(r[3]), "deal_type": "new", "product": "Conseil", "customer_id": None}
        if len(r) > 4:
            rec.update(r[4])
        recs.append(rec)
    df = pd.DataFrame(recs)
    df["close_date"] = pd.to_datetime(df["close_date"])
    return df


def targets(reps: list[str], months: list[str], quota: float = 10000.0) -> pd.DataFrame:
    return pd.DataFrame(
        [{"rep": r, "period": pd.Timestamp(m + "-01"), "quota": quota} for r in reps for m in months]
    )


def config(plan_body: str, extra: str = ""):
    return parse_config(f"{extra}\n[plans.p]\nrates = {RATES}\n{plan_body}\n")


def dataset(**frames) -> Dataset:
    return Dataset.from_frames(**frames)
