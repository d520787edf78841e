"""Build the example templates, one tiny workbook per template feature (see docs/templates.md).

    python examples/templates/build_templates.py [OUT_DIR]

The .xlsx files beside this script are its output, committed so users can open them in Excel;
this script keeps them reproducible. Each ``build_*`` function makes one template.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

HERE = Path(__file__).resolve().parent

NAVY = "1F3864"
LIGHT = "D9E1F2"
THIN = Side(style="thin", color="8EA9DB")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor=NAVY)
TITLE_FONT = Font(bold=True, size=14, color=NAVY)
EUR = '#,##0 "€"'
PCT = "0.0%"


def _header(cell) -> None:
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    cell.border = BOX


def _data(cell, fmt: str | None = None) -> None:
    cell.border = BOX
    if fmt:
        cell.number_format = fmt


def _fix_dates(wb: Workbook) -> None:
    """Reproducible files: fixed document dates."""
    import datetime as dt

    wb.properties.created = wb.properties.modified = dt.datetime(2026, 1, 1)
    wb.properties.creator = "kpis"


def build_placeholders(path: Path) -> None:
    """Typed placeholders, text placeholders and formatting filters."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Résumé"
    ws["A1"] = "Rapport commercial — {{ period_label }}"
    ws["A1"].font = TITLE_FONT
    rows = [
        ("Chiffre d'affaires", "{{ kpi.revenue }}", EUR),
        ("Taux de transformation", "{{ kpi.win_rate }}", PCT),
        ("Date du rapport", "{{ report_date }}", "dd/mm/yyyy"),
        ("Objectif atteint", "{{ kpi.on_target }}", None),
        ("Commentaire", "{{ comment }}", None),
        ("Écart à l'objectif", "{{ kpi.revenue - kpi.target }}", EUR),
        ("Note", "{{ note }}", None),
        ("NPS", "{{ kpi.nps | default('n.d.') }}", None),
    ]
    for i, (label, expr, fmt) in enumerate(rows, start=3):
        ws.cell(i, 1, label).font = Font(bold=True)
        c = ws.cell(i, 2, expr)
        if fmt:
            c.number_format = fmt
    ws["A12"] = "En texte"
    ws["A12"].font = Font(bold=True)
    ws["B12"] = "{{ kpi.revenue | money }}"
    ws["C12"] = "{{ kpi.win_rate | pct }}"
    ws["D12"] = "{{ kpi.deals | number }}"
    ws["E12"] = "{{ report_date | date('long') }}"
    ws["F12"] = "{{ kpi.deals }} affaires, {{ kpi.win_rate | pct(0) }} gagnées"
    ws.column_dimensions["A"].width = 26
    for col in "BCDEF":
        ws.column_dimensions[col].width = 18
    _fix_dates(wb)
    wb.save(path)


def build_table(path: Path) -> None:
    """A DataFrame placeholder: header at the placeholder, styled data row below, formulas around."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Classement"
    ws["A1"] = "Classement des commerciaux"
    ws["A1"].font = TITLE_FONT
    ws["A3"] = "{{ leaderboard }}"
    for col in "ABCD":
        _header(ws[f"{col}3"])
    ws["E3"] = "Part du CA"
    _header(ws["E3"])
    ws["E3"].comment = Comment("Part de chaque commercial dans le CA total", "kpis")
    _data(ws["A4"])
    _data(ws["B4"], EUR)
    _data(ws["C4"], PCT)
    _data(ws["D4"], "0")
    ws["E4"] = "=B4/SUM($B$4:$B$4)"
    _data(ws["E4"], PCT)
    ws.row_dimensions[3].height = 24
    ws.row_dimensions[4].height = 18
    ws["A5"] = "Total"
    ws["A5"].font = Font(bold=True)
    ws["B5"] = "=SUM(B4:B4)"
    ws["B5"].number_format = EUR
    ws["B5"].font = Font(bold=True)
    ws["D5"] = "=SUM(D4:D4)"
    ws["D5"].font = Font(bold=True)
    ws["A7"] = "Source : {{ source }}"
    ws.merge_cells("A7:E7")
    ws.column_dimensions["A"].width = 22
    for col in "BCDE":
        ws.column_dimensions[col].width = 14
    _fix_dates(wb)
    wb.save(path)


def build_table_filters(path: Path) -> None:
    """Table filters: sort_by, head, top (with "Other"), columns/rename, noheader."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Filtres"
    blocks = [
        (1, "Top 3 par CA", '{{ reps | sort_by("revenue", desc=True) | head(3) }}'),
        (5, "Top 2 + Autres", '{{ reps | top(2, other="Autres", by="revenue") }}'),
        (9, "Colonnes choisies", '{{ reps | columns(["rep", "revenue"], rename={"rep": "Commercial", "revenue": "CA"}) }}'),
    ]
    for row, title, expr in blocks:
        ws.cell(row, 1, title).font = Font(bold=True, color=NAVY)
        ws.cell(row + 1, 1, expr)
        for col in range(1, 4):
            _header(ws.cell(row + 1, col))
            _data(ws.cell(row + 2, col), EUR if col == 2 else None)
    ws["A13"] = "Sans en-tête"
    ws["A13"].font = Font(bold=True, color=NAVY)
    for col, label in enumerate(["Commercial", "CA", "Affaires"], start=1):
        ws.cell(14, col, label)
        _header(ws.cell(14, col))
    ws["A15"] = '{{ reps | columns(["rep", "revenue", "deals"]) | noheader }}'
    for col in range(1, 4):
        _data(ws.cell(15, col), EUR if col == 2 else None)
    ws["A16"] = "Total"
    ws["B16"] = "=SUM(B15:B15)"
    ws["B16"].number_format = EUR
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 14
    _fix_dates(wb)
    wb.save(path)


def build_growth(path: Path) -> None:
    """Everything that points at a growing table follows it: SUM, conditional formatting, a
    defined name, a chart series, an Excel table, a data validation, the print area and titles,
    freeze panes, merged cells below, and formulas on another sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Ventes"
    ws["A1"] = "Ventes — {{ period_label }}"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = "{{ sales | length }} ventes"
    ws["A4"] = "{{ sales }}"
    # the Excel table needs text headers in the template too; the data's column names replace them
    ws["B4"] = "commercial"
    ws["C4"] = "montant"
    for col in "ABC":
        _header(ws[f"{col}4"])
    _data(ws["A5"], "dd/mm/yyyy")
    _data(ws["B5"])
    _data(ws["C5"], EUR)
    ws["D4"] = "Cumul"
    _header(ws["D4"])
    ws["D5"] = "=SUM($C$5:C5)"
    _data(ws["D5"], EUR)
    ws["B6"] = "Total"
    ws["B6"].font = Font(bold=True)
    ws["C6"] = "=SUM(C5:C5)"
    ws["C6"].number_format = EUR
    ws["C6"].font = Font(bold=True)
    ws["A8"] = "Montants au-dessus de {{ threshold }} € en rouge."
    ws.merge_cells("A8:D8")
    ws.conditional_formatting.add(
        "C5:C5", CellIsRule(operator="greaterThan", formula=["$F$2"], fill=PatternFill("solid", fgColor="FFC7CE"))
    )
    ws["E2"] = "Seuil"
    ws["F2"] = "{{ threshold }}"
    dv = DataValidation(type="list", formula1='"Alice,Bruno,Chloé,David"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("B5:B5")
    table = Table(displayName="TableVentes", ref="A4:D5")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    wb.defined_names["Montants"] = DefinedName("Montants", attr_text="Ventes!$C$5:$C$5")
    ws.print_area = "A1:D8"
    ws.print_title_rows = "4:4"
    ws.freeze_panes = "A5"
    chart = LineChart()
    chart.title = "Montant des ventes"
    chart.add_data(Reference(ws, min_col=3, min_row=4, max_row=5), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=5))
    chart.height, chart.width = 7, 14
    ws.add_chart(chart, "F4")
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 12
    ws.column_dimensions["D"].width = 12

    syn = wb.create_sheet("Synthèse")
    syn["A1"] = "Total des ventes"
    syn["B1"] = "=Ventes!C6"
    syn["A2"] = "Somme directe"
    syn["B2"] = "=SUM(Ventes!C5:C5)"
    syn["A3"] = "Par le nom"
    syn["B3"] = "=SUM(Montants)"
    syn["A4"] = "Par le tableau"
    syn["B4"] = "=SUM(TableVentes[" + "montant" + "])"
    syn["A5"] = "Nombre"
    syn["B5"] = "=COUNT(Ventes!C5:C5)"
    for r in range(1, 6):
        syn.cell(r, 2).number_format = EUR
    syn["B5"].number_format = "0"
    syn.column_dimensions["A"].width = 18
    syn.column_dimensions["B"].width = 16
    _fix_dates(wb)
    wb.save(path)


def build_loops(path: Path) -> None:
    """Row loops (nested) and row conditions; SUBTOTAL so the grand total skips subtotals."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Équipe"
    ws["A1"] = "Affaires par commercial"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = "{% for rep in reps %}"
    ws["A3"] = "{{ loop.index }}. {{ rep.name }}"
    ws["A3"].font = Font(bold=True, color=NAVY)
    ws["A3"].fill = PatternFill("solid", fgColor=LIGHT)
    ws.merge_cells("A3:C3")
    ws["A4"] = "{% for d in rep.deals %}"
    ws["B5"] = "{{ d.client }}"
    ws["C5"] = "{{ d.amount }}"
    ws["C5"].number_format = EUR
    ws["D5"] = "=IF(C5>=50000,\"gros\",\"\")"
    ws["A6"] = "{% endfor %}"
    ws["A7"] = "{% if not rep.deals %}"
    ws["B8"] = "aucune affaire"
    ws["B8"].font = Font(italic=True)
    ws["A9"] = "{% endif %}"
    ws["B10"] = "Sous-total"
    ws["C10"] = "=SUBTOTAL(9,C5:C5)"
    ws["C10"].number_format = EUR
    ws["C10"].font = Font(bold=True)
    ws["A11"] = "{% endfor %}"
    ws["A12"] = "{% if show_notes %}"
    ws["A13"] = "Note : {{ notes }}"
    ws["A14"] = "{% endif %}"
    ws["B15"] = "Total général"
    ws["B15"].font = Font(bold=True)
    ws["C15"] = "=SUBTOTAL(9,C2:C11)"
    ws["C15"].number_format = EUR
    ws["C15"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 14
    _fix_dates(wb)
    wb.save(path)


def build_sheet_per_rep(path: Path) -> None:
    """One sheet per item: ``{% sheet for rep in reps %}`` and a sheet named ``{{ rep.name }}``."""
    wb = Workbook()
    idx = wb.active
    idx.title = "Sommaire"
    idx["A1"] = "Fiches individuelles — {{ period_label }}"
    idx["A1"].font = TITLE_FONT
    idx["A2"] = "{{ reps | columns(['name', 'revenue'], rename={'name': 'Commercial', 'revenue': 'CA'}) }}"
    _header(idx["A2"])
    _header(idx["B2"])
    _data(idx["A3"])
    _data(idx["B3"], EUR)
    ws = wb.create_sheet("{{ rep.name }}")
    ws["A1"] = "{% sheet for rep in reps %}"
    ws["A2"] = "Fiche de {{ rep.name }}"
    ws["A2"].font = TITLE_FONT
    ws["A3"] = "Chiffre d'affaires"
    ws["B3"] = "{{ rep.revenue }}"
    ws["B3"].number_format = EUR
    ws["A4"] = "Objectif"
    ws["B4"] = "{{ rep.target }}"
    ws["B4"].number_format = EUR
    ws["A5"] = "Atteinte"
    ws["B5"] = "=IF(B4=0,\"n.d.\",B3/B4)"
    ws["B5"].number_format = PCT
    ws["A7"] = "{{ rep.deals }}"
    ws["B7"] = "montant"  # text header for the Excel table; replaced by the data's column name
    _header(ws["A7"])
    _header(ws["B7"])
    _data(ws["A8"])
    _data(ws["B8"], EUR)
    ws["A9"] = "Total"
    ws["B9"] = "=SUM(B8:B8)"
    ws["B9"].number_format = EUR
    ws.conditional_formatting.add(
        "B5", CellIsRule(operator="lessThan", formula=["1"], fill=PatternFill("solid", fgColor="FFC7CE"))
    )
    table = Table(displayName="Affaires", ref="A7:B8")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    ws.defined_names["Atteinte"] = DefinedName("Atteinte", attr_text="'{{ rep.name }}'!$B$5")
    chart = BarChart()
    chart.title = "Affaires"
    chart.add_data(Reference(ws, min_col=2, min_row=7, max_row=8), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=8, max_row=8))
    chart.height, chart.width = 6, 10
    ws.add_chart(chart, "D2")
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 14
    _fix_dates(wb)
    wb.save(path)


def build_status(path: Path) -> None:
    """Colours from the data: ``status``/``fill`` filters on cells, ``status_by`` on a table
    column, and a template conditional format that keeps working on the new rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Statut"
    ws["A1"] = "CA du mois"
    ws["B1"] = "{{ kpi.revenue | status(kpi.target) }}"
    ws["B1"].number_format = EUR
    ws["A2"] = "Cycle de vente (jours)"
    ws["B2"] = "{{ kpi.cycle_days | status(kpi.previous_cycle_days, higher_is_better=False) }}"
    ws["A3"] = "Alerte"
    ws["B3"] = "{{ kpi.alert | fill('bad') }}"
    ws["A5"] = '{{ reps | status_by("revenue", "target") }}'
    for col in "ABC":
        _header(ws[f"{col}5"])
        _data(ws[f"{col}6"], EUR if col != "A" else None)
    ws["D5"] = "Atteinte"
    _header(ws["D5"])
    ws["D6"] = "=IF(C6=0,0,B6/C6)"
    _data(ws["D6"], PCT)
    ws.conditional_formatting.add(
        "D6:D6",
        ColorScaleRule(start_type="num", start_value=0.5, start_color="F8696B", end_type="num", end_value=1.2, end_color="63BE7B"),
    )
    ws.conditional_formatting.add(
        "A6:A6", FormulaRule(formula=["$D6>=1"], font=Font(bold=True, color="006100"))
    )
    ws.column_dimensions["A"].width = 24
    for col in "BCD":
        ws.column_dimensions[col].width = 14
    _fix_dates(wb)
    wb.save(path)


def build_monthly_report(path: Path) -> None:
    """A realistic one-page monthly report (used for the look check in LibreOffice)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Rapport"
    ws.sheet_view.showGridLines = False
    ws["A1"] = "{{ company }} — rapport commercial {{ period_label }}"
    ws["A1"].font = Font(bold=True, size=16, color=NAVY)
    ws.merge_cells("A1:F1")
    ws["A2"] = "Édité le {{ report_date | date('long') }}"
    ws["A2"].font = Font(italic=True, color="595959")
    cards = [("A", "Chiffre d'affaires", "{{ kpi.revenue | status(kpi.target) }}", EUR),
             ("C", "Taux de transformation", "{{ kpi.win_rate }}", PCT),
             ("E", "Affaires gagnées", "{{ kpi.won }}", "0")]
    for col, label, expr, fmt in cards:
        nxt = chr(ord(col) + 1)
        ws[f"{col}4"] = label
        ws[f"{col}4"].font = Font(bold=True, color="FFFFFF")
        ws[f"{col}4"].fill = HEADER_FILL
        ws[f"{col}4"].alignment = Alignment(horizontal="center")
        ws.merge_cells(f"{col}4:{nxt}4")
        ws[f"{col}5"] = expr
        ws[f"{col}5"].number_format = fmt
        ws[f"{col}5"].font = Font(bold=True, size=18, color=NAVY)
        ws[f"{col}5"].alignment = Alignment(horizontal="center")
        ws[f"{col}5"].border = BOX
        ws.merge_cells(f"{col}5:{nxt}5")
    ws.row_dimensions[5].height = 32
    ws["A7"] = "Classement"
    ws["A7"].font = Font(bold=True, size=12, color=NAVY)
    ws["A8"] = '{{ leaderboard | top(5, other="Autres", by="CA", agg={"Taux": "none"}) }}'
    for col in "ABCD":
        _header(ws[f"{col}8"])
    _data(ws["A9"])
    _data(ws["B9"], EUR)
    _data(ws["C9"], "0")
    _data(ws["D9"], PCT)
    ws["A10"] = "Total"
    ws["A10"].font = Font(bold=True)
    ws["B10"] = "=SUM(B9:B9)"
    ws["B10"].number_format = EUR
    ws["B10"].font = Font(bold=True)
    ws["C10"] = "=SUM(C9:C9)"
    ws["C10"].font = Font(bold=True)
    ws.conditional_formatting.add(
        "D9:D9", FormulaRule(formula=["AND(ISNUMBER(D9),D9<0.2)"], fill=PatternFill("solid", fgColor="FFC7CE"))
    )
    chart = BarChart()
    chart.title = "CA par commercial"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=8, max_row=9), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=9, max_row=9))
    chart.height, chart.width = 7.5, 16
    ws.add_chart(chart, "A12")
    ws.column_dimensions["A"].width = 20
    for col in "BCDEF":
        ws.column_dimensions[col].width = 14
    ws.print_area = "A1:F28"
    ws.page_setup.orientation = "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    _fix_dates(wb)
    wb.save(path)
    _add_logo_and_note(path)


def _png(width: int, height: int) -> bytes:
    """A small PNG logo (navy square with a light band), made without an imaging library."""
    rows = []
    for y in range(height):
        band = height // 3 <= y < 2 * height // 3
        pixel = bytes.fromhex("D9E1F2") if band else bytes.fromhex(NAVY)
        rows.append(b"\x00" + pixel * width)
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


_LOGO_ANCHOR = (
    '<xdr:twoCellAnchor editAs="oneCell" xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<xdr:from><xdr:col>5</xdr:col><xdr:colOff>600000</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
    "<xdr:to><xdr:col>5</xdr:col><xdr:colOff>960000</xdr:colOff><xdr:row>2</xdr:row><xdr:rowOff>100000</xdr:rowOff></xdr:to>"
    '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="10" name="Logo"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>'
    '<xdr:blipFill><a:blip r:embed="rIdLogo"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
    '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="360000" cy="360000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
    "</xdr:pic><xdr:clientData/></xdr:twoCellAnchor>"
)
_NOTE_ANCHOR = (
    '<xdr:twoCellAnchor xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
    ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    "<xdr:from><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>7</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
    "<xdr:to><xdr:col>6</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>9</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
    '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="11" name="Confidential"/><xdr:cNvSpPr txBox="1"/></xdr:nvSpPr>'
    '<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1800000" cy="400000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    '<a:solidFill><a:srgbClr val="FFF2CC"/></a:solidFill><a:ln><a:solidFill><a:srgbClr val="BF9000"/></a:solidFill></a:ln></xdr:spPr>'
    '<xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="fr-FR" sz="1000" b="1"/><a:t>Document interne</a:t></a:r></a:p></xdr:txBody>'
    "</xdr:sp><xdr:clientData/></xdr:twoCellAnchor>"
)


def _add_logo_and_note(path: Path) -> None:
    """Add a picture and a text box to the sheet's drawing: two things openpyxl drops when it
    loads a workbook (pictures without Pillow, shapes always), which the engine keeps."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/drawings/drawing1.xml":
                data = data.replace(b"</wsDr>", (_LOGO_ANCHOR + _NOTE_ANCHOR).encode() + b"</wsDr>")
            elif info.filename == "xl/drawings/_rels/drawing1.xml.rels":
                rel = ('<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
                       ' Target="/xl/media/logo.png" Id="rIdLogo" />')
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"<Default Extension=\"xml\"",
                                    b'<Default Extension="png" ContentType="image/png" /><Default Extension="xml"')
            out.writestr(info, data)
        out.writestr("xl/media/logo.png", _png(48, 48))
    path.write_bytes(buf.getvalue())


def build_statement(path: Path) -> None:
    """One workbook per item (``render_per_item``): a commission statement."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Relevé"
    ws["A1"] = "Relevé de commissions — {{ item.name }}"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = "Période : {{ period_label }}"
    ws["A4"] = "{{ item.lines }}"
    for col in "ABC":
        _header(ws[f"{col}4"])
    _data(ws["A5"])
    _data(ws["B5"], EUR)
    _data(ws["C5"], EUR)
    ws["B6"] = "Total"
    ws["C6"] = "=SUM(C5:C5)"
    ws["C6"].number_format = EUR
    ws.column_dimensions["A"].width = 24
    _fix_dates(wb)
    wb.save(path)


def build_mistakes(path: Path) -> None:
    """A template with mistakes, to show how they are reported (sheet and cell, all at once)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Résumé"
    ws["A4"] = "Taux"
    ws["C4"] = "{{ kpi.win_rat }}"
    ws["C5"] = "{{ kpi. }}"
    ws["C6"] = "Total : {{ totl }}"
    ws["A8"] = "{% for r in rows %}"
    ws["B9"] = "{{ r.name }}"
    ws["A10"] = "{% endif %}"
    ws["A11"] = "{% repeat 3 %}"
    _fix_dates(wb)
    wb.save(path)


BUILDERS = {
    "placeholders.xlsx": build_placeholders,
    "table.xlsx": build_table,
    "table_filters.xlsx": build_table_filters,
    "growth.xlsx": build_growth,
    "loops.xlsx": build_loops,
    "sheet_per_rep.xlsx": build_sheet_per_rep,
    "status.xlsx": build_status,
    "monthly_report.xlsx": build_monthly_report,
    "statement.xlsx": build_statement,
    "mistakes.xlsx": build_mistakes,
}


def build_all(out_dir: Path = HERE) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, builder in BUILDERS.items():
        path = out_dir / name
        builder(path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in build_all(target):
        print(p)
