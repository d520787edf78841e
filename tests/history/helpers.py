"""Hand-made snapshots for the history tests: a deal is (id, status, amount, expected close, rep)."""

from __future__ import annotations

import pandas as pd


def snap(*deals: tuple) -> pd.DataFrame:
    """A snapshot frame in the shape of ``kpis.history.store.load`` from ``(id, status, amount,
    expected, rep[, stage])`` tuples (amount in currency units, expected ``"YYYY-MM-DD"`` or None)."""
    rows = []
    for d in deals:
        deal_id, status, amount, expected, rep = d[:5]
        stage = d[5] if len(d) > 5 else {"won": "Gagné", "lost": "Perdu"}.get(status, "Proposition")
        rows.append({"deal_id": deal_id, "account": f"Client {deal_id}", "rep": rep, "stage": stage, "status": status,
                     "amount_cents": None if amount is None else round(amount * 100),
                     "created_date": pd.NaT, "expected_close_date": pd.Timestamp(expected) if expected else pd.NaT,
                     "close_date": pd.NaT, "forecast_category": None})
    df = pd.DataFrame(rows, columns=["deal_id", "account", "rep", "stage", "status", "amount_cents", "created_date",
                                     "expected_close_date", "close_date", "forecast_category"])
    df["amount_cents"] = pd.array(df["amount_cents"].tolist(), dtype="Int64")
    df["amount"] = df["amount_cents"].astype("Float64").astype(float) / 100
    return df
