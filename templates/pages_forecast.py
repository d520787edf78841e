"""The forecast page and the commentary of the default report templates (called by ``build.py``).

* the commentary (``{{ commentary.text }}``) in row 3 of the summary, and each rep's
  (``{{ r.commentary }}``) in row 4 of the rep sheet -- rows left empty by the other builders;
* a « Prévision » / "Forecast" sheet after the pipeline sheet: the forecast sentence, the figures
  (won, open deals, weighted, forecast, run rate, quota, probability of reaching it, P10/P50/P90,
  commit and best case, pacing, method), a bullet chart (won + weighted; the P10–P90 range with
  P50; the quota) and one row per rep.

``b`` is the namespace of ``build.py`` (its helpers and styles), passed in so that this file needs no
import path of its own.
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.marker import DataPoint
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.styles import Alignment, Font, PatternFill

WORDS = {
    "fr": {
        "sheet": "Prévision",
        "title": "Prévision — {{ forecast.period_label }}",
        "sub": "Données au {{ forecast.as_of_text }} · source : {{ source }} · {{ forecast.method_text }}",
        "figures": "Où la période va atterrir", "figure": "Indicateur", "value": "Valeur",
        "won": "Gagné à date", "open_count": "Affaires ouvertes (clôture prévue dans la période)",
        "open_amount": "Montant ouvert", "weighted": "Pipeline pondéré", "forecast": "Prévision (gagné + pondéré)",
        "run_rate": "Rythme actuel projeté", "quota": "Objectif", "p_hit": "Probabilité d'atteindre l'objectif",
        "p10": "P10 (prudent)", "p50": "P50 (médian)", "p90": "P90 (haut)", "commit": "Engagé (commit)",
        "best_case": "Meilleur cas (best case)",
        "chart": "Gagné, pondéré, fourchette P10–P90 et objectif",
        "bar_forecast": "Gagné + pondéré", "bar_range": "P10 → P50 → P90", "bar_quota": "Objectif",
        "chart_data": "Données du graphique", "offset": "Début", "first": "1er segment", "second": "2e segment",
        "by_rep": "Par commercial", "rep": "Commercial", "team": "Équipe",
        "note": "Chaque affaire ouverte dont la clôture est prévue dans la période se signe, indépendamment des autres, "
                "avec sa probabilité et pour son montant entier ; P10/P50/P90 : montants finaux que la période "
                "n'atteint pas dans 10 %, 50 %, 90 % des cas.",
    },
    "en": {
        "sheet": "Forecast",
        "title": "Forecast — {{ forecast.period_label }}",
        "sub": "Data as of {{ forecast.as_of_text }} · source: {{ source }} · {{ forecast.method_text }}",
        "figures": "Where the period will land", "figure": "Figure", "value": "Value",
        "won": "Won to date", "open_count": "Open deals (expected to close in the period)",
        "open_amount": "Open amount", "weighted": "Weighted pipeline", "forecast": "Forecast (won + weighted)",
        "run_rate": "Run rate", "quota": "Quota", "p_hit": "Probability of reaching the quota",
        "p10": "P10 (low)", "p50": "P50 (median)", "p90": "P90 (high)", "commit": "Commit", "best_case": "Best case",
        "chart": "Won, weighted, P10–P90 range and quota",
        "bar_forecast": "Won + weighted", "bar_range": "P10 → P50 → P90", "bar_quota": "Quota",
        "chart_data": "Chart data", "offset": "Start", "first": "1st segment", "second": "2nd segment",
        "by_rep": "By rep", "rep": "Rep", "team": "Team",
        "note": "Each open deal expected to close in the period closes independently of the others with its "
                "probability and its full amount; P10/P50/P90: final amounts the period stays below in 10%, 50%, "
                "90% of cases.",
    },
}

COMMENT_FONT = Font(name="Calibri", size=10, color="1F3864")
COMMENT_FILL = PatternFill("solid", fgColor="F2F5FA")
TOP_WRAP = Alignment(wrap_text=True, vertical="top")


def extend_report(wb, lang: str, b: dict[str, Any]) -> None:
    """Commentary on the summary and the rep sheet, and the forecast sheet after the pipeline."""
    w = b["W"][lang]
    _comment(wb[w["summary"]], "B3", "{{ commentary.text }}", 2, 20, 100)  # as wide as the cards (B:T)
    _comment(wb["{{ r.name }}"], "A4", "{{ r.commentary }}", 1, 10, 92)
    ws = wb.create_sheet(WORDS[lang]["sheet"], index=wb.sheetnames.index(w["pipeline"]) + 1)
    forecast_sheet(ws, lang, b)


def extend_rep(wb, lang: str, b: dict[str, Any]) -> None:
    """A rep's own workbook: their commentary on top of their sheet."""
    _comment(wb["{{ r.name }}"], "A4", "{{ r.commentary }}", 1, 10, 92)


def _comment(ws, ref: str, expr: str, first_col: int, last_col: int, height: float) -> None:
    c = ws[ref]
    c.value = expr
    c.font = COMMENT_FONT
    c.fill = COMMENT_FILL
    c.alignment = TOP_WRAP
    ws.merge_cells(start_row=c.row, start_column=first_col, end_row=c.row, end_column=last_col)
    ws.row_dimensions[c.row].height = height


def forecast_sheet(ws, lang: str, b: dict[str, Any]) -> None:
    w, fw = b["W"][lang], WORDS[lang]
    put, fmt = b["put"], b["fmt"]
    money, pct, count = fmt("money", lang), fmt("pct", lang), fmt("count", lang)
    b["title"](ws, fw["title"], fw["sub"], 9)
    _comment(ws, "A3", "{{ forecast.sentence }}", 1, 9, 48)
    b["section"](ws, 5, fw["figures"], 2)
    b["header"](ws, 6, [fw["figure"], fw["value"]])
    rows = [
        (fw["won"], "{{ forecast.won }}", money), (fw["open_count"], "{{ forecast.open_count }}", count),
        (fw["open_amount"], "{{ forecast.open_amount }}", money), (fw["weighted"], "{{ forecast.weighted }}", money),
        (fw["forecast"], "{{ forecast.forecast }}", money), (fw["run_rate"], "{{ forecast.run_rate | default('—') }}", money),
        (fw["quota"], "{{ forecast.quota | default('—') }}", money),
        (fw["p_hit"], "{{ forecast.p_hit_quota | default('—') }}", pct),
        (fw["p10"], "{{ forecast.p10 }}", money), (fw["p50"], "{{ forecast.p50 }}", money),
        (fw["p90"], "{{ forecast.p90 }}", money),
        (fw["commit"], "{{ forecast.commit | default('—') }}", money),
        (fw["best_case"], "{{ forecast.best_case | default('—') }}", money),
        ("{{ forecast.previous_label }}", "{{ forecast.previous_won_to_date }}", money),
        ("{{ forecast.year_ago_label }}", "{{ forecast.year_ago_won_to_date }}", money),
    ]
    r = 7
    for label, expr, number_format in rows:
        strong = expr in ("{{ forecast.forecast }}", "{{ forecast.p_hit_quota | default('—') }}")
        put(ws, f"A{r}", label, b["BOLD"] if strong else b["BODY"], border=b["BOX"], alignment=b["MIDDLE"])
        put(ws, f"B{r}", expr, b["BOLD"] if strong else b["BODY"], number_format, border=b["BOX"],
            alignment=b["RIGHT_MIDDLE"])
        r += 1
    put(ws, f"A{r}", fw["note"], b["SMALL"], alignment=TOP_WRAP)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=9)
    ws.row_dimensions[r].height = 26
    data_head = r + 2  # the chart's three bars, as numbers (a chart reads cells); hidden rows:
    # printed they were a stray table of offsets and segments a reader cannot use
    b["header"](ws, data_head, ["", fw["offset"], fw["first"], fw["second"]])
    bars = [(fw["bar_forecast"], "forecast.chart.won", "forecast.chart.weighted", None),
            (fw["bar_range"], "forecast.chart.p10", "forecast.chart.p10_p50", "forecast.chart.p50_p90"),
            (fw["bar_quota"], "forecast.chart.quota", None, None)]
    for i, (label, a, c2, c3) in enumerate(bars):
        rr = data_head + 1 + i
        put(ws, f"A{rr}", label, b["BODY"], border=b["BOX"])
        for j, expr in enumerate((a, c2, c3)):
            put(ws, f"{b['col'](2 + j)}{rr}", "{{ %s }}" % expr if expr else 0, b["SMALL"], money, border=b["BOX"])
    for rr in range(data_head, data_head + 4):
        ws.row_dimensions[rr].hidden = True
    chart = BarChart()
    chart.visible_cells_only = False  # the chart still plots its hidden rows
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.add_data(Reference(ws, min_col=2, max_col=4, min_row=data_head, max_row=data_head + 3), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=data_head + 1, max_row=data_head + 3))
    b["chart_style"](chart, fw["chart"], b["money_axis"](lang), width=17.5, height=7.5, legend=False)
    chart.x_axis.scaling.orientation = "maxMin"  # first bar on top
    chart.y_axis.crosses = "max"
    colours = (b["NAVY"], "5B9BD5", "BDD7EE")
    for s, colour in zip(chart.series, colours):
        s.graphicalProperties = GraphicalProperties(solidFill=colour)
        s.graphicalProperties.line = LineProperties(solidFill=colour)
    # bar 2 starts at P10: its first segment is invisible; bar 3 (the quota) in orange
    chart.series[0].dPt = [_point(1, None), _point(2, "ED7D31")]
    chart.series[1].dPt = [_point(0, "8FAADC")]
    ws.add_chart(chart, "D5")
    # one row per rep
    rep_head = data_head + 6
    b["section"](ws, rep_head - 1, fw["by_rep"], 9)
    labels = [fw["rep"], fw["won"].split(" (")[0], w["weighted"], w["forecast"], fw["quota"], "P(" + fw["quota"].lower() + ")",
              "P10", "P50", "P90"]
    kinds = ["text", "money", "money", "money", "money", "pct", "money", "money", "money"]
    expr = '{{ forecast_by_rep | columns(["rep", "won", "weighted", "forecast", "quota", "p_hit_quota", "p10", "p50", "p90"]) | noheader }}'
    b["table"](ws, rep_head, labels, expr, kinds, lang,
               b["sums"](["A", "B", "C", "D", "E", None, None, None, None], rep_head + 1, fw["team"]))
    b["widths"](ws, {"A": 44, "B": 15, "C": 13, "D": 13, "E": 13, "F": 11, "G": 13, "H": 13, "I": 13})
    b["page"](ws, lang, title_rows=f"{rep_head}:{rep_head}")  # a long team's reps: header on each page


def _point(idx: int, colour: str | None) -> DataPoint:
    if colour is None:
        gp = GraphicalProperties(noFill=True)
        gp.line = LineProperties(noFill=True)
    else:
        gp = GraphicalProperties(solidFill=colour)
        gp.line = LineProperties(solidFill=colour)
    return DataPoint(idx=idx, spPr=gp)
