"""The distribution of where a period lands: ``won + Σ X_i``, each open deal ``i`` an independent
two-valued variable ``X_i = amount_i`` with probability ``p_i``, else ``0``.

:func:`outcome_distribution` computes it **exactly** when the number of distinct final amounts stays
small enough, and by **simulation** (a fixed seed, so the same workbook always gives the same
figures) beyond:

* exact -- amounts are taken in whole cents (integers, so sums are exact and equal sums merge), and
  deals are added one at a time: the support ``S`` becomes ``S ∪ (S + a_i)`` with probabilities
  ``P·(1 − p_i)`` and ``P·p_i``, equal sums merged (``np.unique`` + ``bincount``). Deals with
  ``p_i = 0`` or a zero amount are skipped, ``p_i = 1`` shift the support. When the support would
  exceed ``max_support`` distinct sums (2^16 by default: 16 deals of all-different amounts, many
  more when amounts repeat), the simulation takes over;
* simulation -- ``n_sims`` draws of every deal (``U < p_i``), in chunks bounded to a few million
  cells so memory stays bounded whatever the number of deals; past 100 million draws × deals
  (1 000 open deals at 100 000 draws) fewer draws are made, and the output says how many.

From the distribution (:class:`Outcomes`):

* ``p_at_least(q)`` = P(final ≥ q) -- the probability of reaching a quota ``q``;
* ``percentile(q)`` = the smallest ``v`` with P(final ≤ v) ≥ q (p10, p50, p90), so
  ``p10 ≤ p50 ≤ p90`` always and every percentile is a value the final amount can take.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Sequence

import numpy as np

Method = Literal["exact", "simulation"]

MAX_SUPPORT = 1 << 16
N_SIMULATIONS = 100_000
SEED = 20261001
_CHUNK_CELLS = 1_000_000  # draws × deals held at once while simulating (8 MB; the stream is the same whatever the chunk)
_EXACT_BUDGET = 30_000_000  # Σ support sizes over the deals added: beyond, the exact method is too slow
_SIM_BUDGET = 100_000_000  # draws × deals: beyond, fewer draws (said in the output)
_INT_CENTS = 2.0**62  # |won| + Σ|amount| in cents below this: every sum fits int64 (else float64 cents)
_EPS = 1e-12  # cumulative probabilities are sums of floats: q reached within this


@dataclass(frozen=True)
class Outcomes:
    """Possible final amounts in cents (sorted, distinct for the exact method; one per draw, sorted,
    for the simulation) and their probabilities (summing to 1)."""

    cents: np.ndarray
    probs: np.ndarray
    method: Method
    n_sims: int | None = None
    seed: int | None = None

    def p_at_least(self, amount: float) -> float:
        """P(final ≥ amount)."""
        i = int(np.searchsorted(self.cents, _to_cents(amount), side="left"))
        return float(min(1.0, max(0.0, self.probs[i:].sum())))

    def percentile(self, q: float) -> float:
        """The smallest final amount ``v`` with P(final ≤ v) ≥ q (``0 < q ≤ 1``)."""
        cdf = np.cumsum(self.probs)
        i = int(np.searchsorted(cdf, q - _EPS, side="left"))
        return float(self.cents[min(i, len(self.cents) - 1)]) / 100.0

    def mean(self) -> float:
        return float((self.cents.astype("float64") * self.probs).sum()) / 100.0


def _to_cents(amount: float) -> int:
    return int(round(float(amount) * 100))


def outcome_distribution(won: float, amounts: Sequence[float], probs: Sequence[float], *,
                         max_support: int = MAX_SUPPORT, n_sims: int = N_SIMULATIONS, seed: int = SEED,
                         method: Method | None = None) -> Outcomes:
    """The distribution of ``won + Σ X_i`` (see the module docstring). Amounts that are missing or
    not finite count as 0; probabilities are clipped to [0, 1] (missing: 0). ``method`` forces one
    (tests compare them); by default exact when the support allows.

    Cents are whole numbers in int64 -- exact sums -- while ``|won| + Σ|amount|`` stays below
    :data:`_INT_CENTS` (2^62 cents: 46 million billion); beyond (ids pasted as amounts, in a frame
    given through the API: the reader leaves amounts of 9e16 or more empty), they are float64, whose
    sums are rounded where int64 would wrap around."""
    a = np.nan_to_num(np.asarray(amounts, dtype="float64"), nan=0.0, posinf=0.0, neginf=0.0)
    p = np.clip(np.nan_to_num(np.asarray(probs, dtype="float64"), nan=0.0), 0.0, 1.0)
    w = float(won) if math.isfinite(float(won)) else 0.0
    fits = abs(w) * 100 + float(np.abs(a).sum()) * 100 < _INT_CENTS
    cents = np.rint(a * 100).astype(np.int64 if fits else np.float64)
    keep = (cents != 0) & (p > 0)
    cents, p = cents[keep], p[keep]
    if fits:
        base: int | float = _to_cents(w) + int(cents[p >= 1].sum())
    else:
        base = float(np.rint(w * 100)) + float(cents[p >= 1].sum())
    cents, p = cents[p < 1], p[p < 1]
    if method != "simulation":
        exact = _exact(base, cents, p, max_support)
        if exact is not None:
            return exact
        if method == "exact":
            raise ValueError(f"more than {max_support} distinct outcomes: use the simulation")
    return _simulate(base, cents, p, n_sims, seed)


def _exact(base: int | float, cents: np.ndarray, p: np.ndarray, max_support: int) -> Outcomes | None:
    support = np.array([base], dtype=cents.dtype)
    prob = np.array([1.0])
    work = 0
    for a, pi in zip(cents.tolist(), p.tolist()):
        values = np.concatenate([support, support + a])
        weights = np.concatenate([prob * (1.0 - pi), prob * pi])
        support, inverse = _merged_unique(values)
        work += len(support)
        if len(support) > max_support or work > _EXACT_BUDGET:
            return None
        prob = np.bincount(inverse, weights=weights, minlength=len(support))
    return Outcomes(support, prob / prob.sum(), "exact")


def _merged_unique(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(values, return_inverse=True)`` for two sorted runs laid end to end (``S`` and
    ``S + a``): a stable sort (timsort) merges them in linear time where unique's quicksort pays
    n log n; same distinct values, same inverse."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(len(values), dtype=np.intp)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _simulate(base: int | float, cents: np.ndarray, p: np.ndarray, n_sims: int, seed: int) -> Outcomes:
    rng = np.random.default_rng(seed)
    n = max(int(n_sims), 1)
    if len(p):
        n = max(min(n, _SIM_BUDGET // len(p)), 1_000)
    totals = np.empty(n, dtype=cents.dtype)  # int64, or float64 beyond _INT_CENTS
    chunk = max(1, _CHUNK_CELLS // max(len(p), 1))
    buf = np.empty((min(chunk, n), len(p)))
    amounts = cents.astype(np.float64)
    exact = float(np.abs(amounts).sum()) < 2.0**53  # every partial sum of whole cents is then exact
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        if len(p):
            draws = buf[:m]
            rng.random(out=draws)  # the same stream as rng.random((m, len(p))), in a reused buffer
            np.less(draws, p, out=draws)  # 1.0 where the deal closes, else 0.0, in place
            totals[start:start + m] = base + np.rint(_sums(draws, amounts, exact)).astype(totals.dtype)
        else:
            totals[start:start + m] = base
    totals.sort()
    return Outcomes(totals, np.full(n, 1.0 / n), "simulation", n_sims=n, seed=seed)


def _sums(draws: np.ndarray, amounts: np.ndarray, exact: bool) -> np.ndarray:
    """Each draw's total of the deals it closes (``draws`` holds 1.0 or 0.0). ``np.einsum``, not
    ``draws @ amounts``: the matrix product wakes OpenBLAS's threads, which then spin on the other
    core for the rest of the run (the 400,000-row report paid ~1 s of CPU for it); einsum's own loop
    is single-threaded. Sums of whole cents below 2^53 are exact in any order, so the totals are the
    product's; beyond (a pasted id for an amount), the product is kept, whose rounding they were."""
    return np.einsum("ij,j->i", draws, amounts) if exact else draws @ amounts


def simulation_tolerance(n_sims: int = N_SIMULATIONS, p: float = 0.5, z: float = 4.0) -> float:
    """How far a simulated probability may stray from the exact one: ``z`` standard errors of a
    proportion over ``n_sims`` draws (4σ: a false alarm about once in 16 000 runs)."""
    return z * math.sqrt(p * (1 - p) / n_sims)
