"""The pipeline-history pages of the monthly report templates (called from ``build.py``):

* "Mouvement du pipeline" / "Pipeline movement": the waterfall of the period's flows for the team
  (start + created + reopened + increased − decreased − won − lost − removed = end), the flows by team
  and by rep with a chart of each rep's ins and outs, slipped deals, the open deals pushed most;
* "Affaires à surveiller" / "Deals to watch": counts by rep (and team) per reason, then the deals
  (the largest ``kpis.report.topn.WATCH_N``, then one row for the rest: how many, their amount, how
  many per reason).

They read ``history`` and ``watch`` of the context (``kpis/report/history_context.py``,
``docs/history.md``). The waterfall is a stacked column chart: an invisible base, then the rise, the
fall and the totals; its data sits in hidden columns (M:P) beside the visible table.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.styles import Alignment, Font

HW = {
    "fr": {
        "movement": "Mouvement du pipeline", "watch": "Affaires à surveiller",
        "movement_title": "Mouvement du pipeline — {{ period.label }}",
        "compare": "État du {{ history.a_text }} (dernier instantané avant la période) comparé à l'état du {{ history.b_text }}. {{ history.note }}",
        "team_flows": "Équipe : du pipeline de début au pipeline de fin",
        "flow": "Flux", "amount": "Montant", "deals": "Affaires", "base": "Base", "up": "Hausse", "down": "Baisse",
        "total": "Total", "slipped": "Glissées (date prévue repoussée)",
        "chart_waterfall": "Mouvement du pipeline (équipe)", "by_team": "Par équipe", "by_rep": "Par commercial",
        "team": "Équipe", "rep": "Commercial", "start": "Début", "created": "Créées", "reopened": "Rouvertes",
        "increased": "Hausses", "decreased": "Baisses", "won": "Gagnées", "lost": "Perdues", "removed": "Supprimées",
        "end": "Fin", "inflow": "Entrées", "won_out": "Gagnées", "lost_out": "Perdues", "other_out": "Baisses et suppressions",
        "chart_by_rep": "Entrées et sorties du pipeline par commercial",
        "pushes": "Affaires ouvertes les plus repoussées (sur tout l'historique)", "deal": "Affaire",
        "account": "Client", "times": "Reports",
        "identity": "Début + créées + rouvertes + hausses − baisses − gagnées − perdues − supprimées = fin. "
                    "Glissées : ouvertes aux deux dates, date prévue plus tardive. "
                    "Une affaire compte pour son commercial à la fin de la période.",
        "watch_title": "Affaires à surveiller — au {{ watch.as_of_text }}",
        "legend": "En retard : date de signature prévue dépassée · Sans activité : aucune activité liée depuis {{ watch.stale_days }} jours ou plus · "
                  "Repoussée : date prévue repoussée {{ watch.pushed_min }} fois ou plus · Bloquée : dans son étape depuis plus de "
                  "{{ watch.stuck_factor }} × la durée médiane de l'étape · Sans montant : montant absent ou nul.",
        "overdue": "En retard", "stale": "Sans activité", "pushed": "Repoussée", "stuck": "Bloquée", "no_amount": "Sans montant",
        "stage": "Étape", "expected": "Signature prévue", "reasons": "Motifs", "all_deals": "Les affaires",
    },
    "en": {
        "movement": "Pipeline movement", "watch": "Deals to watch",
        "movement_title": "Pipeline movement — {{ period.label }}",
        "compare": "State of {{ history.a_text }} (last snapshot before the period) compared with the state of {{ history.b_text }}. {{ history.note }}",
        "team_flows": "Team: from the starting to the ending pipeline",
        "flow": "Flow", "amount": "Amount", "deals": "Deals", "base": "Base", "up": "Rise", "down": "Fall",
        "total": "Total", "slipped": "Slipped (expected date pushed)",
        "chart_waterfall": "Pipeline movement (team)", "by_team": "By team", "by_rep": "By rep",
        "team": "Team", "rep": "Rep", "start": "Start", "created": "Created", "reopened": "Reopened",
        "increased": "Increases", "decreased": "Decreases", "won": "Won", "lost": "Lost", "removed": "Removed",
        "end": "End", "inflow": "In", "won_out": "Won", "lost_out": "Lost", "other_out": "Decreases and removals",
        "chart_by_rep": "Pipeline ins and outs by rep",
        "pushes": "Open deals pushed most (over the whole history)", "deal": "Deal", "account": "Account",
        "times": "Pushes",
        "identity": "Start + created + reopened + increases − decreases − won − lost − removed = end. "
                    "Slipped: open at both dates, expected date later. "
                    "A deal counts for its rep at the end of the period.",
        "watch_title": "Deals to watch — as of {{ watch.as_of_text }}",
        "legend": "Overdue: expected close date passed · Stale: no linked activity for {{ watch.stale_days }} days or more · "
                  "Pushed: expected date pushed {{ watch.pushed_min }} times or more · Stuck: in its stage longer than "
                  "{{ watch.stuck_factor }} × the stage's median time · No amount: amount missing or zero.",
        "overdue": "Overdue", "stale": "Stale", "pushed": "Pushed", "stuck": "Stuck", "no_amount": "No amount",
        "stage": "Stage", "expected": "Expected close", "reasons": "Reasons", "all_deals": "The deals",
    },
}

FLOWS = ("start", "created", "reopened", "increased", "decreased", "won", "lost", "removed", "end")
HIDDEN = 13  # column M: the charts' data


def add_pages(wb, lang: str, helpers: dict[str, Any]) -> None:
    """Add both pages after the Pipeline sheet; ``helpers`` are build.py's globals (styles, table…)."""
    b = SimpleNamespace(**helpers)
    after = wb.sheetnames.index(b.W[lang]["pipeline"]) + 1
    movement_sheet(wb.create_sheet(index=after), lang, b)
    watch_sheet(wb.create_sheet(index=after + 1), lang, b)


def _hidden_table(ws, row: int, labels, expr: str, b) -> None:
    """Chart data in the hidden columns M…: a header of series names and the data row."""
    for j, label in enumerate(labels):
        ws.cell(row, HIDDEN + j).value = label
        ws.cell(row + 1, HIDDEN + j).number_format = "0.00"
        ws.column_dimensions[b.col(HIDDEN + j)].hidden = True
    ws.cell(row + 1, HIDDEN).value = expr


def _solid(series, color: str | None) -> None:
    series.graphicalProperties = GraphicalProperties(solidFill=color) if color else GraphicalProperties(noFill=True)
    series.graphicalProperties.line = LineProperties(noFill=True) if color is None else LineProperties(solidFill=color)


def movement_sheet(ws, lang: str, b) -> None:
    w, h = b.W[lang], HW[lang]
    ws.title = h["movement"]
    last = 11
    b.title(ws, h["movement_title"], w["source_line"], last)
    # 3-5: why there is no movement yet (kept only then)
    b.put(ws, "A3", "{% if not history.available %}")
    b.put(ws, "A4", "{{ history.note }}", Font(name="Calibri", size=10, italic=True, color="9C5700"),
          alignment=Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=last)
    ws.row_dimensions[4].height = 30
    b.put(ws, "A5", "{% else %}")
    b.put(ws, "A6", h["compare"], b.SUB_FONT, alignment=Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(start_row=6, start_column=1, end_row=6, end_column=last)
    ws.row_dimensions[6].height = 26
    b.put(ws, "A7", "{% endif %}")
    b.section(ws, 8, h["team_flows"], last)
    # 9-10: the team's flows (9 rows once rendered), chart data beside them in M:P
    b.table(ws, 9, [h["flow"], h["amount"], h["deals"]], '{{ history.flows | columns(["label", "amount", "count"]) | noheader }}',
            ["text", "money", "count"], lang)
    _hidden_table(ws, 9, [h["base"], h["up"], h["down"], h["total"]],
                  '{{ history.flows | columns(["base", "up", "down", "total"]) | noheader }}', b)
    b.put(ws, "A11", h["slipped"], b.BOLD, border=b.BOX)
    b.put(ws, "B11", "{{ history.slipped_amount }}", b.BOLD, b.fmt("money", lang), border=b.BOX)
    b.put(ws, "C11", "{{ history.slipped_count }}", b.BOLD, b.fmt("count", lang), border=b.BOX)
    b.put(ws, "A12", h["identity"], b.SMALL, alignment=Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(start_row=12, start_column=1, end_row=12, end_column=3)
    ws.row_dimensions[12].height = 46

    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 40
    chart.add_data(Reference(ws, min_col=HIDDEN, max_col=HIDDEN + 3, min_row=9, max_row=10), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=10, max_row=10))
    for s, color in zip(chart.series, (None, "70AD47", "C00000", b.BLUE)):
        _solid(s, color)
    b.chart_style(chart, h["chart_waterfall"], b.money_axis(lang), width=16.5, height=7.6, legend=False)
    chart.visible_cells_only = False  # the data columns are hidden
    chart.x_axis.txPr = b._text(700, rot=-2700000)
    ws.add_chart(chart, "E9")

    r = 16  # below the chart once the flows' 9 rows are written
    b.put(ws, f"A{r}", "{% if history.has_teams %}")
    cols = ["key", *FLOWS]
    labels = [h["team"], *[h[k] for k in FLOWS]]
    kinds = ["text"] + ["money"] * len(FLOWS)
    b.section(ws, r + 1, h["by_team"], last)
    b.table(ws, r + 2, labels, "{{ history.by_team | columns(%s) | noheader }}" % cols, kinds, lang)
    b.put(ws, f"A{r + 4}", "{% endif %}")
    r += 5
    b.section(ws, r, h["by_rep"], last)
    labels[0] = h["rep"]
    totals = b.sums(["A"] + [b.col(2 + i) for i in range(len(FLOWS))], r + 2, h["total"])
    b.table(ws, r + 1, labels, "{{ history.by_rep | columns(%s) | noheader }}" % cols, kinds, lang, totals)
    data = r + 2
    b.page_break_after(ws, data + 1)  # the chart of each rep's ins and outs prints on its own page
    # one stacked bar per rep (ins right, outs left), the reps who moved most on top, the chart one
    # row taller per rep (its data in hidden columns under it: top.movement_chart)
    scale = b._sibling("pages_scale")
    r = scale.growing_bars(ws, b, lang, row=data + 2, table="top.movement_chart",
                           columns=["key", "inflow", "won_out", "lost_out", "other_out"],
                           labels=[h["rep"], h["inflow"], h["won_out"], h["lost_out"], h["other_out"]],
                           title=h["chart_by_rep"], hidden_col=HIDDEN, last_col=9, number_format=b.money_axis(lang),
                           note="top.movement_chart_note", stacked=True,
                           colours=("70AD47", b.BLUE, "C00000", "A5A5A5"))
    note_font = Font(name="Calibri", size=9, italic=True, color="595959")
    b.put(ws, f"A{r}", "{{ history.quiet_note }}", note_font)  # why the chart above is empty
    r += 2
    b.section(ws, r, h["pushes"], last)
    b.table(ws, r + 1, [h["account"], h["deal"], h["rep"], h["amount"], h["times"]],
            '{{ history.pushes | columns(["account", "deal_id", "rep", "amount", "pushes"]) | noheader }}',
            ["text", "text", "text", "money", "count"], lang)
    b.put(ws, f"A{r + 3}", "{{ history.pushes_note }}", note_font)  # why the table is empty
    b.widths(ws, {"A": 31, **{b.col(c): 12 for c in range(2, last + 1)}, "C": 14})
    b.page(ws, lang, title_rows=f"{data - 1}:{data - 1}", freeze="A3")  # the by-rep table's header


def watch_sheet(ws, lang: str, b) -> None:
    """Counts per team and rep, then the deals, in the same columns: one column per reason (a dot on
    each deal that has it), then the deal's account, stage and expected close date."""
    w, h = b.W[lang], HW[lang]
    ws.title = h["watch"]
    last = 12
    b.title(ws, h["watch_title"], w["source_line"], last)
    b.put(ws, "A3", h["legend"], b.SMALL, alignment=Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=last)
    ws.row_dimensions[3].height = 24
    b.put(ws, "A4", "{% if watch.note %}")
    b.put(ws, "A5", "{{ watch.note }}", Font(name="Calibri", size=9, italic=True, color="9C5700"),
          alignment=Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=last)
    ws.row_dimensions[5].height = 24
    b.put(ws, "A6", "{% endif %}")
    reasons = ["overdue", "stale", "pushed", "stuck", "no_amount"]
    b.section(ws, 7, h["by_rep"], last)
    labels = [h["team"], h["rep"], h["deals"], h["amount"], *[h[k] for k in reasons]]
    kinds = ["text", "text", "count", "money"] + ["count"] * 5
    cols = ["team", "rep", "deals", "amount", *reasons]
    b.table(ws, 8, labels, "{{ watch.by_rep | columns(%s) | noheader }}" % cols, kinds, lang,
            b.sums(["A", None, "C", "D", "E", "F", "G", "H", "I"], 9, h["total"]))
    b.section(ws, 12, h["all_deals"] + " ({{ watch.count }})", last)
    labels = [h["team"], h["rep"], h["deal"], h["amount"], *[h[k] for k in reasons], h["account"], h["stage"], h["expected"]]
    kinds = ["text", "text", "text", "money"] + ["int"] * 5 + ["text", "text", "date"]
    cols = ["team", "rep", "deal_id", "amount", *[f"is_{k}" for k in reasons], "account", "stage", "expected_close_date"]
    b.table(ws, 13, labels, "{{ top.watch_deals | columns(%s) | noheader }}" % cols, kinds, lang)
    for c in range(5, 10):  # the reason dots, centred and red
        ws.cell(14, c).font = Font(name="Calibri", size=10, bold=True, color="C00000")
    b.widths(ws, {"A": 12, "B": 17, "C": 10, "D": 13, **{b.col(c): 10 for c in range(5, 10)}, "J": 30, "K": 14, "L": 12})
    b.page(ws, lang, title_rows="13:13", freeze="A14")
