"""Where the period will land: won so far, weighted pipeline, the probability of reaching the quota
and the P10/P50/P90 of the final amount (:mod:`.compute`, :mod:`.distribution`)."""

from __future__ import annotations

from .compute import Options, forecast, forecast_deals
from .distribution import Outcomes, outcome_distribution

__all__ = ["Options", "Outcomes", "forecast", "forecast_deals", "outcome_distribution"]
