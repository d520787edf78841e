"""Header cells -> canonical fields, by the synonyms of :mod:`kpis.vocab`.

A header matches a field's synonym

* exactly (score 3): after folding, and again after dropping noise words ("Montant HT (€)" ->
  "montant"); the canonical field name itself always matches ("close_date", "close date");
* at its start (score 2) or inside it (score 1), as whole words, for synonyms of 4 letters or more
  ("Nom du commercial" contains "commercial").

Within one table, the best (score, matched length) pairs are taken first, each field and each column
at most once, so "Date de création" goes to created_date before the bare "Date" is considered for
close_date. A table's score is the sum of its matched fields' scores, plus a bonus when the sheet
name names it; wide layouts (one column per month) count their month columns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

import pandas as pd

from .. import vocab
from ..schema import TABLES
from .text import fold
from .values import parse_month_header

EXACT, PREFIX, INSIDE = 3, 2, 1
MIN_PARTIAL_LEN = 4
SHEET_EXACT, SHEET_PARTIAL = 4, 2

# Tables that may be laid out one column per month: table -> (value field, row key field).
WIDE_TABLES: dict[str, tuple[str, str]] = {"targets": ("quota", "rep"), "spend": ("amount", "channel")}


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[tuple[str, str], ...]]:
    """Folded synonym -> ((table, field), …)."""
    idx: dict[str, set[tuple[str, str]]] = {}
    for tname, t in TABLES.items():
        fields = vocab.HEADERS.get(tname, {})
        for f in t.field_names:
            for word in (f, *fields.get(f, ())):
                key = fold(word)
                if key:
                    idx.setdefault(key, set()).add((tname, f))
    return {k: tuple(sorted(v)) for k, v in idx.items()}


@lru_cache(maxsize=1)
def _noise() -> tuple[tuple[str, ...], ...]:
    return tuple(sorted((tuple(fold(w).split()) for w in vocab.HEADER_NOISE), key=len, reverse=True))


def _drop_noise(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    noise = _noise()
    while i < len(tokens):
        for n in noise:
            if tuple(tokens[i : i + len(n)]) == n:
                i += len(n)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out or tokens


@lru_cache(maxsize=4096)
def header_candidates(header: str) -> tuple[tuple[str, str, int, int], ...]:
    """All (table, field, score, matched words) a header text could mean, best per (table, field)."""
    h = fold(header)
    if not h:
        return ()
    idx = _index()
    best: dict[tuple[str, str], tuple[int, int]] = {}

    def offer(key: str, score: int, length: int) -> None:
        for tf in idx.get(key, ()):
            if (score, length) > best.get(tf, (0, 0)):
                best[tf] = (score, length)

    tokens = h.split()
    clean = _drop_noise(tokens)
    for variant in {h, " ".join(clean)}:
        offer(variant, EXACT, len(variant.split()))
    n = len(clean)
    if n > 1:
        for i in range(n):
            for j in range(i + 1, min(n, i + 6) + 1):
                if j - i == n:
                    continue
                gram = " ".join(clean[i:j])
                if len(gram) >= MIN_PARTIAL_LEN:
                    offer(gram, PREFIX if i == 0 else INSIDE, j - i)
    return tuple((t, f, s, ln) for (t, f), (s, ln) in best.items())


@lru_cache(maxsize=1024)
def sheet_name_scores(name: str) -> dict[str, int]:
    """Bonus per table for a sheet (or Excel table) name that names it."""
    h = fold(name)
    tokens = h.split()
    grams = {" ".join(tokens[i:j]) for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1)}
    out: dict[str, int] = {}
    for tname, words in vocab.SHEET_NAMES.items():
        folded = {fold(w) for w in words} | {fold(tname), fold(TABLES[tname].label_fr), fold(TABLES[tname].label_en)}
        if h in folded:
            out[tname] = SHEET_EXACT
        elif any(g in folded for g in grams if len(g) >= MIN_PARTIAL_LEN):
            out[tname] = SHEET_PARTIAL
    return out


def header_text(value: Any) -> str:
    """A header cell as the user reads it (dates as 2026-01, numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        ts = pd.Timestamp(value)
        return f"{ts:%Y-%m}" if ts.day == 1 and ts == ts.normalize() else f"{ts:%Y-%m-%d}"
    return str(value).strip()


@dataclass
class TableMatch:
    """How a table's fields sit in a header row."""

    table: str
    columns: dict[str, int] = field(default_factory=dict)  # field -> column index
    scores: dict[str, int] = field(default_factory=dict)  # field -> match score
    months: dict[int, pd.Timestamp] = field(default_factory=dict)  # wide layout: column -> month
    sheet_bonus: int = 0
    forced: frozenset[str] = frozenset()  # fields set by the configuration

    @property
    def wide(self) -> bool:
        return bool(self.months)

    @property
    def score(self) -> int:
        s = sum(self.scores.values()) + self.sheet_bonus
        if self.months:
            s += 2 * min(len(self.months), 3)
        return s

    @property
    def missing_required(self) -> tuple[str, ...]:
        """Required fields of the table that no column carries (a wide layout carries its months)."""
        have = set(self.columns)
        if self.wide:
            have |= {"period", WIDE_TABLES[self.table][0]}
        return tuple(f for f in TABLES[self.table].required if f not in have)

    @property
    def eligible(self) -> bool:
        """Enough evidence to call the region this table: its required fields, and two fields with
        one exact header (or a sheet name naming the table). The configuration overrides this."""
        if self.forced:
            return True
        if self.missing_required:
            return False
        n = len(self.columns) + (2 if self.wide else 0)
        strong = any(s == EXACT for s in self.scores.values())
        return (n >= 2 and (strong or self.sheet_bonus > 0)) or (self.sheet_bonus > 0 and n >= 1)


def match_table(
    table: str,
    headers: dict[int, Any],
    sheet_name: str | Iterable[str] = "",
    forced: dict[str, int] | None = None,
) -> TableMatch:
    """Assign the table's fields to header columns (``headers``: column index -> header cell).

    ``sheet_name`` may be several names (a sheet and the Excel table in it): the best bonus counts.
    """
    forced = forced or {}
    m = TableMatch(table, dict(forced), {f: EXACT for f in forced}, forced=frozenset(forced))
    names = (sheet_name,) if isinstance(sheet_name, str) else tuple(sheet_name)
    m.sheet_bonus = max((sheet_name_scores(n).get(table, 0) for n in names if n), default=0)
    used = set(forced.values())
    cands: list[tuple[int, int, int, str]] = []
    for col, cell in headers.items():
        if col in used or not isinstance(cell, str):
            continue
        for t, f, score, length in header_candidates(cell):
            if t == table and f not in m.columns:
                cands.append((score, length, -col, f))
    cands.sort(reverse=True)
    for score, length, negcol, f in cands:
        col = -negcol
        if f in m.columns or col in used:
            continue
        m.columns[f] = col
        m.scores[f] = score
        used.add(col)
    if table in WIDE_TABLES:
        _detect_wide(m, headers, used)
    return m


def _detect_wide(m: TableMatch, headers: dict[int, Any], used: set[int]) -> None:
    value_field, _ = WIDE_TABLES[m.table]
    if "period" in m.forced or value_field in m.forced:
        return
    months = {}
    for col, cell in headers.items():
        if col in used and m.columns.get(value_field) != col and m.columns.get("period") != col:
            continue
        ts = parse_month_header(cell)
        if ts is not None:
            months[col] = ts
    if len(months) >= 2 and m.scores.get("period", 0) < EXACT:
        # One column per month: the months carry the period and the value; a column that only
        # looked like them ("Objectif annuel") is left unused.
        for f in ("period", value_field):
            m.columns.pop(f, None)
            m.scores.pop(f, None)
        m.months = months


def best_tables(headers: dict[int, Any], sheet_name: str | Iterable[str], tables: Iterable[str]) -> list[TableMatch]:
    """Every table's match for one header row, best first."""
    matches = [match_table(t, headers, sheet_name) for t in tables]
    return sorted(matches, key=lambda m: m.score, reverse=True)
