"""How many deals need attention: the report's "Deals to watch" list (:mod:`kpis.history.alerts`),
so the commentary's count and the page's count are the same number in the same report.

A deal needs attention when it is on that list: open in the workbook and overdue, stale, pushed,
stuck or without an amount on the as-of date (the reasons the history and the activities allow;
see :func:`kpis.history.alerts.deals_to_watch`). The history file is the one the report reads
(:func:`kpis.history.service.dataset_history_path`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd


@dataclass(frozen=True)
class Attention:
    """The deals to watch, as the commentary counts them: ``reps`` (one entry per deal, its rep or
    None) and ``reasons`` (one tuple of reason codes per deal)."""

    reps: tuple
    reasons: tuple

    @property
    def count(self) -> int:
        return len(self.reps)

    def of(self, rep: str) -> "Attention":
        keep = [i for i, r in enumerate(self.reps) if r == rep]
        return Attention(tuple(self.reps[i] for i in keep), tuple(self.reasons[i] for i in keep))

    def present(self) -> tuple[str, ...]:
        """The reason codes that occur, in :data:`kpis.history.alerts.REASONS` order."""
        from ..history.alerts import REASONS

        seen = {r for rs in self.reasons for r in rs}
        return tuple(r for r in REASONS if r in seen)


def _of_rows(rows: pd.DataFrame) -> Attention:
    reps = tuple(None if r is None or (not isinstance(r, str) and pd.isna(r)) else r for r in rows["rep"])
    return Attention(reps, tuple(tuple(rs) for rs in rows["reasons"]))


def attention_of(ds, cfg, as_of: date, lang: str) -> Attention | None:
    """The deals to watch of the dataset on ``as_of``, exactly as the report's page lists them; None
    when the page has no list (no deals table, no deal ids, an unreadable history file)."""
    from ..config import ConfigError
    from ..history.service import HistoryError, dataset_history_path, workbook_alerts

    deals = ds.get("deals")
    if deals is None or "deal_id" not in deals.columns:
        return None
    try:
        return _of_rows(workbook_alerts(ds, cfg, dataset_history_path(ds, cfg), as_of, lang=lang).rows)
    except (HistoryError, ConfigError):  # the page shows no list either (its note says why)
        return None


def deals_needing_attention(deals: pd.DataFrame | None, as_of: date) -> int:
    """Number of deals of a bare deals table that need attention at ``as_of`` (no history, no
    activities: overdue or without an amount)."""
    from ..history.alerts import deals_to_watch
    from ..history.store import frame_of

    if deals is None or len(deals) == 0 or "deal_id" not in deals.columns:
        return 0
    return len(deals_to_watch(frame_of(deals), as_of).rows)
