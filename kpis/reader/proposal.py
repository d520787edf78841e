"""What the reader detected, as a commented ``kpis.toml`` proposal (``kpis init``).

Every table found becomes a ``[mapping.TABLE]`` section that pins what detection chose -- sheet(s),
header row, each column's field (with its confidence and the runner-up in a comment), constants
(an order ledger's ``status = "won"``), derived fields (``cost = "Sales - Profit"``), order lines --
so that the proposal used as is reads exactly the same tables, and every choice is written where the
user can change it. Columns left unused are listed in comments with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..i18n import message, register
from ..schema import TABLES
from .headers import TableMatch, header_text
from .locate import Region
from .text import cell_ref

register(
    {
        "p_head": {
            "fr": "# kpis.toml proposé par `kpis init` pour « {workbook} ».\n"
                  "# Chaque choix de la détection est écrit ci-dessous : corrigez ce qui est faux, supprimez ce que la\n"
                  "# détection peut décider seule. Clés : docs/configuration.md ; mots reconnus : docs/recognition.md.",
            "en": "# kpis.toml proposed by `kpis init` for \"{workbook}\".\n"
                  "# Every choice detection made is written below: correct what is wrong, delete what detection may\n"
                  "# decide by itself. Keys: docs/configuration.md; recognised words: docs/recognition.md.",
        },
        "p_table": {"fr": "# {label} : {range}, {rows} lignes de données", "en": "# {label}: {range}, {rows} data rows"},
        "p_conf": {"fr": "confiance {conf}", "en": "confidence {conf}"},
        "p_runner": {"fr": "sinon « {header} » ({conf})", "en": "runner-up \"{header}\" ({conf})"},
        "p_guess": {"fr": "supposé d'après le contenu", "en": "guessed from the values"},
        "p_unused": {"fr": "# Colonnes non utilisées :", "en": "# Columns not used:"},
        "p_lost": {"fr": "{field} ? « {header} » lui a été préférée", "en": "{field}? \"{header}\" was preferred"},
        "p_not_field_of": {"fr": "{field} ? {why}", "en": "{field}? {why}"},
        "p_not_field": {"fr": "l'en-tête nomme autre chose qu'un champ (code postal, téléphone, quantité…)",
                        "en": "the header names something no field is (postal code, phone, quantity…)"},
        "p_unused_none": {"fr": "aucun champ ne lui correspond", "en": "matches no field"},
        "p_unmap_hint": {
            "fr": "# Pour qu'une colonne ne soit jamais lue : unmapped = [\"En-tête\"]",
            "en": "# To never read a column: unmapped = [\"Header\"]",
        },
        "p_ledger": {
            "fr": "journal de commandes : chaque commande est une vente gagnée",
            "en": "order ledger: every order is a won sale",
        },
        "p_lines": {
            "fr": "les lignes d'un même n° de commande sont une seule vente",
            "en": "lines sharing an order id are one sale",
        },
        "p_dates": {
            "fr": "# statut : d'après les colonnes de date de gain / de perte",
            "en": "# status: from the won / lost date columns",
        },
        "p_extra": {"fr": "# « {header} » : {what}", "en": "# \"{header}\": {what}"},
        "p_aside": {"fr": "# Feuilles laissées de côté :", "en": "# Sheets left aside:"},
    }
)


@dataclass
class TablePlan:
    """One canonical table as detection found it (one region, or several sheets of the same table)."""

    table: str
    parts: list[tuple[Region, TableMatch]] = field(default_factory=list)


def plans(assigned: list[tuple[Region, TableMatch]]) -> list[TablePlan]:
    """Regions grouped by table, in workbook order."""
    out: dict[str, TablePlan] = {}
    for region, m in assigned:
        out.setdefault(m.table, TablePlan(m.table)).parts.append((region, m))
    return list(out.values())


def _q(text: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML escapes)."""
    return json.dumps(text, ensure_ascii=False)


def _column_header(region: Region, col: int) -> str:
    """The header to name a column by; its letter when another column has the same header."""
    text = header_text(region.headers.get(col))
    same = [c for c, h in region.headers.items() if header_text(h).casefold() == text.casefold()]
    return text if text and len(same) == 1 else cell_ref(region.header_row, col).rstrip("0123456789")


def rejected_reason(region: Region, m: TableMatch, col: int, lang: str) -> str:
    """Why a column was left unused: the first field its values contradicted, else no field matched."""
    for c, fld, reason in m.rejected:
        if c == col:
            return message("p_not_field_of", lang, field=f"{m.table}.{fld}", why=message(f"why_{reason}", lang))
    if col in m.losers and m.losers[col] in m.columns:
        fld = m.losers[col]
        return message("p_lost", lang, field=f"{m.table}.{fld}", header=header_text(region.headers.get(m.columns[fld])))
    from .headers import not_a_field

    if isinstance(region.headers.get(col), str) and not_a_field(region.headers[col]):
        return message("p_not_field", lang)
    return message("p_unused_none", lang)


def unused_columns(region: Region, m: TableMatch) -> list[int]:
    from .derive import compile_expression

    taken = set(m.columns.values()) | set(m.months) | {c for e, c in m.extra.items()
                                                        if e in ("status", "won_date", "lost_date", "active", "profit")}
    for expr in m.derived.values():
        taken |= set(compile_expression(expr, region.headers)[1].values())
    return [c for c in sorted(region.headers) if c not in taken]


def proposal(assigned: list[tuple[Region, TableMatch]], aside: list[str], workbook: str, lang: str) -> str:
    """The commented TOML text (see the module doc). ``aside``: lines on the sheets left aside."""
    lines = [message("p_head", lang, workbook=workbook), "", f"lang = {_q(lang)}", ""]
    for plan in plans(assigned):
        lines += _section(plan, lang)
    if aside:
        lines.append(message("p_aside", lang))
        lines += [f"#   {a}" for a in aside]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _section(plan: TablePlan, lang: str) -> list[str]:
    t = TABLES[plan.table]
    region, m = plan.parts[0]
    label = t.label_fr if lang == "fr" else t.label_en
    out = []
    for r, mm in plan.parts:
        out.append(message("p_table", lang, label=label, range=r.ref, rows=r.n_rows))
    out.append(f"[mapping.{plan.table}]")
    names = [r.excel_table or r.sheet.name for r, _ in plan.parts]
    if len(names) == 1:
        out.append(f"sheet = {_q(names[0])}")
        out.append(f"header_row = {region.header_row + 1}")
    else:
        out.append("sheets = [" + ", ".join(_q(n) for n in names) + "]")
    if m.order_lines:
        out.append(f"order_lines = true  # {message('p_lines', lang)}")
    out.append(message("p_unmap_hint", lang))
    if m.stage_from == "dates":
        out.append(message("p_dates", lang))
    for e in ("status", "won_date", "lost_date", "active"):
        if e in m.extra:
            what = message(f"deal_{e}_column", lang, column="").split(" : " if lang == "fr" else ": ", 1)[-1]
            out.append(message("p_extra", lang, header=header_text(region.headers.get(m.extra[e])), what=what))
    if m.columns:
        out.append(f"[mapping.{plan.table}.columns]")
        for fld, col in sorted(m.columns.items(), key=lambda kv: kv[1]):
            notes = [message("p_conf", lang, conf=f"{m.confidence.get(fld, 1.0):.2f}")]
            if fld in m.guessed:
                notes.append(message("p_guess", lang))
            if fld in m.runner_up:
                rc, rconf = m.runner_up[fld]
                notes.append(message("p_runner", lang, header=header_text(region.headers.get(rc)), conf=f"{rconf:.2f}"))
            out.append(f"{fld} = {_q(_column_header(region, col))}  # " + ("; " if lang == "en" else " ; ").join(notes))
    constants = dict(m.constants)
    if m.stage_from == "ledger":
        constants.setdefault("stage", "won")
    if constants:
        out.append(f"[mapping.{plan.table}.constants]")
        for fld, value in constants.items():
            key = "status" if plan.table == "deals" and fld == "stage" else fld
            note = f"  # {message('p_ledger', lang)}" if m.stage_from == "ledger" and fld == "stage" else ""
            out.append(f"{key} = {_q(str(value))}{note}")
    if m.derived:
        out.append(f"[mapping.{plan.table}.derived]")
        for fld, expr in m.derived.items():
            out.append(f"{fld} = {_q(expr)}")
    unused = [(r, mm, c) for r, mm in plan.parts for c in unused_columns(r, mm)]
    if unused:
        out.append(message("p_unused", lang))
        for r, mm, c in unused:
            out.append(f"#   {_q(header_text(r.headers.get(c)))}: {rejected_reason(r, mm, c, lang)}")
    out.append("")
    return out
