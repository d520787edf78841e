"""Generated sentences on the period (French and English): :func:`build_commentary`."""

from __future__ import annotations

from .attention import deals_needing_attention
from .build import Commentary, build_commentary, landing_period

__all__ = ["Commentary", "build_commentary", "deals_needing_attention", "landing_period"]
