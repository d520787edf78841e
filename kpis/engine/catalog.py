"""The KPI catalogue, generated from the registry: ``kpis catalog`` and ``docs/catalogue.md``.

    python -m kpis.engine.catalog docs/catalogue.md     # regenerate the committed document

A test checks that the committed document is what this module generates, so the catalogue a user
reads can never drift from the definitions the engine computes.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..i18n import message, normalise_lang
from ..vocab import inputs_label
from .evaluate import metric_inputs
from .model import SECTIONS, KpiDef
from .registry import REGISTRY, by_section

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "catalogue.md"


def record(k: KpiDef, lang: str) -> dict[str, Any]:
    """One KPI as the catalogue shows it, in ``lang``."""
    return {
        "id": k.id,
        "section": k.section,
        "section_name": SECTIONS[k.section][0 if lang == "fr" else 1],
        "name": k.name(lang),
        "description": k.description(lang),
        "unit": k.unit,
        "unit_name": message(f"kpi_unit_{k.unit}", lang),
        "direction": k.direction,
        "direction_name": message(f"kpi_direction_{k.direction}", lang),
        "type": k.kind,
        "formula": k.formula(lang),
        "inputs": metric_inputs(k.metric),
    }


def records(lang: str = "fr") -> list[dict[str, Any]]:
    lang = normalise_lang(lang)
    return [record(k, lang) for k in REGISTRY.values()]


# The metric types as the catalogue names them (kpis.engine.model: Simple, Ratio…).
KIND_NAMES = {"simple": ("simple", "simple"), "ratio": ("ratio", "ratio"), "fallback": ("avec repli", "with fallback"),
              "derived": ("calculé", "derived"), "distribution": ("répartition", "distribution"),
              "funnel": ("entonnoir", "funnel")}


def kind_name(kind: str, lang: str) -> str:
    """``ratio / derived`` → ``ratio / calculé``."""
    return " / ".join(KIND_NAMES.get(k, (k, k))[lang == "en"] for k in kind.split(" / "))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(lang: str = "fr", heading: str = "#") -> str:
    """The catalogue in one language: a table per section."""
    lang = normalise_lang(lang)
    def h(code: str) -> str:
        return message(code, lang)

    out = [f"{heading} {h('kpi_catalogue_title')}", ""]
    for section, kpis in by_section().items():
        out += [f"{heading}# {SECTIONS[section][0 if lang == 'fr' else 1]}", ""]
        out.append(f"| {h('kpi_h_id')} | {h('kpi_h_name')} | {h('kpi_h_formula')} | {h('kpi_h_unit')} | "
                   f"{h('kpi_h_direction')} | {h('kpi_h_type')} | {h('kpi_h_inputs')} |")
        out.append("|---|---|---|---|---|---|---|")
        for k in kpis:
            r = record(k, lang)
            formula = r["formula"] + (f" — {r['description']}" if r["description"] else "")
            inputs = inputs_label(", ".join(r["inputs"]), lang)
            out.append(f"| `{k.id}` | {_cell(r['name'])} | {_cell(formula)} | {r['unit_name']} | {r['direction_name']} | "
                       f"{kind_name(r['type'], lang)} | {inputs} |")
        out.append("")
    return "\n".join(out)


def document() -> str:
    """``docs/catalogue.md``: the catalogue in French, then in English."""
    head = [
        "<!-- Generated from kpis/engine/registry.py by `python -m kpis.engine.catalog docs/catalogue.md`. Do not edit. -->",
        "",
        "# Catalogue des indicateurs / KPI catalogue",
        "",
        f"{len(REGISTRY)} indicateurs, définis dans `kpis/engine/defs/` ; décisions et lecture des statuts : "
        "[kpis.md](kpis.md). / "
        f"{len(REGISTRY)} KPIs, declared in `kpis/engine/defs/`; decisions and how to read statuses: [kpis.md](kpis.md).",
        "",
        "- [Français](#catalogue-des-indicateurs)",
        "- [English](#kpi-catalogue)",
        "",
    ]
    return "\n".join(head) + "\n" + markdown("fr", "##") + "\n" + markdown("en", "##")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DOC_PATH
    path.write_text(document(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
