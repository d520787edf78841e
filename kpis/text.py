"""Folding text for matching, in ONE place for the whole product (reader, engine, vocabulary, add-in):
accents, case, punctuation and spacing do not matter.

``fold("  Montant HT (€) ")`` is ``"montant ht"``; ``fold("Étape")`` is ``"etape"``. Names use
:func:`name_key`, which also drops the spaces, so ``"alice  martin "`` and ``"Alice Martin"`` meet.
:func:`name_keys` does the same for many names at once (a translate table, no regex).
"""

from __future__ import annotations

import re
import unicodedata

_COMBINING = re.compile(r"[\u0300-\u036f]")
_NON_WORD = re.compile(r"[\W_]+")
_LIGATURES = {"œ": "oe", "æ": "ae", "Œ": "oe", "Æ": "ae"}


def fold(value: object) -> str:
    """Lower-case ASCII-ish words separated by one space ("" for empty or non-text)."""
    if value is None:
        return ""
    s = str(value)
    for k, v in _LIGATURES.items():
        if k in s:
            s = s.replace(k, v)
    s = _COMBINING.sub("", unicodedata.normalize("NFKD", s)).casefold()
    return _NON_WORD.sub(" ", s).strip()


def name_key(value: object) -> str:
    """The identity of a name: folded, without spaces ("Jean-Pierre  Roux" == "jean pierre roux")."""
    return fold(value).replace(" ", "")


def _name_table() -> dict[int, str | None]:
    """str.translate table: Latin letters with accents -> base letters, punctuation and spaces -> gone."""
    table: dict[int, str | None] = {}
    for code in range(0, 0x250):
        ch = chr(code)
        f = fold(ch).replace(" ", "")
        if f != ch:
            table[code] = f or None
    for ch in "\u00a0\u202f\u2009\t\n\r’‘«»–—…":
        table[ord(ch)] = None
    return table


_NAME_TABLE = _name_table()


def name_keys(values: list[str]) -> list[str]:
    """:func:`name_key` of many names, fast: a translate table, the full fold only for rare scripts."""
    out = []
    for v in values:
        k = v.translate(_NAME_TABLE)
        out.append(k if k.isascii() else name_key(v))
    return out
