"""``group_sums``: a sum per breakdown key that does not depend on how the rows are laid out.

A month's revenue by rep must be the same float whether the month is computed on its own or read
from the one-pass panel of thirteen months (``tests/engine/test_one_pass.py`` compares with
``==``). pandas' ``groupby(...).sum()`` cannot promise that: it adds a group's values with Kahan
compensation, except when the group ids come sorted and no value is NaN, where it takes
``np.add.reduceat`` (pandas 3.1) -- the same values give another last bit depending on the other
groups around them (a month's three deals of one product: 14108.76 on their own, 14108.759999999998
among the other months' rows).

Here each group's values are gathered in row order (a stable sort by key) and each group is reduced
on its own by ``np.add.reduceat`` over its contiguous values, missing values counted as 0: the sum
of a group depends only on its values and their order (not on where the group starts, nor on the
other groups: ``tests/engine/test_fast_paths.py``), so a month's sums by key and the sums by (month,
key) over every month are the same floats -- and one call serves every month. Keys are small
integer codes (a categorical's), so the stable sort is a radix sort.
"""

from __future__ import annotations

import numpy as np


def group_sums(values: np.ndarray, codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum of ``values`` (float64; NaN as 0) per code of ``codes`` (integers in ``[0, n)``).

    Returns ``(sums, present, first)``, each of length ``n``: the sum of each code (0 where it has
    no row), whether it has rows, and the position of its first row (``len(values)`` where none) --
    what orders the keys as a group-by in order of appearance would."""
    sums, present = np.zeros(n), np.zeros(n, dtype=bool)
    first = np.full(n, len(values), dtype=np.int64)
    if not len(values):
        return sums, present, first
    small = np.uint16 if n <= np.iinfo(np.uint16).max else np.int64  # uint16: numpy's radix sort
    order = np.argsort(codes.astype(small, copy=False), kind="stable")
    keys = codes[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    at = keys[starts]
    sorted_values = values[order]
    sums[at] = np.add.reduceat(np.where(np.isnan(sorted_values), 0.0, sorted_values), starts)
    present[at] = True
    first[at] = order[starts]  # stable: a group's first element is its earliest row
    return sums, present, first


def total(values: np.ndarray) -> float:
    """Σ ``values`` (float64), missing ones as 0: numpy's pairwise sum over the values in order --
    what ``Series.sum`` gives, taken the same way by a period on its own and by the one pass (which
    then builds no Series per month)."""
    missing = np.isnan(values)
    return float(np.where(missing, 0.0, values).sum() if missing.any() else values.sum())
