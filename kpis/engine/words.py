"""Words the engine matches in the data: stage → probability, referral sources.

Matching is case-, accent- and punctuation-insensitive (``"Négociation"`` = ``"negociation"``: the
shared :func:`kpis.text.fold`, so the whole product folds words one way), and done once per
*distinct* value, never per row.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

# Default win probability of an open deal by its stage word, when neither the deal nor the
# configuration ([stage_probability]) gives one. The usual B2B ladder, in French and English.
DEFAULT_STAGE_PROBABILITY: dict[str, float] = {
    # first contact
    "prospect": 0.10, "prospection": 0.10, "prospecting": 0.10, "lead": 0.10, "nouveau": 0.10, "nouvelle": 0.10,
    "new": 0.10, "a qualifier": 0.10, "to qualify": 0.10, "premier contact": 0.10, "first contact": 0.10,
    "contacte": 0.10, "contacted": 0.10, "appointment scheduled": 0.20,
    # qualified
    "qualification": 0.20, "qualifie": 0.20, "qualified": 0.20, "decouverte": 0.20, "discovery": 0.20,
    "besoin identifie": 0.20, "needs analysis": 0.20, "qualified to buy": 0.40,
    # demo / meeting held
    "demo": 0.30, "demonstration": 0.30, "rendez vous": 0.30, "rdv": 0.30, "meeting": 0.30,
    "presentation": 0.30, "solution": 0.30, "presentation scheduled": 0.30,
    # proposal sent
    "proposition": 0.50, "proposal": 0.50, "devis": 0.50, "quote": 0.50, "offre": 0.50,
    "offre envoyee": 0.50, "proposition envoyee": 0.50, "quote sent": 0.50, "proposal sent": 0.50,
    "value proposition": 0.50, "proposition de valeur": 0.50,
    # negotiation
    "negociation": 0.70, "negotiation": 0.70, "review": 0.70, "validation": 0.70, "decision maker bought in": 0.80,
    # about to sign
    "closing": 0.90, "commit": 0.90, "engagement": 0.90, "accord verbal": 0.90, "verbal": 0.90,
    "contrat envoye": 0.90, "contract sent": 0.90, "signature": 0.90, "en signature": 0.90,
    # closed
    "gagne": 1.0, "signe": 1.0, "won": 1.0, "closed won": 1.0,
    "perdu": 0.0, "abandonne": 0.0, "lost": 0.0, "closed lost": 0.0,
}


def _lookup(word: str, table: Mapping[str, float]) -> float | None:
    """Exact folded match, else the longest table word contained in ``word`` as whole words
    (``"3 - Proposition envoyée"`` → ``proposition envoyee``)."""
    if word in table:
        return table[word]
    padded = f" {word} "
    best: tuple[int, float] | None = None
    for key, p in table.items():
        if key and f" {key} " in padded and (best is None or len(key) > best[0]):
            best = (len(key), p)
    return best[1] if best else None


def stage_probabilities(stages: pd.Series, configured: Mapping[str, float] | None = None) -> pd.Series:
    """Probability for each stage value: the configuration first, then the defaults; NaN if unknown."""
    from ..text import fold

    conf = {fold(k): float(v) for k, v in (configured or {}).items()}
    defaults = {fold(k): v for k, v in DEFAULT_STAGE_PROBABILITY.items()}
    codes, uniques = pd.factorize(stages, use_na_sentinel=True)  # each distinct stage looked up once
    probabilities = np.full(len(uniques) + 1, np.nan)  # the last one for a missing stage (code -1)
    for i, u in enumerate(uniques):
        w = fold(u)
        p = _lookup(w, conf) if conf else None
        if p is None:
            p = _lookup(w, defaults)
        if p is not None:
            probabilities[i] = p
    return pd.Series(probabilities[codes], index=stages.index, name=stages.name, dtype="float64")


def matches_any(values: pd.Series, words: Iterable[str]) -> pd.Series:
    """True where the value contains one of ``words`` as whole words (folded): referral sources."""
    from ..text import fold

    keys = [fold(w) for w in words if fold(w)]
    hits = [u for u in values.dropna().unique() if any(f" {k} " in f" {fold(u)} " for k in keys)]
    return values.isin(hits).fillna(False).astype(bool)
