"""What a column's values say it can be: the content half of recognition.

A header proposes fields (:mod:`.headers`); the column's first :data:`SAMPLE_ROWS` values confirm
or contradict each proposal. :func:`content_fit` returns a small score adjustment and, when the
values contradict the field outright, a reason code (the column is then never taken for it):

* a date field needs mostly dates (``not_dates``), a money/number/rate field mostly numbers
  (``not_numbers``);
* a yes/no flag (TRUE/FALSE, oui/non, 0/1) is no name, id or amount (``yes_no_flag``);
* a record's own id (deal id of the deals table…) made of repeated 5-digit codes is a postal code
  (``postal_code``);
* a rep owns several records: a column distinct on every row of a long table is no rep
  (``unique_per_row``); numbers or dates are no person's or company's name (``not_names``);
* a category field needs some of its words (``not_categories``): "Furniture" is no deal type;
* a breakdown column with one value on every row tells nothing (small penalty); a location with
  fewer distinct values (regions) is preferred over one with many (cities).

Empty columns give no evidence either way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .text import fold

SAMPLE_ROWS = 200
# Reason codes of content_fit (messages: column_rejected_<reason>).
REASONS = ("not_dates", "not_numbers", "mostly_zero", "yes_no_flag", "postal_code", "not_names", "unique_per_row",
           "not_categories")
BOOL_WORDS = frozenset({"true", "false", "yes", "no", "oui", "non", "vrai", "faux", "y", "n", "o", "x", "0", "1"})
_HASH = re.compile(r"^[0-9a-f]{16,}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_POSTAL = re.compile(r"^\d{4,5}$")
# The record's own id per table (its values identify the row).
OWN_ID = {"deals": "deal_id", "leads": "lead_id", "customers": "customer_id"}
# Tables where one rep owns many rows (not the team list, where each rep is one row).
REP_OWNS_MANY = ("deals", "activities", "leads", "customers")
PERSON_OR_COMPANY = {("deals", "rep"), ("deals", "account"), ("leads", "rep"), ("activities", "rep"),
                     ("customers", "name"), ("customers", "rep"), ("team", "rep"), ("team", "manager"),
                     ("targets", "rep"), ("splits", "rep"), ("employee_surveys", "rep")}


@dataclass
class Profile:
    """A column's sample: counts and fractions of non-empty values."""

    values: np.ndarray  # non-empty sample values
    rows: int  # rows in the sample (empty ones included)
    distinct: int = 0
    _cache: dict[str, float] = field(default_factory=dict, repr=False)
    _uniques: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def uniques(self) -> tuple[np.ndarray, np.ndarray]:
        """Distinct values and how many times each occurs (computed once)."""
        if self._uniques is None:
            try:
                codes, u = pd.factorize(pd.Series(self.values, dtype=object))
                self._uniques = (np.asarray(u, dtype=object), np.bincount(codes, minlength=len(u)).astype(float))
            except TypeError:
                self._uniques = (self.values, np.ones(len(self.values)))
        return self._uniques

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def unique_ratio(self) -> float:
        return self.distinct / self.n if self.n else 0.0

    def frac(self, what: str) -> float:
        """Fraction of non-empty values that read as ``what`` (date, month, money, rate, bool, hash,
        postal, text)."""
        if what not in self._cache:
            self._cache[what] = _frac(*self.uniques(), what) if self.n else 0.0
        return self._cache[what]


def profile(cells: list[Any] | np.ndarray) -> Profile:
    """The profile of a column's cells (empty strings and None are empty)."""
    arr = np.asarray(cells, dtype=object)
    keep = np.array([not (v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v))
                     for v in arr], dtype=bool) if len(arr) else np.zeros(0, dtype=bool)
    p = Profile(arr[keep], len(arr))
    p.distinct = len(p.uniques()[0])
    return p


def _frac(uniques: np.ndarray, weight: np.ndarray, what: str) -> float:
    from .values import parse_dates, parse_numbers

    total = weight.sum() or 1.0
    if what in ("date", "month", "datetime"):
        # real date cells are dates; only text is parsed (bare numbers would read as Excel serial
        # dates: they are no evidence)
        ok = np.array([isinstance(u, (dt.date, pd.Timestamp)) for u in uniques], dtype=bool)
        text = np.array([isinstance(u, str) for u in uniques], dtype=bool)
        if text.any():
            p = parse_dates(np.asarray(uniques[text], dtype=object), what, "dmy", False)
            ok[text] = ~p.problem.astype(bool) & ~p.empty
    elif what in ("money", "number", "rate"):
        p = parse_numbers(np.asarray(uniques, dtype=object), what, False)
        ok = ~p.problem.astype(bool) & ~p.empty
        ok &= np.array([not hasattr(u, "year") for u in uniques])
    elif what == "bool":
        ok = np.array([isinstance(u, (bool, np.bool_)) or (fold(u) in BOOL_WORDS if isinstance(u, (str, int, float)) else False)
                       for u in uniques])
    elif what == "hash":
        ok = np.array([isinstance(u, str) and bool(_HASH.match(u.strip().lower())) for u in uniques])
    elif what == "postal":
        ok = np.array([bool(_POSTAL.match(_digits(u))) for u in uniques])
    elif what == "zero":
        ok = np.array([(isinstance(u, (int, float, np.integer, np.floating)) and not isinstance(u, bool) and u == 0)
                       or (isinstance(u, str) and u.strip() in ("0", "0,00", "0.00", "0.0")) for u in uniques])
    elif what == "digit":
        ok = np.array([isinstance(u, (int, float, np.integer, np.floating)) and not isinstance(u, bool)
                       or (isinstance(u, str) and any(ch.isdigit() for ch in u)) for u in uniques])
    elif what == "text":
        ok = np.array([isinstance(u, str) and not _looks_numeric(u) for u in uniques])
    else:
        raise ValueError(what)
    return float(weight[ok].sum() / total)


def _digits(u: Any) -> str:
    if isinstance(u, bool):
        return ""
    if isinstance(u, (int, np.integer)) or (isinstance(u, (float, np.floating)) and float(u).is_integer()):
        return str(int(u))
    return u.strip() if isinstance(u, str) else ""


def _looks_numeric(s: str) -> bool:
    t = s.strip().replace(" ", "").replace(",", ".").replace("\u00a0", "")
    try:
        float(t.rstrip("%€$£"))
        return True
    except ValueError:
        return False


def category_frac(p: Profile, words: dict[str, str]) -> float:
    """Fraction of non-empty values that are words of a category vocabulary."""
    if not p.n:
        return 0.0
    from .values import map_words

    uniques, weight = p.uniques()
    mapped = map_words(pd.Series([str(v) for v in uniques], dtype=object), words)
    return float(weight[mapped.notna().to_numpy()].sum() / (weight.sum() or 1.0))


def content_fit(table: str, fld: str, kind: str, p: Profile | None, category_words: dict[str, str] | None = None,
                weak: bool = False, exact: bool = False) -> tuple[float, str | None]:
    """(score adjustment, reason the values contradict the field or None) -- see the module doc.
    ``weak``: the header only contains a synonym; ``exact``: the header is one."""
    if p is None or p.n == 0:
        return 0.0, None
    few = p.n < 3  # too little evidence to contradict (but enough to confirm)
    if kind in ("date", "datetime", "month"):
        f = max(p.frac("date"), p.frac("month")) if kind == "month" else p.frac("date")
        if f < 0.5 and p.frac("digit") < 0.5 and not few:
            return 0.0, "not_dates"  # unreadable dates still have digits ("31/02/2026"): left to the cells' report
        return 0.3 * f, None
    if kind in ("money", "number", "rate"):
        if p.frac("bool") >= 0.8 and p.distinct <= 3 and not few:
            return 0.0, "yes_no_flag"
        f = p.frac(kind)
        if f < 0.5 and p.frac("digit") < 0.5 and not few:
            return 0.0, "not_numbers"  # "12k" is still an amount, reported cell by cell
        if p.frac("date") >= 0.8 and f < 0.5 and not few:
            return 0.0, "not_numbers"
        if fld == "amount" and p.n >= 10 and p.frac("zero") >= 0.8:
            return 0.0, "mostly_zero"  # a declared figure left at 0, not what deals are worth
        return 0.3 * f, None
    # text-like kinds: id, name, text, category
    if p.frac("bool") >= 0.9 and p.distinct <= 3 and not few:
        if not (kind == "category" and category_words and category_frac(p, category_words) >= 0.5):
            return 0.0, "yes_no_flag"
    if kind == "id" and OWN_ID.get(table) == fld and not few:
        if p.frac("postal") >= 0.9 and p.unique_ratio < 0.9:
            return 0.0, "postal_code"
        return 0.2 * p.unique_ratio, None
    if (table, fld) in PERSON_OR_COMPANY and not few:
        if p.frac("digit") >= 0.8 and (p.frac("date") >= 0.8 or (p.frac("money") >= 0.9 and p.frac("hash") < 0.5)):
            return 0.0, "not_names"
        if fld == "rep" and table in REP_OWNS_MANY and p.n >= 30 and p.unique_ratio > 0.9:
            return 0.0, "unique_per_row"
    if kind == "name" and weak and not few and p.frac("digit") >= 0.9 and p.frac("money") >= 0.9 and p.frac("hash") < 0.5:
        return 0.0, "not_names"  # "declared_product_catalog_size" only mentions a product
    if kind == "category" and category_words is not None and not few:
        f = category_frac(p, category_words)
        if f < (0.0001 if exact else 0.1):
            # (an exact header keeps its column when some of its words are known, the configuration's
            # included: its unknown words are then reported one by one)
            return 0.0, "not_categories"
        return 0.3 * f, None
    adj = 0.0
    if kind == "name" and fld not in ("rep", "account", "name") and p.n >= 10:
        if p.distinct <= 1:
            adj -= 0.5  # one value everywhere: no breakdown
        elif fld == "location":
            adj -= 0.3 * p.unique_ratio  # regions before cities
    return adj, None

