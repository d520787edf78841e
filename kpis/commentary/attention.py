"""How many deals need attention: the one place the commentary asks (swap it for ``kpis alerts``).

A deal needs attention when it is open at the as-of date and either its expected close date is
before the as-of date (overdue) or it has no amount.
"""

from __future__ import annotations

from datetime import date

import pandas as pd


def attention_mask(deals: pd.DataFrame | None, as_of: date) -> pd.Series:
    """True for the deals that need attention (see the module docstring)."""
    if deals is None or len(deals) == 0 or "status" not in deals.columns:
        return pd.Series(False, index=getattr(deals, "index", pd.RangeIndex(0)), dtype=bool)
    day = pd.Timestamp(as_of)
    close = pd.to_datetime(deals["close_date"], errors="coerce") if "close_date" in deals.columns else pd.Series(pd.NaT, index=deals.index)
    created = pd.to_datetime(deals["created_date"], errors="coerce") if "created_date" in deals.columns else pd.Series(pd.NaT, index=deals.index)
    is_open = deals["status"].eq("open") | (deals["status"].isin(("won", "lost")) & (close > day))
    is_open &= created.isna() | (created <= day)
    overdue = (pd.to_datetime(deals["expected_close_date"], errors="coerce") < day) if "expected_close_date" in deals.columns else False
    no_amount = deals["amount"].isna() if "amount" in deals.columns else True
    return (is_open & (overdue | no_amount)).fillna(False).astype(bool)


def deals_needing_attention(deals: pd.DataFrame | None, as_of: date) -> int:
    """Number of deals that need attention at ``as_of``."""
    return int(attention_mask(deals, as_of).sum())
