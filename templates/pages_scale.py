"""Charts that scale with the team (called from ``build.py``): one horizontal bar per rep, largest first,
the chart growing with the number of reps so that every name stays readable.

A vertical column chart squeezes 30 names into unreadable columns; horizontal bars give each name a
line. The chart's data is its own small table in hidden columns (the context's ``top.*`` frames: the
N largest, sorted; see ``kpis/report/topn.py``), whose data row sits inside the chart's anchor. The
anchor is "move and size with cells" (``editAs="twoCell"``): the render engine makes the chart one
row taller per rep (``kpis/render/charts.py``), so 3 reps give a small chart and 30 a full page.

``b`` is ``build.py``'s namespace (its helpers and styles), passed in so that this file needs no
import path of its own.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Sequence

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.styles import Font

BAR_ROW_HEIGHT = 14.0  # points per bar: an 8 pt name with air around it
FRAME_ROW_HEIGHT = 15.0
ABOVE, BELOW = 2, 3  # rows of the chart above its data row (title) and below it (axis, legend)
NOTE_FONT = Font(name="Calibri", size=9, italic=True, color="595959")
COLOURS = ("2F5597", "A5A5A5", "70AD47", "ED7D31", "FFC000")


def ns(helpers: dict[str, Any] | SimpleNamespace) -> SimpleNamespace:
    return helpers if isinstance(helpers, SimpleNamespace) else SimpleNamespace(**helpers)


def growing_bars(ws, helpers, lang: str, *, row: int, table: str, columns: Sequence[str], labels: Sequence[str],
                 title: str, hidden_col: int, last_col: int, number_format: str, note: str | None = None,
                 stacked: bool = False, break_if: str | None = None, colours: Sequence[str] = COLOURS) -> int:
    """A horizontal bar chart of ``table`` (a context frame: first column the names, then one
    series per column), from template row ``row``; returns the next free row.

    Rows: [``{% if break_if %}`` + a page break + ``{% endif %}``], the note (``{{ note }}``, empty
    when every key is drawn), then the chart over ``ABOVE`` + 1 + ``BELOW`` rows, its data row (one
    row per bar once rendered) in hidden columns from ``hidden_col``."""
    b = ns(helpers)
    if break_if:
        b.put(ws, f"A{row}", "{%% if %s %%}" % break_if)
        b.page_break_after(ws, row + 1)  # kept only when the test holds: its row goes with the block
        b.put(ws, f"A{row + 2}", "{% endif %}")
        row += 3
    if note:
        b.put(ws, f"A{row}", "{{ %s }}" % note, NOTE_FONT)
        row += 1
    head = row + ABOVE - 1
    data = head + 1
    for j, label in enumerate(labels):
        ws.cell(head, hidden_col + j).value = label
        ws.cell(data, hidden_col + j).number_format = "0.00"
        ws.column_dimensions[b.col(hidden_col + j)].hidden = True
    ws.cell(data, hidden_col).value = "{{ %s | columns(%s) | noheader }}" % (table, list(columns))
    for r in range(row, data + BELOW + 1):
        ws.row_dimensions[r].height = FRAME_ROW_HEIGHT
    ws.row_dimensions[data].height = BAR_ROW_HEIGHT

    chart = BarChart()
    chart.type = "bar"
    if stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    chart.gapWidth = 40
    last = hidden_col + len(labels) - 1
    chart.add_data(Reference(ws, min_col=hidden_col + 1, max_col=last, min_row=head, max_row=data), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=hidden_col, min_row=data, max_row=data))
    b.chart_style(chart, title, number_format, legend=len(labels) > 2)
    chart.visible_cells_only = False  # the data columns are hidden
    chart.x_axis.scaling.orientation = "maxMin"  # the first (largest) bar on top
    chart.y_axis.crosses = "max"  # ... and the value axis at the bottom
    chart.y_axis.majorGridlines = None
    for s, colour in zip(chart.series, colours):
        s.graphicalProperties = GraphicalProperties(solidFill=colour)
        s.graphicalProperties.line = LineProperties(solidFill=colour)
    # 0-based markers: from the top of ``row`` to the top of the row after the last BELOW row
    anchor = TwoCellAnchor(editAs="twoCell", _from=AnchorMarker(col=0, row=row - 1),
                           to=AnchorMarker(col=last_col, row=data + BELOW))
    ws.add_chart(chart, anchor)
    return data + BELOW + 1


def summary_bars(ws, helpers, lang: str, *, anchor: str, table: str, labels: Sequence[str], title: str,
                 head: int, hidden_col: int, note: str, width: float, height: float) -> None:
    """The summary's "revenue and quota by rep": a fixed-size chart (the summary is one page) of the
    first reps by revenue, as horizontal bars; its data in hidden columns from row ``head``, and the
    note saying how many reps are left out in the row above the chart."""
    b = ns(helpers)
    for j, label in enumerate(labels):
        ws.cell(head, hidden_col + j).value = label
        ws.cell(head + 1, hidden_col + j).number_format = "0.00"
        ws.column_dimensions[b.col(hidden_col + j)].hidden = True
    ws.cell(head + 1, hidden_col).value = '{{ %s | columns(["rep", "revenue", "quota"]) | noheader }}' % table
    chart = BarChart()
    chart.type = "bar"
    chart.gapWidth = 40
    chart.add_data(Reference(ws, min_col=hidden_col + 1, max_col=hidden_col + 2, min_row=head, max_row=head + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=hidden_col, min_row=head + 1, max_row=head + 1))
    b.chart_style(chart, title, b.money_axis(lang), width=width, height=height)
    chart.visible_cells_only = False
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.crosses = "max"
    chart.y_axis.majorGridlines = None
    for s, colour in zip(chart.series, COLOURS):
        s.graphicalProperties = GraphicalProperties(solidFill=colour)
        s.graphicalProperties.line = LineProperties(solidFill=colour)
    ws.add_chart(chart, anchor)
    col_letter = "".join(ch for ch in anchor if ch.isalpha())
    row = int("".join(ch for ch in anchor if ch.isdigit()))
    b.put(ws, f"{col_letter}{row - 1}", "{{ %s }}" % note, NOTE_FONT)
