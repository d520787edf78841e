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


def past_state(deals: pd.DataFrame, day: str, seed: int = 7) -> pd.DataFrame:
    """A plausible earlier state of a read deals table on ``day`` (for report and CLI tests: the
    example workbook has no history): deals created after ``day`` absent; deals closed after it open
    then, with an earlier expected date; some open amounts different; a few open deals then that are
    gone now (removed) and a few lost then that are open now (reopened); some expected dates earlier
    (so they slipped)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    t = pd.Timestamp(day)
    d = deals.copy()
    d = d[~(pd.to_datetime(d["created_date"]) > t)].copy()
    closed_later = d["status"].isin(["won", "lost"]) & (pd.to_datetime(d["close_date"]) > t)
    d.loc[closed_later, "status"] = "open"
    d.loc[closed_later, "stage"] = "Proposition"
    d.loc[closed_later, "expected_close_date"] = pd.to_datetime(d.loc[closed_later, "close_date"]) - pd.to_timedelta(
        rng.choice([0, 0, 10, 25], closed_later.sum()), unit="D")
    d.loc[closed_later, "close_date"] = pd.NaT
    is_open = d["status"].eq("open")
    change = is_open & (rng.random(len(d)) < 0.2)
    d.loc[change, "amount"] = (d.loc[change, "amount"] * rng.choice([0.8, 0.9, 1.1, 1.25], change.sum())).round(-1)
    earlier = is_open & ~closed_later & (rng.random(len(d)) < 0.3)
    d.loc[earlier, "expected_close_date"] = pd.to_datetime(d.loc[earlier, "expected_close_date"]) - pd.Timedelta(days=30)
    now_open = d.index[is_open & ~closed_later][:3]
    d.loc[now_open, "status"] = "lost"
    gone = pd.DataFrame([{"deal_id": f"X{900 + i}", "rep": rep, "account": f"Ancien client {i}", "stage": "Qualification",
                          "status": "open", "amount": 5000.0 + 1000 * i, "expected_close_date": t + pd.Timedelta(days=20)}
                         for i, rep in enumerate(d["rep"].dropna().unique()[:4])])
    return pd.concat([d, gone.reindex(columns=d.columns).astype(d.dtypes.to_dict(), errors="ignore")], ignore_index=True)
