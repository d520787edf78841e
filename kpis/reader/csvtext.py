"""A CSV export's text: its encoding and its delimiter, found from the bytes.

Encodings, in this order: a byte-order mark (UTF-8, UTF-16 LE/BE -- Excel's "Unicode text" export is
UTF-16 LE with a BOM, tab-delimited); UTF-16 without a BOM (every other byte NUL); UTF-8; else
Windows-1252 (Excel's "CSV (séparateur : point-virgule)" on a French Windows), Latin-1 for the bytes
Windows-1252 leaves undefined. Bytes that are none of these (NULs, control characters) are not text.

The delimiter is the one among ``,`` ``;`` tab and ``|`` that splits the first lines (quotes respected,
:mod:`csv`) into the same number of fields most often, more than one; Excel's ``sep=;`` first line
wins when present.
"""

from __future__ import annotations

import csv
import io
from collections import Counter

DELIMITERS = (";", ",", "\t", "|")
SAMPLE_LINES = 30


def detect_encoding(head: bytes) -> str | None:
    """The encoding of a file starting with ``head``, or None when it is not text."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    if b"\x00" in sample:
        return None
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12, 26))
    if controls > max(2, len(sample) // 100):
        return None
    for cut in range(4):  # the head may end inside a multi-byte character
        try:
            sample[: len(sample) - cut].decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            continue
    return "cp1252"


def decode(data: bytes, encoding: str) -> str:
    """The whole file's text; a file that is UTF-8 at its start only falls back to Windows-1252."""
    for enc in (encoding, "cp1252", "latin-1") if encoding == "utf-8" else (encoding, "latin-1"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - latin-1 decodes anything
        text = data.decode("latin-1", "replace")
    return text.lstrip("\ufeff").replace("\x00", "")


def split_rows(text: str) -> list[list[str]]:
    """The CSV's rows, with the delimiter found (see the module docstring); raises csv.Error."""
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) in (5, 6):
        delimiter = first.strip()[4:5] or ","
        text = rest
    else:
        delimiter = sniff_delimiter(text)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def sniff_delimiter(text: str) -> str:
    lines = [line for line in text[:200000].splitlines()[:SAMPLE_LINES * 2] if line.strip()][:SAMPLE_LINES]
    if not lines:
        return ","
    sample = "\n".join(lines)
    best, best_score = ",", (0, 0, 0)
    for k, d in enumerate(DELIMITERS):
        try:
            counts = [len(r) for r in csv.reader(io.StringIO(sample, newline=""), delimiter=d)]
        except csv.Error:
            continue
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode < 2:
            continue
        score = (freq, mode, -k)
        if score > best_score:
            best, best_score = d, score
    return best
