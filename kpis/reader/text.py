"""Folding text for matching: accents, case, punctuation and spacing do not matter.

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


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def column_index(letters: str) -> int | None:
    """"A" -> 0, "AA" -> 26; None when not a column reference."""
    letters = letters.strip().upper()
    if not letters or not letters.isalpha() or len(letters) > 3 or not letters.isascii():
        return None
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def cell_ref(row: int, col: int) -> str:
    """0-based grid position -> "B4"."""
    return f"{column_letter(col)}{row + 1}"
