"""The add-in's calculator sheets (commission statements, quota plan) laid out as tables.

The KPI sheets are not laid out here: a refresh renders them from a template by the report's own
engine (:mod:`kpis.xl.templates`, ``kpis/templates/feuilles_kpi_fr.xlsx``), so a user restyles
them in Excel as the report. Pure functions from results to :class:`~kpis.xl.sheets.SheetContent`
-- no xlwings here, so they are tested without Excel. Values are the calculators', untouched; number
formats are :mod:`kpis.present.formats`', attainment is coloured by its target
(:data:`kpis.present.views.THRESHOLDS`), as in the report.
"""

from __future__ import annotations

from typing import Any, Sequence

from ..i18n import message, normalise_lang, register
from ..present import formats, views
from .sheets import SheetContent

HEADER_FILL = "#DDEBF7"
SECTION_FILL = "#F2F2F2"
MUTED = "#7F7F7F"
GOOD, BAD = "#006100", "#9C0006"
GOOD_FILL, BAD_FILL = "#C6EFCE", "#FFC7CE"


def money_format(currency: str, decimals: int = 0, lang: str = "fr") -> str:
    """The money format of :mod:`kpis.present.formats` (kept for the sheets that lay money out)."""
    return formats.money(lang, currency, decimals)


def date_format(lang: str) -> str:
    return formats.DATE[normalise_lang(lang)]


def _title(c: SheetContent, text: str, subtitle: str | None = None) -> None:
    c.add_rows([[text]], at=0)
    c.fmt(0, 0, bold=True, font_color="#1F4E78")
    if subtitle:
        c.add_rows([[subtitle]], at=1)
        c.fmt(1, 0, italic=True, font_color=MUTED)


def _header(c: SheetContent, row: int, labels: Sequence[str]) -> None:
    c.add_rows([list(labels)], at=row)
    c.fmt(row, 0, 1, len(labels), bold=True, fill=HEADER_FILL, wrap=True)


def _section_title(c: SheetContent, row: int, text: str, width: int = 7) -> int:
    c.add_rows([[text]], at=row)
    c.fmt(row, 0, 1, width, bold=True, fill=SECTION_FILL)
    return row + 1


def _attainment_fill(c: SheetContent, row: int, col: int, value: Any) -> None:
    """An attainment cell coloured against 100 % of the quota, like the report's."""
    if isinstance(value, (int, float)) and value == value:
        met = value >= views.THRESHOLDS["quota_attainment"]
        c.fmt(row, col, fill=GOOD_FILL if met else BAD_FILL, font_color=GOOD if met else BAD)


# -- calculators ----------------------------------------------------------------------------------------


def statements_sheet(st: Any, lang: str, currency: str) -> SheetContent:
    """Commission statements: a summary (one row per rep) then each rep's lines."""
    from ..calculators.commissions import LINE_COLUMNS

    money = money_format(currency, 2, lang)
    pct = formats.percent(lang)
    c = SheetContent()
    _title(c, f"{message('stmt_title', lang)} — {st.period.label}")
    figures = ["plan", "credited", "quota", "attainment", "commission", "spiffs", "clawbacks", "draw", "recovered",
               "deferred", "payable", "balance_out"]
    label = {"balance_out": "stmt_balance"}
    row = 2
    _header(c, row, [message("stmt_rep", lang)] + [message(label.get(k, f"stmt_{k}"), lang) for k in figures])
    row += 1
    first = row
    for rep, s in st.reps.items():
        c.add_rows([[rep] + [getattr(s, k) for k in figures]], at=row)
        _attainment_fill(c, row, 4, s.attainment)
        row += 1
    if st.reps:
        c.fmt(first, 2, row - first, 2, number_format=money)
        c.fmt(first, 4, row - first, 1, number_format=pct)
        c.fmt(first, 5, row - first, 8, number_format=money)
    c.add_rows([[message("xl_attainment_note", lang)]], at=row)
    c.fmt(row, 0, italic=True, font_color=MUTED)
    row += 1
    for n in st.warnings:
        c.add_rows([[n.message(lang)]], at=row)
        c.fmt(row, 0, font_color=BAD)
        row += 1
    row += 1
    for rep, s in st.reps.items():
        row = _section_title(c, row, f"{rep} — {s.plan} — {message('stmt_payable', lang)} : {formats.money_text(s.payable, lang, currency, 2)}", width=len(LINE_COLUMNS))
        if s.lines is not None and len(s.lines):
            _header(c, row, [message(_LINE_LABEL.get(k, f"stmt_{k}"), lang) for k in LINE_COLUMNS])
            row += 1
            lines = s.lines.reindex(columns=list(LINE_COLUMNS))
            body = lines.astype(object).where(lines.notna(), None).to_numpy().tolist()
            for r in body:
                if isinstance(r[0], str):
                    r[0] = message(f"stmt_kind_{r[0]}", lang)
            c.add_rows(body, at=row)
            n = len(body)
            c.fmt(row, 3, n, 1, number_format=date_format(lang))
            c.fmt(row, 4, n, 1, number_format=money)
            c.fmt(row, 5, n, 2, number_format=pct)
            c.fmt(row, 7, n, 1, number_format=money)
            c.fmt(row, 8, n, 1, number_format=pct)
            c.fmt(row, 9, n, 1, number_format=money)
            row += n
        for n in s.notes:
            c.add_rows([[n.message(lang)]], at=row)
            c.fmt(row, 0, italic=True, font_color=MUTED)
            row += 1
        row += 1
    c.widths.update({0: 22, **{j: 14 for j in range(1, 13)}})
    return c


_LINE_LABEL = {"deal_id": "stmt_deal", "close_date": "stmt_close_date"}


def quota_sheet(plan: Any, lang: str, currency: str) -> SheetContent:
    """The quota plan: one row per rep (capacity, quotas, rates, reverse funnel)."""
    money = money_format(currency, 0, lang)
    pct = formats.percent(lang)
    c = SheetContent()
    sub = message("xl_quota_sub", lang, method=plan.method, target=_fmt_money(plan.target, lang, currency),
                  total=_fmt_money(plan.total, lang, currency), gap=_fmt_money(plan.gap, lang, currency))
    _title(c, f"{message('quota_title', lang)} — {plan.period.label}", sub)
    cols = [("rep", "stmt_rep", None), ("capacity", "quota_capacity", formats.percent(lang, 0)), ("full_quota", "quota_full", money),
            ("quota", "stmt_quota", money), ("average_deal_size", "funnel_avg_deal", money), ("win_rate", "funnel_win_rate", pct),
            ("opportunities_per_meeting", "funnel_opps_per_meeting", "0.00"), ("meetings_per_call", "funnel_meetings_per_call", "0.00"),
            ("rates_from", "funnel_rates_from", None), ("deals_needed", "funnel_deals", "#,##0"),
            ("pipeline_needed", "funnel_pipeline", money), ("opportunities_needed", "funnel_opportunities", "#,##0"),
            ("meetings_needed", "funnel_meetings", "#,##0"), ("calls_needed", "funnel_calls", "#,##0")]
    table = plan.table
    cols = [col for col in cols if col[0] in table.columns]
    _header(c, 3, [message(lbl, lang) for _, lbl, _ in cols])
    frame = table[[k for k, _, _ in cols]].astype(object)
    body = frame.where(frame.notna(), None).to_numpy().tolist()
    if "rates_from" in [k for k, _, _ in cols]:
        j = [k for k, _, _ in cols].index("rates_from")
        for r in body:
            if r[j] in ("rep", "team"):
                r[j] = message(f"funnel_rates_{r[j]}", lang)
    c.add_rows(body, at=4)
    for j, (_, _, fmt) in enumerate(cols):
        if fmt and body:
            c.fmt(4, j, len(body), 1, number_format=fmt)
    row = 4 + len(body) + 1
    for n in plan.notes:
        c.add_rows([[n.message(lang)]], at=row)
        c.fmt(row, 0, italic=True, font_color=MUTED)
        row += 1
    c.widths.update({0: 22, **{j: 14 for j in range(1, len(cols))}})
    c.freeze = (4, 1)
    return c


def _fmt_money(v: float | None, lang: str, currency: str = "EUR") -> str:
    return formats.money_text(v, lang, currency)


register(
    {
        "xl_h_table": {"fr": "Table", "en": "Table"},
        "xl_q_sheet": {"fr": "Feuille", "en": "Sheet"},
        "xl_attainment_note": {
            "fr": "Atteinte du plan = CA crédité sur la fenêtre d'atteinte du plan (le mois, ou le cumul du trimestre) / "
                  "objectif de cette fenêtre, hors affaires reprises : elle fixe le taux de commission. L'indicateur "
                  "« Atteinte de l'objectif » des feuilles KPI rapporte le CA crédité de la seule période à son objectif : "
                  "les deux diffèrent dès que la fenêtre du plan dépasse la période.",
            "en": "Plan attainment = credited revenue over the plan's attainment window (the month, or the quarter to date) / "
                  "the quota of that window, clawed-back deals left out: it sets the commission rate. The KPI sheets' "
                  "« Quota attainment » divides the credited revenue of the period alone by its quota: the two differ as "
                  "soon as the plan's window is longer than the period.",
        },
        "xl_quota_sub": {
            "fr": "Méthode {method} — objectif {target}, réparti {total}, écart {gap}",
            "en": "Method {method} — target {target}, allocated {total}, gap {gap}",
        },
    }
)
