"""Cell references (``B4``, column letters); text folding is :mod:`kpis.text`'s, re-exported here."""

from __future__ import annotations

from ..text import fold as fold, name_key as name_key, name_keys as name_keys  # folding lives in kpis.text


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
