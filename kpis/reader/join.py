"""When a second region is the same table as the one already read (a sheet per year or per team).

A region left over after each table got its best region joins that table when all of these hold:

1. the table is the region's own best eligible match (it passes the same threshold as any sheet,
   and would have been given that table on its merits);
2. same layout: both one row per record, or both one column per month;
3. most fields in common: the fields both carry are at least half of the fields either carries;
4. clearly the same table, by its headers -- the fields of one sheet are all found in the other
   (column order free; optional columns may be missing in one) -- or by its name: the sheet name
   names the table ("Ventes Sud") or reads like the first one's once years and numbers are dropped
   ("Affaires 2025" / "Affaires 2026").

A sheet matching only weakly (few shared fields, another layout) stays out and is reported as before.
"""

from __future__ import annotations

from .headers import WIDE_TABLES, TableMatch
from .locate import Region
from .text import fold


def name_stem(name: str) -> str:
    """A sheet name without its numbers: "Affaires 2026" -> "affaires", "T1-2026" -> "t"."""
    return " ".join(w for w in fold(name).split() if not any(ch.isdigit() for ch in w))


def _fields(m: TableMatch) -> set[str]:
    """The fields a match carries; a wide layout's month columns carry the period and the value."""
    return set(m.columns) | ({"period", WIDE_TABLES[m.table][0]} if m.wide else set())


def same_table(region: Region, match: TableMatch, first_region: Region, first: TableMatch) -> bool:
    """Whether ``region`` (best matching ``match.table``) continues ``first_region`` (see the module doc)."""
    if match.table != first.table or match.wide != first.wide or match.missing_required:
        return False
    a, b = _fields(match), _fields(first)
    shared = a & b
    if 2 * len(shared) < len(a | b) or len(shared) < 2:
        return False
    if a <= b or b <= a:
        return True
    stem = name_stem(region.label)
    return match.sheet_bonus > 0 or (bool(stem) and stem == name_stem(first_region.label))
