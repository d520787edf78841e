"""The add-in's pipeline-history sheet ("KPI - Suivi pipeline" / "KPI - Pipeline watch"), written by
a refresh: the period's pipeline movement (team flows, slipped deals, flows by team and by rep) and
the deals to watch. The numbers are the report's (:mod:`kpis.report.history_context`, itself from
:mod:`kpis.history`); only the layout is decided here (``docs/history.md``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from ..i18n import message, normalise_lang
from .layouts import HEADER_FILL, MUTED, SECTION_FILL, date_format, money_format
from .sheets import SheetContent

ROLE = "history"
NAMES = {"fr": "KPI - Suivi pipeline", "en": "KPI - Pipeline watch"}
FLOWS = ("start", "created", "reopened", "increased", "decreased", "won", "lost", "removed", "end")
WORDS = {
    "fr": {"title": "Mouvement du pipeline et affaires à surveiller — {period}", "flows": "Équipe",
           "by_team": "Par équipe", "by_rep": "Par commercial", "watch": "Affaires à surveiller — au {date}",
           "compare": "État du {a} comparé à l'état du {b}.", "team": "Équipe", "rep": "Commercial",
           "slipped": "Glissées (date prévue repoussée)", "none": "Aucune affaire à surveiller."},
    "en": {"title": "Pipeline movement and deals to watch — {period}", "flows": "Team",
           "by_team": "By team", "by_rep": "By rep", "watch": "Deals to watch — as of {date}",
           "compare": "State of {a} compared with the state of {b}.", "team": "Team", "rep": "Rep",
           "slipped": "Slipped (expected date pushed)", "none": "No deal to watch."},
}


def history_content(ds: Any, period: Any, cfg: Any, lang: str, *, as_of: dt.date | None = None,
                    path: Path | None = None) -> SheetContent:
    """The sheet's content for ``period`` (the history file: ``path``; None: no history, e.g. in
    xlwings Lite, where the workbook has no folder -- the deals to watch are still shown)."""
    from ..report.history_context import history_context

    lang = normalise_lang(lang)
    ctx = history_context(ds, period, cfg, lang=lang, as_of=as_of, path=path, beside_dataset=False)
    return layout(ctx["history"], ctx["watch"], period.label, lang, cfg.currency)


def _v(x: Any) -> Any:
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return ""
    if isinstance(x, pd.Timestamp):
        return x.to_pydatetime()
    return x.item() if hasattr(x, "item") else x


def layout(h: dict, w: dict, period_label: str, lang: str, currency: str) -> SheetContent:
    t = WORDS[lang]
    money = money_format(currency, 0, lang)
    c = SheetContent()
    c.add_rows([[t["title"].format(period=period_label)]], at=0)
    c.fmt(0, 0, bold=True, font_color="#1F4E78")
    row = 2
    if not h["available"]:
        c.add_rows([[h["note"]]], at=row)
        c.fmt(row, 0, italic=True, font_color="#9C5700")
        row += 2
    else:
        c.add_rows([[t["compare"].format(a=h["a_text"], b=h["b_text"]) + (" " + h["note"] if h["note"] else "")]], at=row)
        c.fmt(row, 0, italic=True, font_color=MUTED)
        row += 2
        row = _section(c, row, t["flows"], 3)
        c.add_rows([[message("movement_h_flow", lang), message("movement_h_amount", lang), message("movement_h_deals", lang)]], at=row)
        c.fmt(row, 0, 1, 3, bold=True, fill=HEADER_FILL)
        row += 1
        f = h["flows"]
        c.add_rows([[r.label, float(r.amount), int(r["count"])] for _, r in f.iterrows()], at=row)
        c.fmt(row, 1, len(f), 1, number_format=money)
        c.fmt(row, 0, 1, 3, bold=True)
        c.fmt(row + len(f) - 1, 0, 1, 3, bold=True)
        row += len(f)
        c.add_rows([[t["slipped"], float(h["slipped_amount"]), int(h["slipped_count"])]], at=row)
        c.fmt(row, 1, 1, 1, number_format=money)
        row += 2
        for key, title, label in (("by_team", t["by_team"], t["team"]), ("by_rep", t["by_rep"], t["rep"])):
            df = h[key]
            if df.empty:
                continue
            row = _section(c, row, title, len(FLOWS) + 1)
            c.add_rows([[label, *[message("flow_" + k, lang) for k in FLOWS]]], at=row)
            c.fmt(row, 0, 1, len(FLOWS) + 1, bold=True, fill=HEADER_FILL, wrap=True)
            row += 1
            c.add_rows([[r["key"], *[float(r[k]) for k in FLOWS]] for _, r in df.iterrows()], at=row)
            c.fmt(row, 1, len(df), len(FLOWS), number_format=money)
            row += len(df) + 1
    row = _section(c, row, t["watch"].format(date=w["as_of_text"]), 8)
    if w["note"]:
        c.add_rows([[w["note"]]], at=row)
        c.fmt(row, 0, italic=True, font_color=MUTED)
        row += 1
    deals = w["deals"]
    if deals.empty:
        c.add_rows([[t["none"]]], at=row)
    else:
        heads = ["movement_h_team", "alerts_h_rep", "alerts_h_deal", "alerts_h_account", "alerts_h_amount", "alerts_h_stage",
                 "alerts_h_expected", "alerts_h_reasons"]
        c.add_rows([[message(h_, lang) for h_ in heads]], at=row)
        c.fmt(row, 0, 1, len(heads), bold=True, fill=HEADER_FILL)
        row += 1
        cols = ["team", "rep", "deal_id", "account", "amount", "stage", "expected_close_date", "reasons"]
        c.add_rows([[_v(r[k]) for k in cols] for _, r in deals.iterrows()], at=row)
        c.fmt(row, 4, len(deals), 1, number_format=money)
        c.fmt(row, 6, len(deals), 1, number_format=date_format(lang))
    c.widths.update({0: 28, 1: 18, 2: 14, 3: 28, 4: 14, 5: 14, 6: 14, 7: 30, 8: 14, 9: 14})
    c.freeze = (1, 0)
    return c


def _section(c: SheetContent, row: int, text: str, width: int) -> int:
    c.add_rows([[text]], at=row)
    c.fmt(row, 0, 1, width, bold=True, fill=SECTION_FILL)
    return row + 1
