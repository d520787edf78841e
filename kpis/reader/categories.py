"""Category words -> canonical values, and deal stages -> won / lost / open.

The vocabularies of :mod:`kpis.vocab`, extended by the configuration's word lists (which win over
the built-in words when both claim one), matched after folding; the canonical value itself ("call",
"no_answer", "cross_sell") always matches.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .. import vocab
from ..config import Config
from .text import fold

# (table, field) -> (built-in vocabulary, Config attribute extending it or None)
CATEGORY_FIELDS: dict[tuple[str, str], tuple[dict[str, tuple[str, ...]], str | None]] = {
    ("deals", "deal_type"): (vocab.DEAL_TYPES, "deal_types"),
    ("activities", "type"): (vocab.ACTIVITY_TYPES, "activity_types"),
    ("activities", "outcome"): (vocab.ACTIVITY_OUTCOMES, "outcomes"),
    ("leads", "stage"): (vocab.LEAD_STAGES, "lead_stages"),
    ("leads", "response"): (vocab.LEAD_RESPONSES, "responses"),
    ("spend", "category"): (vocab.SPEND_CATEGORIES, None),
    ("team", "role"): (vocab.ROLES, None),
}


def _words(builtin: dict[str, tuple[str, ...]], extra: dict[str, list[str]] | None) -> dict[str, str]:
    words: dict[str, str] = {}
    for canon, ws in builtin.items():
        for w in (canon, *ws):
            words.setdefault(fold(w), canon)
    for canon, more in (extra or {}).items():
        for w in (canon, *more):
            words[fold(w)] = canon  # the configuration wins
    return words


_Frozen = tuple[tuple[str, tuple[str, ...]], ...]  # a word list as a hashable cache key


def category_words(table: str, field: str, cfg: Config) -> dict[str, str]:
    """Folded word -> canonical value for a category field."""
    builtin, attr = CATEGORY_FIELDS[(table, field)]
    extra = getattr(cfg, attr) if attr else None
    return _cached(table, field, _freeze(extra)) if extra is not None else _words(builtin, None)


@lru_cache(maxsize=64)
def _cached(table: str, field: str, frozen: _Frozen) -> dict[str, str]:
    builtin, _ = CATEGORY_FIELDS[(table, field)]
    return _words(builtin, {k: list(v) for k, v in frozen})


def _freeze(d: dict[str, list[str]]) -> _Frozen:
    return tuple(sorted((k, tuple(v)) for k, v in d.items()))


def stage_words(cfg: Config) -> dict[str, str]:
    """Folded stage word -> won / lost / open."""
    return _cached_stages(_freeze(cfg.stages))


@lru_cache(maxsize=16)
def _cached_stages(frozen: _Frozen) -> dict[str, str]:
    return _words(vocab.STAGES, {k: list(v) for k, v in frozen})


def stage_status(stages: pd.Series, cfg: Config) -> tuple[pd.Series, pd.Series]:
    """Status of each deal from its stage, and a mask of stages the vocabulary does not know.

    Unknown stages count as ``open`` (and are reported); a leading number ("5 - Gagné") is ignored.
    """
    from .values import map_words

    codes, uniques = pd.factorize(stages)
    if not len(uniques):  # nothing but empty cells: no status, nothing unknown
        return pd.Series(None, index=stages.index, dtype=object), pd.Series(False, index=stages.index)
    status_u = map_words(pd.Series(uniques, dtype=object), stage_words(cfg))
    known_u = status_u.notna().to_numpy()
    status_u = status_u.where(status_u.notna(), "open").to_numpy(dtype=object)
    status = pd.Series(status_u.take(codes), index=stages.index, dtype=object)
    unknown = pd.Series(known_u.take(codes) == False, index=stages.index)  # noqa: E712
    missing = codes < 0
    status[missing] = None
    unknown[missing] = False
    return status, unknown
