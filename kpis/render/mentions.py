"""Which context names a template mentions, read from its XML without loading it.

A caller that can skip building some of a context (the add-in's KPI sheets never show the 13-month
trend, the forecast or the commission statements) asks which of those names the template could
read. The answer is conservative: a name counts as mentioned wherever it stands as a first name
(not after ``.``, not inside quotes) within ``{{ }}`` or ``{% %}`` in any part of the package --
cells, sheet titles, anything -- so a template that uses it is never rendered without it; at worst
the caller computes something the template only names in a loop variable or a comparison.

A dotted name (``top.watch_deals``) is a part of a context key: mentioned when the template reads
``top.watch_deals`` or ``top['watch_deals']``, or uses ``top`` in any other way (whole, in a loop, with
a computed key) -- where it could reach every part.
"""

from __future__ import annotations

import html
import re
import zipfile
from io import BytesIO
from pathlib import Path
from typing import Iterable

_CACHE: dict[tuple[str, int, int], frozenset[str]] = {}
_TAG = re.compile(r"<[^>]*>")
_CODE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)  # what the template language reads


def mentioned(template: str | Path | bytes, names: Iterable[str]) -> frozenset[str]:
    """The ``names`` that ``template`` (a path or the .xlsx bytes) may read as context keys."""
    names = tuple(names)
    key = None
    if not isinstance(template, bytes):
        st = Path(template).stat()
        key = (f"{Path(template).resolve()}|{','.join(sorted(names))}", st.st_size, st.st_mtime_ns)
        if key in _CACHE:
            return _CACHE[key]
        data = Path(template).read_bytes()
    else:
        data = template
    code = "\n".join(_CODE.findall(_text(data)))
    found = frozenset(n for n in names if _mentions(code, n))
    if key is not None:
        _CACHE[key] = found
    return found


def _mentions(code: str, name: str) -> bool:
    head, dot, part = name.partition(".")
    if not dot:
        return re.search(rf"(?<![\w.'\"]){re.escape(name)}(?!\w)", code) is not None
    start = rf"(?<![\w.'\"]){re.escape(head)}"
    if re.search(rf"{start}\s*(?:\.\s*{re.escape(part)}(?!\w)|\[\s*(['\"]){re.escape(part)}\1\s*\])", code):
        return True
    # the head used otherwise than through a literal part: whole, looped over, a computed key
    for m in re.finditer(rf"{start}(?!\w)", code):
        step = re.match(r"\s*(?:\.\s*(\w+)|\[\s*(['\"])\w*\2\s*\])", code[m.end():])
        if step is None or step[1] in _WHOLE:
            return True
    return False


_WHOLE = frozenset({"get", "items", "values", "keys", "copy", "setdefault", "pop", "update"})  # reach every part


def _text(data: bytes) -> str:
    """The text of every XML part of the package, tags removed (a placeholder split across rich-text
    runs is whole again) and unescaped (``&quot;`` is a quote again)."""
    parts = []
    with zipfile.ZipFile(BytesIO(data)) as z:
        for info in z.infolist():
            if info.filename.endswith(".xml") and info.file_size < 64 << 20:
                xml = z.read(info).decode("utf-8", "replace")
                parts.append(html.unescape(_TAG.sub("", xml)))
    return "\n".join(parts)
