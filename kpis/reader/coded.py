"""A big sheet read in full (python-calamine's own cell values) but kept as coded columns.

The fast read (:mod:`.fast`) gives up on a sheet whose columns mix types -- a text date among dates,
a text amount among numbers: the rule in the tracking workbooks kpis is made for. Such a sheet is
read the full way, by python-calamine, one Python object per cell. Held as a list of rows, those
millions of small objects are most of the reader's peak memory; freed once the tables are built,
they leave Python's allocator fragmented (a distinct value kept by the tables pins the arena it was
born in), so the process keeps ~300 MB it no longer uses at 400,000 activities.

Here the body of the sheet (the rows below the head) comes through ``CalamineSheet.iter_rows`` in
blocks of :data:`BLOCK_ROWS`; each block's columns are factorized at once (``pd.factorize``) and
only integer codes and each column's distinct values are kept (pickled until the column is done, so
that the block's cells all go: :func:`_packed`). The cells are exactly the full
read's (same library, same conversion of each cell to a Python value): :class:`~.fast.ColumnGrid`
serves them row-wise and column-wise, so the table builder parses each distinct value once, as on
the fast path. ``iter_rows`` gives the rows from row 1 but the columns from the first one used
(python-calamine issue 177): the missing columns are put back, and a shape that is not the one
``to_python`` gives (another version of the library) sends the sheet to the plain read.

Distinct values are told apart as ``pd.factorize`` tells them (hash and ``==``). That merges
``True`` with ``1.0`` and ``0.0`` with ``-0.0``: where a slice of the column would keep a different
first object than the whole column, the result could differ from the full read, so a column mixing
booleans and numbers, or holding ``-0.0``, sends the sheet back to the full read (:class:`NotCoded`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import pickle
from operator import attrgetter
from typing import Any, Iterator, cast

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from .cells import filled as cell_filled

BLOCK_ROWS = 65536  # rows turned into Python objects at a time (then only codes are kept)
TAIL_ROWS = 4096  # rows looked at a time, from the end, for a column's last filled cell


class NotCoded(Exception):
    """The sheet needs the plain full read (said why, for the tests)."""


class Coded:
    """One column of a sheet's body: ``codes`` (int32, one per row) into ``uniques`` (its distinct
    Python values in order of first appearance, ``""`` for an empty cell as python-calamine gives)."""

    __slots__ = ("codes", "uniques")

    def __init__(self, codes: np.ndarray, uniques: np.ndarray) -> None:
        self.codes = codes
        self.uniques = uniques

    def values(self, a: int, b: int) -> list[Any]:
        """The Python values of rows ``a..b-1`` (body positions)."""
        return list(self.uniques[self.codes[a:b]])

    def encode(self, a: int, n: int) -> tuple[list[Any], np.ndarray]:
        """Distinct values of rows ``a..a+n-1`` in order of first appearance, and each row's index
        into them: what ``pd.factorize`` gives on the same cells."""
        local, firsts = pd.factorize(self.codes[a:a + n])
        return list(self.uniques[firsts]), local.astype(np.intp, copy=False)

    def last_filled(self) -> int:
        """The last row (body position) whose cell is filled -- not ``""``, not blank text, as
        ColumnGrid counts them --, or -1. Looked for from the end, a few thousand rows at a time:
        only the distinct values met there are looked at (an id column has one per row)."""
        step = TAIL_ROWS
        filled = np.zeros(len(self.uniques), dtype=bool)
        for stop in range(len(self.codes), 0, -step):
            part = self.codes[max(0, stop - step):stop]
            seen = np.unique(part)
            filled[seen] = [cell_filled(v) for v in self.uniques[seen]]
            hits = np.flatnonzero(filled[part])
            if len(hits):
                return max(0, stop - step) + int(hits[-1])
        return -1


def _types(cells: np.ndarray) -> set[type]:
    """The types of the cells. A column of text only (or of numbers only) is told by pandas' one
    C pass that stops at the first other type (~3x quicker than a set of every cell's type); any
    other column gets the exact set. Text and numbers are all the checks below look for."""
    kind = infer_dtype(cells, skipna=False)
    if kind == "string":
        return {str}
    if kind == "floating":
        return {float}
    return set(map(type, cells))


def _merges_types(types: set[type]) -> bool:
    """Whether cells of these types hold values ``pd.factorize`` takes for one (True and 1.0, 1 and 1.0)."""
    return bool in types and (float in types or int in types) or {int, float} <= types


class _Builder:
    """The codes of one column, block after block; the distinct values are merged once at the end."""

    def __init__(self) -> None:
        self.blocks: list[tuple[np.ndarray, Any]] = []  # codes, distinct values (packed: _packed)
        self.types: set[type] = set()

    def add(self, cells: np.ndarray) -> None:
        # Types of the cells themselves: factorize keeps one of True and 1.0, hiding the other.
        types = _types(cells)
        self.types |= types
        if _merges_types(self.types):
            raise NotCoded("a column mixes booleans and numbers")
        codes, u = pd.factorize(cells)
        if len(codes) and codes.min() < 0:  # NaN (a cell <v>NaN</v>), None: factorize leaves them out
            raise NotCoded("missing value in a column")
        if float in self.types and (np.asarray(u == 0, dtype=bool)).any():  # C loop of ==; then the zeros only
            zeros = cells[np.flatnonzero(np.asarray(cells == 0, dtype=bool))]
            if any(v.__class__ is float and math.copysign(1.0, v) < 0 for v in zeros):
                raise NotCoded("negative zero")  # merged with 0.0 by factorize
        self.blocks.append((codes.astype(np.int32, copy=False), _packed(u, types)))

    def done(self) -> Coded:
        if not self.blocks:
            return Coded(np.empty(0, dtype=np.int32), np.empty(0, dtype=object))
        # The blocks' distinct values end to end, each block's in order of first appearance: one
        # factorize gives the column's, in order of first appearance, and each block's remapping.
        blocks = [(codes, _unpacked(u)) for codes, u in self.blocks]
        merged, uniques = pd.factorize(np.concatenate([u for _, u in blocks]))
        uniques = np.asarray(uniques, dtype=object)
        parts, at = [], 0
        for codes, u in blocks:
            parts.append(merged[at:at + len(u)].astype(np.int32)[codes])
            at += len(u)
        return Coded(np.concatenate(parts), uniques)


# Cells of these types are packed as numpy arrays (:func:`_packed_of_type`), given back by
# ``astype(object)`` as the same values of the same type: floats (NaN and -0.0 never get here:
# NotCoded), naive datetimes to the microsecond (python-calamine's), dates. Pickled, a date or a
# datetime costs ~0.5 us (its __reduce__): most of the 117,000 leads' read went there (their date
# columns mix text and dates, so each type is packed on its own).
_NUMPY_PACKED = (float, dt.datetime, dt.date)
_PICKLE_BELOW = 256  # a block with fewer distinct values is pickled whole: quicker than numpy's calls


class _Packed:
    """A block's distinct values without a Python object per value: for each type, the positions
    of its values and the values as a numpy array (:data:`_NUMPY_PACKED`) or one pickle."""

    __slots__ = ("n", "parts")

    def __init__(self, n: int, parts: list[tuple[np.ndarray, Any]]) -> None:
        self.n = n
        self.parts = parts


def _packed(u: np.ndarray, types: set[type] | frozenset[type] = frozenset()) -> Any:
    """A block's distinct values, packed until the column is done. Kept as the cells' own objects,
    the few that survive each block (an id column keeps one in seven of a row's cells) pin the
    allocator's pools the block filled: at 400,000 activities ~40 MB the process could not give
    back. Packed instead (``types``, the block's cells' types, tells which are worth a numpy array),
    the whole block's cells are freed; unpacked once, at the end, the values are laid out together
    (the same values: pickle keeps types, -0.0, dates; numpy the floats, datetimes and dates)."""
    try:
        if len(u) < _PICKLE_BELOW or not types & set(_NUMPY_PACKED):
            return pickle.dumps(u.tolist(), protocol=pickle.HIGHEST_PROTOCOL)
        if len(types) == 1:
            kinds = None
        else:
            kinds = np.fromiter(map(type, u.tolist()), dtype=object, count=len(u))  # a datetime is no date here
        parts: list[tuple[np.ndarray, Any]] = []
        for t in types:
            at = np.arange(len(u)) if kinds is None else np.flatnonzero(kinds == t)
            if not len(at):
                continue
            parts.append((at, _packed_of_type(u[at], t)))
        return _Packed(len(u), parts)
    except Exception:  # a value pickle refuses (none that python-calamine gives): kept as it is
        return u


def _packed_of_type(values: np.ndarray, t: type) -> Any:
    """Values of one type ``t`` packed: floats as float64; datetimes and dates through pandas' C
    conversion (numpy's own ``astype`` of datetime objects is slower than pickling them), kept to
    the microsecond or the day, so that ``astype(object)`` gives them back as they were; an aware
    datetime or one with ``fold=1`` (what numpy cannot keep; python-calamine gives neither) and
    anything unexpected, pickled."""
    try:
        if t is float:
            return values.astype(np.float64)
        if t is dt.date or (t is dt.datetime and not any(map(attrgetter("fold"), values))):  # numpy has no fold
            stamps = pd.to_datetime(values)
            if isinstance(stamps.dtype, np.dtype) and not stamps.hasnans:  # naive, every value converted
                return stamps.to_numpy().astype("datetime64[us]" if t is dt.datetime else "datetime64[D]")
    except (TypeError, ValueError, OverflowError):
        pass
    return pickle.dumps(values.tolist(), protocol=pickle.HIGHEST_PROTOCOL)


def _unpacked(u: Any) -> np.ndarray:
    if isinstance(u, _Packed):
        out = np.empty(u.n, dtype=object)
        for at, part in u.parts:
            out[at] = _as_objects(pickle.loads(part) if isinstance(part, bytes) else part.astype(object))
        return out
    if not isinstance(u, bytes):
        return cast(np.ndarray, u)  # what pickle refused, kept as it was
    return _as_objects(pickle.loads(u))


def _as_objects(values: Any) -> np.ndarray:
    """Values in an object array, each as it is (a list of texts given to numpy would become ``<U``)."""
    if isinstance(values, np.ndarray):
        return values
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _rows_block(it: Iterator[list[Any]], n: int, width: int) -> np.ndarray | None:
    rows = list(itertools.islice(it, n))
    if not rows:
        return None
    if set(map(len, rows)) != {width}:
        raise NotCoded("ragged rows")
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=object, count=width * len(rows))
    return flat.reshape(len(rows), width)


def coded_grid(sheet: Any, head_rows: int) -> Any:
    """The grid ``sheet.to_python(skip_empty_area=False)`` would give, as a :class:`~.fast.ColumnGrid`:
    the first ``head_rows`` rows as Python rows, the rest as :class:`Coded` columns."""
    from .fast import ColumnGrid

    start, end = sheet.start, sheet.end
    if start is None or end is None:  # no value at all (formatted cells only): the plain read's []
        raise NotCoded("empty sheet")
    c0 = int(start[1])  # iter_rows starts at row 1 but at the first used column
    width = int(sheet.width or 0)
    it = iter(sheet.iter_rows())
    pad = [""] * c0
    head = [pad + r for r in itertools.islice(it, head_rows)]
    if any(len(r) != c0 + width for r in head):
        raise NotCoded("rows not as wide as the sheet")
    for j in range(c0, c0 + width):  # the common late refusal, seen early: booleans among numbers
        if _merges_types({type(r[j]) for r in head}):
            raise NotCoded("a column mixes booleans and numbers")
    builders = [_Builder() for _ in range(width)]
    n = 0
    while (block := _rows_block(it, BLOCK_ROWS, width)) is not None:
        for j, b in enumerate(builders):
            b.add(block[:, j])
        n += block.shape[0]
    if len(head) + n != int(end[0]) + 1:  # to_python(skip_empty_area=False) has a row per row up to the last
        raise NotCoded("rows not counted from the first")
    body = {c0 + j: b.done() for j, b in enumerate(builders)} if n else {}
    return ColumnGrid(head, head_rows, body, n)
