"""Sheet and file names derived from data: sanitised and unique."""

from __future__ import annotations

import re

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_BAD_FILE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
MAX_SHEET_NAME = 31


def sanitise_sheet_name(name: object, taken: set[str] | None = None, fallback: str = "Sheet") -> str:
    """A valid Excel sheet name: no ``[]:*?/\\``, no leading/trailing quote, 31 characters at most,
    not "History", and unique (case-insensitively) among ``taken``, which is updated."""
    text = _BAD_SHEET_CHARS.sub(" ", "" if name is None else str(name))
    text = " ".join(text.split()).strip("'").strip()
    if not text:
        text = fallback
    if text.lower() == "history":
        text = f"{text} 1"
    text = text[:MAX_SHEET_NAME].rstrip("'").strip() or fallback
    if taken is None:
        return text
    lowered = {t.lower() for t in taken}
    candidate, n = text, 2
    while candidate.lower() in lowered:
        suffix = f" ({n})"
        candidate = text[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
        n += 1
    taken.add(candidate)
    return candidate


def sanitise_file_stem(name: object, taken: set[str] | None = None, fallback: str = "item") -> str:
    """A portable file name stem (no path separators or reserved characters), unique among ``taken``."""
    text = _BAD_FILE_CHARS.sub("_", "" if name is None else str(name))
    text = " ".join(text.split()).strip(". ") or fallback
    text = text[:120]
    if taken is None:
        return text
    lowered = {t.lower() for t in taken}
    candidate, n = text, 2
    while candidate.lower() in lowered:
        candidate = f"{text}_{n}"
        n += 1
    taken.add(candidate)
    return candidate


_SIMPLE_SHEET = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
_LOOKS_LIKE_REF = re.compile(r"^(?:[A-Za-z]{1,3}\d+|R\d*C\d*|TRUE|FALSE)$", re.I)


def quote_sheet(name: str) -> str:
    """The sheet part of a reference: ``Data`` or ``'Sales 2026'`` (quotes doubled)."""
    if _SIMPLE_SHEET.match(name) and not _LOOKS_LIKE_REF.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def unquote_sheet(text: str) -> str:
    if len(text) >= 2 and text[0] == "'" and text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text
