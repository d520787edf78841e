"""``REGISTRY``: every KPI of ``kpis.md`` by id, in the catalogue's order.

Import-light on purpose: :mod:`kpis.config` imports it (late) to validate ``[targets]`` ids; it pulls
in the declarations only (pandas, numpy), never the reader, the CLI or the configuration loader.
"""

from __future__ import annotations

from .defs import acquisition, activities, customers, deals, leads, pipeline, team
from .model import SECTIONS, KpiDef

REGISTRY: dict[str, KpiDef] = {}
for _module in (deals, pipeline, activities, leads, customers, acquisition, team):
    for _k in _module.KPIS:
        if _k.id in REGISTRY:  # pragma: no cover - a declaration mistake
            raise ValueError(f"KPI {_k.id!r} declared twice")
        REGISTRY[_k.id] = _k


def by_section() -> dict[str, list[KpiDef]]:
    out: dict[str, list[KpiDef]] = {s: [] for s in SECTIONS}
    for k in REGISTRY.values():
        out[k.section].append(k)
    return out
