"""Commission from a rate table on attainment bands: the pure arithmetic, vectorised.

A rate table is a list of bands ``[(from_1, rate_1), (from_2, rate_2), ...]`` with ``from`` an
attainment (credited / quota; ``0.5`` = 50 %) in strictly increasing order. Band ``i`` covers
attainment ``[from_i, from_{i+1})``; the last band is open-ended. Revenue below ``from_1`` (when the
first band does not start at 0) earns nothing.

**Marginal** (``tiers = "marginal"``): each slice of credited revenue between two band edges
(``edge × quota``) is paid at its own band's rate::

    M(c, Q) = Σ_i rate_i × clip(c − from_i·Q, 0, (from_{i+1} − from_i)·Q)

**Retroactive** (``tiers = "retroactive"``): all credited revenue at the rate of the band the final
attainment ``c / Q`` reaches::

    R(c, Q) = c × rate_{k},  k = the last band with from_k ≤ c / Q

Then the **gate** (attainment below ``gate`` → 0) and the **cap** (``min(commission, cap)``).

Marginal is continuous in ``c``; retroactive jumps at each edge. With rates rising with attainment,
``M ≤ R``; both agree while attainment stays inside the first band.

Attribution to deals (:func:`walk`): deals are walked in close-date order; the cumulative credited
revenue after deal ``k`` is ``c_k`` and the deal earns ``F(c_k) − F(c_{k−1})`` where ``F`` is the capped
cumulative commission (marginal: ``min(cap, M(c))``; retroactive: ``min(cap, c × final rate)``). The
lines telescope to the total exactly; a deal straddling a band edge is split across the two rates
(its blended rate is shown); the deal that reaches the cap earns only what is left under it and later
deals earn 0. Rounded to cents, a line is ``round(F(c_k)) − round(F(c_{k−1}))`` so the cents add up to
the rounded total (the rounding remainder falls on the line where it occurs, never lost).
"""

from __future__ import annotations

from typing import Literal, Sequence, Union

import numpy as np
import pandas as pd

from ..money import round_cents

Mode = Literal["marginal", "retroactive"]
# A number, or numbers element-wise (a pandas Series or a numpy array).
Numbers = Union[float, "np.ndarray", "pd.Series"]
MODES: tuple[str, ...] = ("marginal", "retroactive")
# Attainment is compared with band edges and the gate with this slack, so that 0.1 + 0.2 credited
# against a quota of 0.3 counts as 100 % (a rep exactly at an edge gets the band above it).
_EPS = 1e-9


def bands(rates: Sequence[Sequence[float]]) -> tuple[np.ndarray, np.ndarray]:
    """``(froms, rates)`` arrays from ``[[from, rate], ...]``; checks the order."""
    arr = np.asarray([[float(a), float(r)] for a, r in rates], dtype="float64").reshape(-1, 2)
    if len(arr) == 0:
        raise ValueError("a rate table needs at least one band")
    froms, rs = arr[:, 0], arr[:, 1]
    if np.any(np.diff(froms) <= 0):
        raise ValueError("band starts must increase strictly")
    if froms[0] < 0:
        raise ValueError("band starts must be ≥ 0")
    return froms, rs


def marginal(credited: Numbers, quota: Numbers, froms: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """``M(c, Q)`` element-wise (``Q > 0``)."""
    c = np.asarray(credited, dtype="float64")[..., None]
    q = np.asarray(quota, dtype="float64")[..., None]
    lo = froms * q
    width = np.append(np.diff(froms), np.inf) * q
    slices = np.clip(c - lo, 0.0, width)
    out: np.ndarray = (slices * rates).sum(axis=-1)
    return out


def rate_reached(attainment: Numbers, froms: np.ndarray, rates: np.ndarray) -> np.ndarray:
    """Rate of the band an attainment reaches (0 below the first band)."""
    a = np.asarray(attainment, dtype="float64")
    idx = np.searchsorted(froms, a + _EPS, side="right") - 1
    out: np.ndarray = np.where(idx >= 0, rates[np.clip(idx, 0, None)], 0.0)
    return out


def uncapped(credited: Numbers, quota: Numbers, froms: np.ndarray, rates: np.ndarray, mode: Mode,
             final_credited: Numbers | None = None) -> np.ndarray:
    """Commission before gate and cap. ``final_credited`` (retroactive only) fixes the band from the
    final total when ``credited`` is a running total."""
    if mode == "marginal":
        return marginal(credited, quota, froms, rates)
    total = credited if final_credited is None else final_credited
    out: np.ndarray = np.asarray(credited, dtype="float64") * rate_reached(np.asarray(total) / np.asarray(quota), froms, rates)
    return out


def commission_for(
    credited: float,
    quota: float,
    rates: Sequence[Sequence[float]],
    mode: Mode = "marginal",
    gate: float | None = None,
    cap: float | None = None,
) -> float:
    """Commission on ``credited`` revenue against ``quota`` (full precision; the ``=COMMISSION`` UDF).

    ``rates`` = ``[[from, rate], ...]``; ``gate`` = minimum attainment (below it: 0); ``cap`` =
    maximum commission. Raises ``ValueError`` for a quota ≤ 0, an unknown mode or a bad rate table.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be 'marginal' or 'retroactive', not {mode!r}")
    if not quota or not np.isfinite(quota) or quota <= 0:
        raise ValueError("quota must be a positive number")
    froms, rs = bands(rates)
    if gate is not None and credited / quota + _EPS < gate:
        return 0.0
    value = float(uncapped(credited, quota, froms, rs, mode))
    if cap is not None:
        value = min(value, float(cap))
    return value


def walk(
    lines: pd.DataFrame,
    *,
    group: str,
    quota: pd.Series,
    froms: np.ndarray,
    rates: np.ndarray,
    mode: Mode,
    gate: float | None,
    cap: pd.Series | float | None,
) -> pd.DataFrame:
    """Attribute each group's commission to its lines (see the module docstring).

    ``lines`` must be in walking order (close date) and carry ``credited`` and the ``group`` column
    (the rep); ``quota`` and ``cap`` are indexed by group. Returns a frame aligned on ``lines`` with
    ``cumulative`` (capped running commission, full precision), ``commission`` (full precision) and
    ``commission_cents`` (cumulative rounding) columns. Groups without a positive quota earn 0.
    """
    g = lines[group]
    cum = lines.groupby(group, sort=False)["credited"].cumsum().to_numpy(dtype="float64")
    total = lines.groupby(group, sort=False)["credited"].transform("sum").to_numpy(dtype="float64")
    q = g.map(quota).astype("float64").to_numpy()
    ok = np.isfinite(q) & (q > 0)
    q_safe = np.where(ok, q, 1.0)
    f = uncapped(cum, q_safe, froms, rates, mode, final_credited=total)
    if cap is not None:
        cap_arr = g.map(cap).astype("float64").to_numpy() if isinstance(cap, pd.Series) else np.full(len(g), float(cap))
        f = np.where(np.isnan(cap_arr), f, np.minimum(f, cap_arr))
    if gate is not None:
        ok &= total / q_safe + _EPS >= gate
    f = np.where(ok, f, 0.0)
    cum_s = pd.Series(f, index=lines.index)
    prev = cum_s.groupby(g, sort=False).shift(1, fill_value=0.0)
    cents = round_cents(cum_s)  # a spreadsheet's ROUND: half a cent away from zero
    prev_cents = cents.groupby(g, sort=False).shift(1, fill_value=0.0)
    return pd.DataFrame(
        {"cumulative": cum_s, "commission": cum_s - prev, "commission_cents": np.round(cents - prev_cents, 2)},
        index=lines.index,
    )
