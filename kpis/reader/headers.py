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

With the region's values (``profiles``), each (column, field) pair is also judged by its content
(:mod:`.content`): values that contradict the field veto the pair (reported), values that fit it
break ties between headers. A header starting with a CRM export's prefix ("Deal - Value",
"Affaire - Statut") is also read without it; a header naming something no field is ("Postal Code")
is never taken on a partial match. Deals also look for the columns that say how a deal ended
(:data:`kpis.vocab.DEAL_EXTRA_HEADERS`: status, won/lost dates, active flag, profit, order ledger).

Each taken field has a confidence (0-1): 0.9 for an exact header, 0.75 at its start, 0.55 inside,
moved by the content's fit; the next-best column for it is kept as its runner-up (``kpis init``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable

import pandas as pd

from .. import vocab
from ..schema import TABLES
from .content import OWN_ID, Profile, category_frac, content_fit
from .text import fold
from .values import parse_month_header

EXACT, PREFIX, INSIDE = 3, 2, 1
BASE_CONFIDENCE = {EXACT: 0.9, PREFIX: 0.75, INSIDE: 0.55, 0: 0.5}
MIN_CONFIDENCE = 0.45  # below this a field is not taken
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
def _weak() -> dict[tuple[str, str], frozenset[str]]:
    return {tf: frozenset(fold(w) for w in words) for tf, words in vocab.WEAK_HEADERS.items()}


@lru_cache(maxsize=1)
def _extra_index() -> dict[str, tuple[str, ...]]:
    """Folded synonym -> deal extras (status, won_date…)."""
    idx: dict[str, set[str]] = {}
    for name, words in vocab.DEAL_EXTRA_HEADERS.items():
        for w in words:
            idx.setdefault(fold(w), set()).add(name)
    return {k: tuple(sorted(v)) for k, v in idx.items()}


@lru_cache(maxsize=1)
def _prefixes() -> frozenset[str]:
    return frozenset(fold(p) for p in vocab.HEADER_PREFIXES)


@lru_cache(maxsize=4096)
def _variants(header: str) -> tuple[str, ...]:
    """The folded header, without noise words, and without a CRM export's prefix."""
    h = fold(header)
    if not h:
        return ()
    tokens = h.split()
    out = [h, " ".join(_drop_noise(tokens))]
    if len(tokens) > 1 and tokens[0] in _prefixes():
        rest = tokens[1:]
        out += [" ".join(rest), " ".join(_drop_noise(rest))]
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=4096)
def extra_candidates(header: str) -> tuple[str, ...]:
    """The deal extras (:data:`kpis.vocab.DEAL_EXTRA_HEADERS`) a header names exactly."""
    idx = _extra_index()
    out: list[str] = []
    for v in _variants(header):
        out += [e for e in idx.get(v, ()) if e not in out]
    return tuple(out)


@lru_cache(maxsize=4096)
def not_a_field(header: str) -> bool:
    """The header names something no field is ("Code postal", "Phone", "Amount Currency")."""
    for v in _variants(header):
        for w in _not_fields():
            if v == w or v.startswith(w + " ") or (w in ("currency", "devise", "monnaie") and v.endswith(" " + w)):
                return True
    return False


@lru_cache(maxsize=1)
def _not_fields() -> tuple[str, ...]:
    return tuple(fold(w) for w in vocab.NOT_A_FIELD)


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

    weak = _weak()

    def offer(key: str, score: int, length: int) -> None:
        for tf in idx.get(key, ()):
            s = min(score, PREFIX) if key in weak.get(tf, ()) else score
            if (s, length) > best.get(tf, (0, 0)):
                best[tf] = (s, length)

    tokens = h.split()
    clean = _drop_noise(tokens)
    for variant in _variants(header):
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
    confidence: dict[str, float] = field(default_factory=dict)  # field -> 0..1
    runner_up: dict[str, tuple[int, float]] = field(default_factory=dict)  # field -> (column, confidence)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)  # (column, field, reason) vetoed by content
    guessed: dict[str, str] = field(default_factory=dict)  # field -> why it was taken without a header match
    losers: dict[int, str] = field(default_factory=dict)  # column -> field another column took first
    extra: dict[str, int] = field(default_factory=dict)  # deal extras: status, won_date… -> column
    constants: dict[str, str] = field(default_factory=dict)  # field -> value for every row
    derived: dict[str, str] = field(default_factory=dict)  # field -> arithmetic over headers ("Sales - Profit")
    order_lines: bool = False  # every row an order line; lines sharing deal_id are one sale
    stage_from: str | None = None  # how deals get their status without a stage column: ledger, dates, status

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
        have = set(self.columns) | set(self.constants) | set(self.derived)
        if self.stage_from:
            have.add("stage")
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
    profiles: Callable[[int], Profile | None] | None = None,
    unmapped: Iterable[int] = (),
    config: Any = None,
) -> TableMatch:
    """Assign the table's fields to header columns (``headers``: column index -> header cell).

    ``sheet_name`` may be several names (a sheet and the Excel table in it): the best bonus counts.
    ``profiles`` gives a column's values (:func:`.content.profile`) to judge the pairs by content;
    ``unmapped`` columns are never taken (the configuration un-mapped them); ``config``'s word
    lists count as known category words.
    """
    forced = forced or {}
    m = TableMatch(table, dict(forced), {f: EXACT for f in forced}, forced=frozenset(forced))
    m.confidence = {f: 1.0 for f in forced}
    names = (sheet_name,) if isinstance(sheet_name, str) else tuple(sheet_name)
    m.sheet_bonus = max((sheet_name_scores(n).get(table, 0) for n in names if n), default=0)
    used = set(forced.values()) | set(unmapped)
    blocked = set(unmapped)
    prof = profiles or (lambda col: None)
    cands: list[tuple[int, float, int, int, str]] = []
    for col, cell in headers.items():
        if col in blocked or not isinstance(cell, str):
            continue
        no_field = not_a_field(cell)
        for t, f, score, length in header_candidates(cell):
            if t != table or f in forced:
                continue
            if no_field and score < EXACT:
                continue
            adj, reason = _judge(table, f, cell, prof(col), score == INSIDE, score == EXACT, config)
            if reason is not None:
                m.rejected.append((col, f, reason))
                continue
            cands.append((score, adj, length, -col, f))
    cands.sort(reverse=True)
    for score, adj, length, negcol, f in cands:
        col = -negcol
        conf = _confidence(score, adj)
        if f in m.columns:
            if m.columns[f] != col and f not in m.runner_up and col not in used:
                m.runner_up[f] = (col, conf)
            if m.columns[f] != col:
                m.losers.setdefault(col, f)
            continue
        if col in used or conf < MIN_CONFIDENCE:
            continue
        m.columns[f] = col
        m.scores[f] = score
        m.confidence[f] = conf
        used.add(col)
    if profiles is not None:
        _fallbacks(m, headers, used, prof)
    if table == "deals":
        _deal_extras(m, headers, blocked, prof)
    if table in WIDE_TABLES:
        _detect_wide(m, headers, used, getattr(config, "date_order", "dmy"))
    return m


def _judge(table: str, fld: str, header: str, p: Profile | None, weak: bool = False, exact: bool = False,
           config: Any = None) -> tuple[float, str | None]:
    """Content fit of a (column, field) pair, and a penalty for an id column offered as a name."""
    from .categories import CATEGORY_FIELDS, category_words

    kind = TABLES[table].field(fld).kind
    words = None
    if kind == "category" and (table, fld) in CATEGORY_FIELDS and p is not None:
        from ..config import Config

        words = category_words(table, fld, config or Config())
    adj, reason = content_fit(table, fld, kind, p, words, weak, exact) if p is not None else (0.0, None)
    if kind == "name" and _last_word(header) in ("id", "code", "ref", "no", "n"):
        adj -= 0.3  # "Product ID" is the product's code: its name column comes first
    return adj, reason


@lru_cache(maxsize=4096)
def _last_word(header: str) -> str:
    words = fold(header).split()
    return words[-1] if words else ""


def _confidence(score: int, adj: float) -> float:
    return round(max(0.0, min(1.0, BASE_CONFIDENCE.get(score, 0.5) + adj)), 2)


def _fallbacks(m: TableMatch, headers: dict[int, Any], used: set[int], prof: Callable[[int], Profile | None]) -> None:
    """Fields taken by content when no header names them: a record's own id (the first "... id"
    column distinct on every row), a required date carried by the table's only other date field."""
    own = OWN_ID.get(m.table)
    if own and own not in m.columns:
        for col in sorted(headers):
            cell = headers[col]
            words = fold(cell).split() if isinstance(cell, str) else []
            if col in used or not words or words[-1] != "id" or not_a_field(cell):
                continue
            p = prof(col)
            if p is not None and p.n >= 3 and p.unique_ratio >= 0.98 and p.frac("bool") < 0.5:
                m.columns[own], m.scores[own], m.confidence[own] = col, INSIDE, 0.5
                m.guessed[own] = "unique_id"
                used.add(col)
                break
    for f in TABLES[m.table].required:
        fk = TABLES[m.table].field(f).kind
        if f in m.columns or fk not in ("date", "datetime"):
            continue
        others = [g for g in m.columns if g not in m.forced and TABLES[m.table].field(g).kind in ("date", "datetime")]
        if len(others) == 1:
            g = others[0]
            m.columns[f], m.scores[f], m.confidence[f] = m.columns.pop(g), m.scores.pop(g), 0.5
            m.confidence.pop(g, None)
            m.guessed[f] = f"only_date:{g}"


def _deal_extras(m: TableMatch, headers: dict[int, Any], blocked: set[int], prof: Callable[[int], Profile | None]) -> None:
    """Columns saying how deals end (status, won/lost dates, active flag, profit, order ledger), and
    how a deals table without a stage column gets its status (``stage_from``)."""
    for col in sorted(headers):
        cell = headers[col]
        if col in blocked or not isinstance(cell, str):
            continue
        for e in extra_candidates(cell):
            if e in m.extra:
                continue
            p = prof(col)
            if e in ("won_date", "lost_date", "order_date") and p is not None and p.n >= 3 and p.frac("date") < 0.5:
                continue
            if e == "active" and p is not None and p.n >= 3 and p.frac("bool") < 0.9:
                continue
            if e == "status" and p is not None and p.n >= 3 and _status_frac(p) < 0.8:
                continue
            m.extra[e] = col
    if "profit" in m.extra and "cost" not in m.columns and "amount" in m.columns and "cost" not in m.forced:
        amount, profit = headers[m.columns["amount"]], headers[m.extra["profit"]]
        if isinstance(amount, str) and isinstance(profit, str):
            m.derived.setdefault("cost", f"{header_text(amount)} - {header_text(profit)}")
    if "stage" in m.columns and m.extra.get("status") == m.columns["stage"]:
        # "Statut" (won/lost/open) took the stage while a pipeline stage column ("Étape") lost it:
        # the stage column keeps the stage, the status column says how the deal ended.
        other = next((c for c, f in sorted(m.losers.items()) if f == "stage" and c not in m.columns.values()), None)
        if other is not None and "stage" not in m.forced:
            m.columns["stage"] = other
        else:
            del m.extra["status"]
    if "stage" not in m.columns and "stage" not in m.forced:
        if "status" in m.extra:
            m.columns["stage"], m.scores["stage"], m.confidence["stage"] = m.extra.pop("status"), EXACT, 0.9
        elif "won_date" in m.extra or "lost_date" in m.extra:
            m.stage_from = "dates"
        elif "order_id" in m.extra or "order_date" in m.extra:
            m.stage_from = "ledger"
            m.order_lines = "order_id" in m.extra and m.columns.get("deal_id") == m.extra["order_id"]


def _status_frac(p: Profile) -> float:
    from .categories import stage_words
    from ..config import Config

    words = stage_words(Config())
    status = {"won", "lost", "open"}
    return category_frac(p, {k: v for k, v in words.items() if v in status}) if p.n else 0.0


def _detect_wide(m: TableMatch, headers: dict[int, Any], used: set[int], order: str = "dmy") -> None:
    value_field, _ = WIDE_TABLES[m.table]
    if "period" in m.forced or value_field in m.forced:
        return
    months = {}
    for col, cell in headers.items():
        if col in used and m.columns.get(value_field) != col and m.columns.get("period") != col:
            continue
        ts = parse_month_header(cell, order)
        if ts is not None:
            months[col] = ts
    if len(months) >= 2 and m.scores.get("period", 0) < EXACT:
        # One column per month: the months carry the period and the value; a column that only
        # looked like them ("Objectif annuel") is left unused.
        for f in ("period", value_field):
            m.columns.pop(f, None)
            m.scores.pop(f, None)
        m.months = months


def best_tables(headers: dict[int, Any], sheet_name: str | Iterable[str], tables: Iterable[str],
                profiles: Callable[[int], Profile | None] | None = None, config: Any = None) -> list[TableMatch]:
    """Every table's match for one header row, best first."""
    matches = [match_table(t, headers, sheet_name, profiles=profiles, config=config) for t in tables]
    return sorted(matches, key=lambda m: m.score, reverse=True)
