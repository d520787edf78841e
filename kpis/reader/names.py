"""One spelling per person, account, product…, across every table of the workbook.

Values of ``name`` fields are compared by :func:`~kpis.reader.text.name_key` (case, accents and
spaces ignored) within a *domain*: all people (``rep``, ``manager``) are one domain, so the rep
typed "alice martin " in the activity log and "Alice Martin" in the deals is one rep everywhere;
accounts (``deals.account``, ``customers.name``) are one; sources and channels
(``*.source``, ``spend.channel``) are one, so spend per channel meets leads per source. Every other
name field is its own domain across tables (``product``, ``segment``…).

Each group of spellings is displayed in its most frequent spelling (ties: the one with more capitals
and accents, then the first in alphabetical order); each other spelling is reported once per table
as ``converted``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from ..schema import TABLES
from .text import name_keys

DOMAINS: dict[str, str] = {"rep": "person", "manager": "person", "source": "source", "channel": "source"}
ACCOUNT_FIELDS = {("deals", "account"), ("customers", "name")}


def domain_of(table: str, field: str) -> str:
    if (table, field) in ACCOUNT_FIELDS:
        return "account"
    return DOMAINS.get(field, field)


def _preference(spelling: str) -> tuple[int, int]:
    return (sum(ch.isupper() for ch in spelling), sum(ord(ch) > 127 for ch in spelling))


def fold_names(
    frames: dict[str, pd.DataFrame],
    report: Callable[[str, str, str, str, int, int], None] | None = None,
) -> dict[str, pd.DataFrame]:
    """Replace each name by its group's display spelling, in every frame (returns new frames).

    ``report(table, field, spelling, display, count, first)`` is called for each folded spelling,
    ``first`` being the position of its first row in the frame.
    """
    columns: dict[str, list[tuple[str, str]]] = {}
    for tname, df in frames.items():
        for fd in TABLES[tname].fields:
            if fd.kind == "name" and fd.name in df.columns:
                columns.setdefault(domain_of(tname, fd.name), []).append((tname, fd.name))
    out = dict(frames)
    # Each column once as (codes, distinct spellings, counts): every later step works on spellings.
    coded = {}
    for cols in columns.values():
        for t, f in cols:
            codes, uniques = pd.factorize(out[t][f])
            coded[(t, f)] = (codes, np.asarray(uniques, dtype=object), np.bincount(codes[codes >= 0], minlength=len(uniques)))
    for domain, cols in columns.items():
        counts = pd.concat([pd.Series(coded[c][2], index=coded[c][1]) for c in cols]).groupby(level=0).sum()
        if counts.empty:
            continue
        changed = _changes(counts)
        if not changed:
            continue
        for t, f in cols:
            codes, uniques, n = coded[(t, f)]
            hit = np.array([u in changed for u in uniques], dtype=bool)
            if not hit.any():
                continue
            if report is not None:
                # factorize numbers spellings in order of appearance: spelling k first shows at the
                # first position holding code k (one pass, not one scan of the column per spelling)
                firsts = np.unique(codes, return_index=True)
                first_of = dict(zip(firsts[0].tolist(), firsts[1].tolist()))
                for k_code in np.flatnonzero(hit).tolist():
                    u = uniques[k_code]
                    report(t, f, u, changed[u], int(n[k_code]), int(first_of[k_code]))
            renamed = np.array([changed.get(u, u) for u in uniques] + [np.nan], dtype=object)
            values = renamed[np.where(codes < 0, len(uniques), codes)]
            out[t] = out[t].assign(**{f: pd.Series(values, index=out[t].index, dtype=object)})
    return out


def _changes(counts: pd.Series) -> dict[str, str]:
    """Spelling -> display spelling, for the spellings that change (see the module docstring)."""
    spellings = counts.index.to_numpy(dtype=object)
    keys = np.array(name_keys(spellings.tolist()), dtype=object)
    table = pd.DataFrame({"spelling": spellings, "key": keys, "n": counts.to_numpy()})
    table = table[table["key"].duplicated(keep=False)]  # only keys with several spellings matter
    if table.empty:
        return {}
    pref = [_preference(s) for s in table["spelling"]]
    table["upper"] = [p[0] for p in pref]
    table["accents"] = [p[1] for p in pref]
    table = table.sort_values(["key", "n", "upper", "accents", "spelling"], ascending=[True, False, False, False, True])
    display = table.drop_duplicates("key").set_index("key")["spelling"]
    mapping = dict(zip(table["spelling"], display.loc[table["key"]].to_numpy()))
    return {s: d for s, d in mapping.items() if s != d}
