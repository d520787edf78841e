"""What each sheet of the add-in shows: the engine's and calculators' results laid out as tables.

Pure functions from results to :class:`~kpis.xl.sheets.SheetContent` -- no xlwings here, so they are
tested without Excel and reused for the monthly report file. Values are the engine's, untouched
(rates as fractions with a percent format, money with the workbook's currency); only the layout,
labels and number formats are decided here.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ..i18n import message, normalise_lang, register
from .sheets import SheetContent

HEADER_FILL = "#DDEBF7"
SECTION_FILL = "#F2F2F2"
MUTED = "#7F7F7F"
GOOD, BAD = "#006100", "#9C0006"

# The sheets a refresh writes, in order, and the KPIs broken down by rep on each.
REFRESH_ROLES = ("summary", "reps", "pipeline", "funnel", "customers", "quality")
REP_KPIS = (
    "revenue", "deals_won", "deals_lost", "win_rate", "average_deal_size", "quota_attainment", "gross_margin",
    "sales_cycle_days", "new_opportunities", "open_deals", "open_pipeline_value", "weighted_pipeline", "forecast",
    "activities_total", "calls", "meetings", "demos",
)
PIPELINE_BY_REP = ("new_opportunities", "open_deals", "open_pipeline_value", "weighted_pipeline", "pipeline_coverage",
                   "close_ratio", "proposals_sent", "forecast")


def money_format(currency: str, decimals: int = 0) -> str:
    dec = "." + "0" * decimals if decimals else ""
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(currency, currency)
    if symbol in ("$", "£"):
        return f'"{symbol}"#,##0{dec}'
    return f'#,##0{dec} "{symbol}"'


def unit_format(unit: str, currency: str) -> str | None:
    return {
        "ratio": "0.0%",
        "money": money_format(currency),
        "money_per_day": money_format(currency),
        "count": "#,##0",
        "days": "0.0",
        "hours": "0.0",
        "months": "0.0",
        "score": "0",
        "number": "0.00",
        "distribution": "0.0%",
    }.get(unit)


def date_format(lang: str) -> str:
    return "dd/mm/yyyy" if normalise_lang(lang) == "fr" else "yyyy-mm-dd"


def _title(c: SheetContent, text: str, subtitle: str | None = None) -> None:
    c.add_rows([[text]], at=0)
    c.fmt(0, 0, bold=True, font_color="#1F4E78")
    if subtitle:
        c.add_rows([[subtitle]], at=1)
        c.fmt(1, 0, italic=True, font_color=MUTED)


def _header(c: SheetContent, row: int, labels: Sequence[str]) -> None:
    c.add_rows([list(labels)], at=row)
    c.fmt(row, 0, 1, len(labels), bold=True, fill=HEADER_FILL, wrap=True)


def _subtitle(results: Any, lang: str) -> str:
    p = results.period
    parts = [message("xl_period", lang, period=p.label, start=p.start.strftime("%d/%m/%Y") if lang == "fr" else p.start.isoformat(),
                     end=p.end.strftime("%d/%m/%Y") if lang == "fr" else p.end.isoformat())]
    if results.as_of:
        parts.append(message("xl_as_of", lang, date=results.as_of.strftime("%d/%m/%Y") if lang == "fr" else results.as_of.isoformat()))
    return " — ".join(parts)


# -- KPI tables -------------------------------------------------------------------------------------


def _change_format(kind: str | None, unit: str) -> tuple[str | None, float]:
    """Number format and multiplier of a change: points for rates (×100) and scores, else relative."""
    if kind == "points":
        return ('+0.0" pt";-0.0" pt";0" pt"', 100.0 if unit == "ratio" else 1.0)
    if kind == "relative":
        return ("+0.0%;-0.0%;0%", 1.0)
    return None, 1.0


def kpi_rows(c: SheetContent, results: Any, ids: Iterable[str], lang: str, currency: str, *, start: int) -> int:
    """The KPI table (name, value, previous, year ago, target, change, remark) from row ``start``.

    Returns the next free row. KPIs whose inputs the workbook lacks are listed apart by the caller.
    """
    cols = ["xl_h_kpi", "xl_h_value", "xl_h_previous", "xl_h_year_ago", "xl_h_target", "xl_h_change", "xl_h_remark"]
    _header(c, start, [message(k, lang) for k in cols])
    row = start + 1
    for kid in ids:
        r = results.kpis.get(kid)
        if r is None or r.status == "missing_input":
            continue
        fmt = unit_format(r.unit, currency)
        remark = r.reason or "; ".join(r.notes)
        if isinstance(r.value, dict):
            c.add_rows([[r.name, None, None, None, None, None, remark or message("xl_see_detail", lang)]], at=row)
            row += 1
            for item, share in _distribution_items(r.value):
                c.add_rows([["    " + str(item), share]], at=row)
                c.fmt(row, 1, number_format="0.0%")
                c.fmt(row, 0, italic=True)
                row += 1
            continue
        change_fmt, mult = _change_format(r.change_kind, r.unit)
        change = None if r.change is None else r.change * mult
        c.add_rows([[r.name, r.value, _scalar(r.previous), _scalar(r.year_ago), r.target, change, remark]], at=row)
        if fmt:
            c.fmt(row, 1, 1, 4, number_format=fmt)  # value, previous, year ago, target: one unit
        if change_fmt and change is not None:
            c.fmt(row, 5, number_format=change_fmt, font_color=GOOD if r.good else BAD if r.good is False else None)
        row += 1
    return row


def _scalar(v: Any) -> Any:
    return None if isinstance(v, dict) else v


def _distribution_items(value: dict) -> list[tuple[str, Any]]:
    """Shares of a distribution; a funnel's steps as their share of the first step."""
    out = []
    for k, v in value.items():
        if isinstance(v, dict):
            out.append((k, v.get("share", v.get("count"))))
        else:
            out.append((k, v))
    return out


def missing_rows(c: SheetContent, results: Any, ids: Iterable[str], lang: str, *, start: int) -> int:
    """KPIs not computed because an input is missing, with what is missing."""
    missing = [results.kpis[k] for k in ids if k in results.kpis and results.kpis[k].status == "missing_input"]
    if not missing:
        return start
    c.add_rows([[message("xl_not_computed", lang)]], at=start)
    c.fmt(start, 0, bold=True, fill=SECTION_FILL)
    row = start + 1
    for r in missing:
        c.add_rows([[r.name, None, None, None, None, None, r.reason or ", ".join(r.missing)]], at=row)
        c.fmt(row, 0, 1, 7, font_color=MUTED)
        row += 1
    return row


def breakdown_rows(c: SheetContent, results: Any, ids: Iterable[str], dim: str, lang: str, currency: str, *, start: int) -> int:
    """One row per key of ``dim`` (rep...), one column per KPI that has a breakdown."""
    cols = [results.kpis[k] for k in ids if k in results.kpis and results.kpis[k].by and results.kpis[k].by.get(dim)
            and results.kpis[k].unit != "distribution"]
    if not cols:
        return start
    keys: list[str] = []
    for r in cols:
        for k in r.by[dim]:
            if k not in keys:
                keys.append(k)
    head = message(f"kpi_dim_{dim}", lang)
    _header(c, start, [head[:1].upper() + head[1:]] + [r.name for r in cols])
    row = start + 1
    for key in keys:
        c.add_rows([[key] + [_scalar(r.by[dim].get(key)) for r in cols]], at=row)
        row += 1
    for j, r in enumerate(cols, 1):
        fmt = unit_format(r.unit, currency)
        if fmt and keys:
            c.fmt(start + 1, j, len(keys), 1, number_format=fmt)
    return row


def _section_title(c: SheetContent, row: int, text: str, width: int = 7) -> int:
    c.add_rows([[text]], at=row)
    c.fmt(row, 0, 1, width, bold=True, fill=SECTION_FILL)
    return row + 1


def _kpi_widths(c: SheetContent) -> None:
    c.widths.update({0: 34, 1: 16, 2: 16, 3: 16, 4: 14, 5: 12, 6: 60})


def _section_ids(section: str) -> list[str]:
    from ..engine import REGISTRY

    return [k.id for k in REGISTRY.values() if k.section == section]


def summary_sheet(results: Any, lang: str, currency: str) -> SheetContent:
    """Every KPI the workbook allows, by section, with comparisons; then those it does not allow."""
    from ..engine.model import SECTIONS

    c = SheetContent()
    _title(c, message("xl_title_summary", lang), _subtitle(results, lang))
    row = 3
    for section, (fr, en) in SECTIONS.items():
        ids = _section_ids(section)
        if not any(results.kpis[k].status != "missing_input" for k in ids if k in results.kpis):
            continue
        row = _section_title(c, row, fr if lang == "fr" else en)
        row = kpi_rows(c, results, ids, lang, currency, start=row) + 1
    all_ids = list(results.kpis)
    missing_rows(c, results, all_ids, lang, start=row)
    _kpi_widths(c)
    c.freeze = (3, 1)
    return c


def reps_sheet(results: Any, lang: str, currency: str) -> SheetContent:
    c = SheetContent()
    _title(c, message("xl_title_reps", lang), _subtitle(results, lang))
    end = breakdown_rows(c, results, REP_KPIS, "rep", lang, currency, start=3)
    if end == 3:
        c.add_rows([[message("xl_no_breakdown", lang)]], at=3)
    c.widths.update({0: 24, **{j: 15 for j in range(1, len(REP_KPIS) + 1)}})
    c.freeze = (4, 1)
    return c


def pipeline_sheet(results: Any, lang: str, currency: str) -> SheetContent:
    c = SheetContent()
    _title(c, message("xl_title_pipeline", lang), _subtitle(results, lang))
    ids = _section_ids("pipeline")
    row = kpi_rows(c, results, ids, lang, currency, start=3) + 1
    row = missing_rows(c, results, ids, lang, start=row) + 1
    row = _section_title(c, row, message("xl_by_rep", lang))
    breakdown_rows(c, results, PIPELINE_BY_REP, "rep", lang, currency, start=row)
    _kpi_widths(c)
    return c


def funnel_sheet(results: Any, lang: str, currency: str) -> SheetContent:
    """The lead funnel step by step (count, step rate, share of leads), then the leads KPIs."""
    c = SheetContent()
    _title(c, message("xl_title_funnel", lang), _subtitle(results, lang))
    row = 3
    funnel = results.kpis.get("funnel")
    if funnel is not None and isinstance(funnel.value, dict):
        _header(c, row, [message(k, lang) for k in ("xl_h_stage", "xl_h_count", "xl_h_step_rate", "xl_h_share")])
        row += 1
        for stage, v in funnel.value.items():
            v = v if isinstance(v, dict) else {"count": v}
            c.add_rows([[message(f"xl_stage_{stage}", lang) if _has(f"xl_stage_{stage}") else stage,
                         v.get("count"), v.get("rate"), v.get("share")]], at=row)
            c.fmt(row, 1, number_format="#,##0")
            c.fmt(row, 2, 1, 2, number_format="0.0%")
            row += 1
        row += 1
    elif funnel is not None:
        c.add_rows([[funnel.name, None, None, funnel.reason or ", ".join(funnel.missing)]], at=row)
        row += 2
    ids = [k for k in _section_ids("leads") if k != "funnel"]
    row = kpi_rows(c, results, ids, lang, currency, start=row) + 1
    missing_rows(c, results, ids, lang, start=row)
    _kpi_widths(c)
    return c


def customers_sheet(results: Any, lang: str, currency: str) -> SheetContent:
    from ..engine.model import SECTIONS

    c = SheetContent()
    _title(c, message("xl_title_customers", lang), _subtitle(results, lang))
    row = 3
    for section in ("customers", "acquisition"):
        fr, en = SECTIONS[section]
        row = _section_title(c, row, fr if lang == "fr" else en)
        ids = _section_ids(section)
        row = kpi_rows(c, results, ids, lang, currency, start=row) + 1
        row = missing_rows(c, results, ids, lang, start=row) + 1
    _kpi_widths(c)
    return c


def quality_sheet(dataset: Any, lang: str) -> SheetContent:
    """Every data problem, one row each: sheet, row, column, value, action, severity, reason."""
    c = SheetContent()
    q = dataset.quality
    frame = q.to_frame(lang)
    problems = frame[frame["action"] != "mapped"]
    counts = problems["severity"].value_counts()
    _title(c, message("xl_title_quality", lang),
           message("xl_quality_counts", lang, errors=int(counts.get("error", 0)), warnings=int(counts.get("warning", 0)),
                   infos=int(counts.get("info", 0))))
    row = 3
    cols = ["sheet", "row", "column", "value", "action", "severity", "reason"]
    _header(c, row, [message(f"xl_q_{k}", lang) for k in cols])
    row += 1
    if len(problems):
        body = problems[cols].astype(object).where(problems[cols].notna(), None).to_numpy().tolist()
        for r in body:
            r[4] = message(f"xl_action_{r[4]}", lang)
            r[5] = message(f"xl_severity_{r[5]}", lang)
        c.add_rows(body, at=row)
        sev = problems["severity"].to_numpy()
        for i, s in enumerate(sev):
            if s == "error":
                c.fmt(row + i, 5, font_color=BAD, bold=True)
        row += len(body)
    else:
        c.add_rows([[message("xl_quality_none", lang)]], at=row)
        row += 1
    row += 1
    row = _section_title(c, row, message("xl_tables_read", lang), width=4)
    _header(c, row, [message(k, lang) for k in ("xl_h_table", "xl_h_source", "xl_h_rows")])
    row += 1
    from ..schema import TABLES

    for t, df in dataset.tables.items():
        label = TABLES[t].label_fr if lang == "fr" else TABLES[t].label_en
        c.add_rows([[label or t, dataset.sources.get(t, ""), len(df)]], at=row)
        row += 1
    c.widths.update({0: 22, 1: 8, 2: 22, 3: 22, 4: 14, 5: 12, 6: 90})
    c.freeze = (4, 0)
    return c


# -- calculators ----------------------------------------------------------------------------------------


def statements_sheet(st: Any, lang: str, currency: str) -> SheetContent:
    """Commission statements: a summary (one row per rep) then each rep's lines."""
    from ..calculators.commissions import LINE_COLUMNS

    money = money_format(currency, 2)
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
        row += 1
    if st.reps:
        c.fmt(first, 2, row - first, 2, number_format=money)
        c.fmt(first, 4, row - first, 1, number_format="0.0%")
        c.fmt(first, 5, row - first, 8, number_format=money)
    for code, params in st.warnings:
        c.add_rows([[message(code, lang, **params)]], at=row)
        c.fmt(row, 0, font_color=BAD)
        row += 1
    row += 1
    for rep, s in st.reps.items():
        row = _section_title(c, row, f"{rep} — {s.plan} — {message('stmt_payable', lang)} : {s.payable:,.2f}".replace(",", " "), width=len(LINE_COLUMNS))
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
            c.fmt(row, 5, n, 2, number_format="0.0%")
            c.fmt(row, 7, n, 1, number_format=money)
            c.fmt(row, 8, n, 1, number_format="0.0%")
            c.fmt(row, 9, n, 1, number_format=money)
            row += n
        for code, params in s.notes:
            c.add_rows([[message(code, lang, **params)]], at=row)
            c.fmt(row, 0, italic=True, font_color=MUTED)
            row += 1
        row += 1
    c.widths.update({0: 22, **{j: 14 for j in range(1, 13)}})
    return c


_LINE_LABEL = {"deal_id": "stmt_deal", "close_date": "stmt_close_date"}


def quota_sheet(plan: Any, lang: str, currency: str) -> SheetContent:
    """The quota plan: one row per rep (capacity, quotas, rates, reverse funnel)."""
    money = money_format(currency)
    c = SheetContent()
    sub = message("xl_quota_sub", lang, method=plan.method, target=_fmt_money(plan.target, lang), total=_fmt_money(plan.total, lang),
                  gap=_fmt_money(plan.gap, lang))
    _title(c, f"{message('quota_title', lang)} — {plan.period.label}", sub)
    cols = [("rep", "stmt_rep", None), ("capacity", "quota_capacity", "0%"), ("full_quota", "quota_full", money),
            ("quota", "stmt_quota", money), ("average_deal_size", "funnel_avg_deal", money), ("win_rate", "funnel_win_rate", "0.0%"),
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
    for code, params in plan.notes:
        c.add_rows([[message(code, lang, **params)]], at=row)
        c.fmt(row, 0, italic=True, font_color=MUTED)
        row += 1
    c.widths.update({0: 22, **{j: 14 for j in range(1, len(cols))}})
    c.freeze = (4, 1)
    return c


def _fmt_money(v: float | None, lang: str) -> str:
    from ..i18n import format_number

    return format_number(v, lang)


def _has(code: str) -> bool:
    from ..i18n import has

    return has(code)


def refresh_contents(results: Any, dataset: Any, lang: str, currency: str) -> dict[str, SheetContent]:
    """Role -> content of every sheet a refresh writes."""
    return {
        "summary": summary_sheet(results, lang, currency),
        "reps": reps_sheet(results, lang, currency),
        "pipeline": pipeline_sheet(results, lang, currency),
        "funnel": funnel_sheet(results, lang, currency),
        "customers": customers_sheet(results, lang, currency),
        "quality": quality_sheet(dataset, lang),
    }


register(
    {
        "xl_title_summary": {"fr": "Synthèse des indicateurs commerciaux", "en": "Sales KPI summary"},
        "xl_title_reps": {"fr": "Indicateurs par commercial", "en": "KPIs by rep"},
        "xl_title_pipeline": {"fr": "Pipeline", "en": "Pipeline"},
        "xl_title_funnel": {"fr": "Entonnoir des prospects", "en": "Lead funnel"},
        "xl_title_customers": {"fr": "Clients, revenu récurrent et acquisition", "en": "Customers, recurring revenue and acquisition"},
        "xl_title_quality": {"fr": "Qualité des données", "en": "Data quality"},
        "xl_title_report": {"fr": "Rapport mensuel", "en": "Monthly report"},
        "xl_period": {"fr": "Période {period} (du {start} au {end})", "en": "Period {period} ({start} to {end})"},
        "xl_as_of": {"fr": "données au {date}", "en": "data as of {date}"},
        "xl_h_kpi": {"fr": "Indicateur", "en": "KPI"},
        "xl_h_value": {"fr": "Valeur", "en": "Value"},
        "xl_h_previous": {"fr": "Période précédente", "en": "Previous period"},
        "xl_h_change": {"fr": "Évolution", "en": "Change"},
        "xl_h_year_ago": {"fr": "Même période N-1", "en": "Same period last year"},
        "xl_h_target": {"fr": "Objectif", "en": "Target"},
        "xl_h_remark": {"fr": "Remarque", "en": "Remark"},
        "xl_h_stage": {"fr": "Étape", "en": "Stage"},
        "xl_h_count": {"fr": "Nombre", "en": "Count"},
        "xl_h_step_rate": {"fr": "Taux de l'étape", "en": "Step rate"},
        "xl_h_share": {"fr": "Part des prospects", "en": "Share of leads"},
        "xl_h_table": {"fr": "Table", "en": "Table"},
        "xl_h_source": {"fr": "Lue dans", "en": "Read from"},
        "xl_h_rows": {"fr": "Lignes", "en": "Rows"},
        "xl_see_detail": {"fr": "répartition ci-dessous", "en": "breakdown below"},
        "xl_not_computed": {"fr": "Indicateurs non calculés (donnée absente)", "en": "KPIs not computed (missing input)"},
        "xl_no_breakdown": {"fr": "Pas de colonne « commercial » dans les données : pas de détail par commercial.",
                            "en": "No rep column in the data: no breakdown by rep."},
        "xl_by_rep": {"fr": "Par commercial", "en": "By rep"},
        "xl_stage_lead": {"fr": "Prospects", "en": "Leads"},
        "xl_stage_mql": {"fr": "MQL", "en": "MQL"},
        "xl_stage_sql": {"fr": "SQL", "en": "SQL"},
        "xl_stage_opportunity": {"fr": "Opportunités", "en": "Opportunities"},
        "xl_stage_customer": {"fr": "Clients", "en": "Customers"},
        "xl_quality_counts": {
            "fr": "{errors} ligne(s) écartée(s), {warnings} avertissement(s), {infos} information(s)",
            "en": "{errors} row(s) skipped, {warnings} warning(s), {infos} note(s)",
        },
        "xl_quality_none": {"fr": "Aucun problème dans les données.", "en": "No problem in the data."},
        "xl_tables_read": {"fr": "Tables lues", "en": "Tables read"},
        "xl_q_sheet": {"fr": "Feuille", "en": "Sheet"},
        "xl_q_row": {"fr": "Ligne", "en": "Row"},
        "xl_q_column": {"fr": "Colonne", "en": "Column"},
        "xl_q_value": {"fr": "Valeur", "en": "Value"},
        "xl_q_action": {"fr": "Action", "en": "Action"},
        "xl_q_severity": {"fr": "Gravité", "en": "Severity"},
        "xl_q_reason": {"fr": "Raison", "en": "Reason"},
        "xl_action_converted": {"fr": "convertie", "en": "converted"},
        "xl_action_skipped": {"fr": "ligne écartée", "en": "row skipped"},
        "xl_action_left_empty": {"fr": "laissée vide", "en": "left empty"},
        "xl_action_ignored": {"fr": "ignorée", "en": "ignored"},
        "xl_action_mapped": {"fr": "reconnue", "en": "mapped"},
        "xl_action_info": {"fr": "info", "en": "info"},
        "xl_severity_error": {"fr": "erreur", "en": "error"},
        "xl_severity_warning": {"fr": "avertissement", "en": "warning"},
        "xl_severity_info": {"fr": "info", "en": "info"},
        "xl_quota_sub": {
            "fr": "Méthode {method} — objectif {target}, réparti {total}, écart {gap}",
            "en": "Method {method} — target {target}, allocated {total}, gap {gap}",
        },
    }
)
