"""Rounding money to the cent the way a spreadsheet does, and splitting it without losing a cent.

:func:`round_cents` is Excel's ``ROUND(x; 2)``: half a cent goes away from zero, judged on the
number as written (``1000.25 × 2 % = 20.005`` → ``20.01``), where ``numpy.round`` rounds the binary
value (20.00499999… → 20.00) and halves to even. The amount is first rounded to nine decimals of a
cent, which removes the binary representation error of any amount a spreadsheet shows (15
significant digits) and leaves real fractions of a cent alone.

:func:`spread_cents` splits an amount into parts that are whole cents and add up to the rounded
amount exactly (largest remainder: the cents lost by rounding each part down go to the parts that
lost the most, earlier parts first on a tie): 100 split three ways is 33.34 + 33.33 + 33.33, not
three times 33.33 = 99.99.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def round_cents(x: Any) -> Any:
    """``x`` (a number, array or Series) rounded to the cent, half away from zero (see the module
    docstring); ``-0.0`` comes out as ``0.0``, NaN stays NaN."""
    cents = np.round(np.asarray(x, dtype="float64") * 100, 9)
    out = np.sign(cents) * np.floor(np.abs(cents) + 0.5) / 100 + 0.0
    if hasattr(x, "index") and hasattr(x, "copy"):  # a Series keeps its index and name
        y = x.copy()
        y[:] = out
        return y.astype("float64")
    return float(out) if np.ndim(out) == 0 else out


def spread_cents(total: float, weights: Any) -> np.ndarray:
    """``round_cents(total)`` split in proportion to ``weights`` (non-negative, not all zero) into
    whole cents that add up to it exactly."""
    w = np.asarray(weights, dtype="float64")
    target = int(round(round_cents(float(total)) * 100))
    if not len(w) or not np.isfinite(w).all() or w.sum() <= 0:
        return np.zeros(len(w))
    exact = target * w / w.sum()
    base = np.floor(exact)
    left = int(target - base.sum())
    if left:
        order = np.argsort(-(exact - base), kind="stable")
        base[order[:left]] += 1
    return base / 100 + 0.0
