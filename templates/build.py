"""Build the default report templates shipped in ``kpis/templates/`` (French and English).

    python templates/build.py [OUT_DIR]        # default: kpis/templates/

The .xlsx files are committed (they are package data: ``kpis report`` uses them when no
``--template`` is given); this script keeps them reproducible. To restyle a report, copy a template,
open it in Excel and change fonts, colours, widths, charts, text -- keep the ``{{ ... }}``
placeholders -- then pass it with ``--template`` (or ``[report] template`` in ``kpis.toml``).
``kpis template check FILE`` lists placeholders that match nothing.

Six templates:

* ``rapport_mensuel_fr.xlsx`` / ``monthly_report_en.xlsx`` -- the monthly report: summary with KPI
  cards, every KPI, leaderboard, pipeline and forecast, activities, leads funnel, customers, acquisition
  cost and ROI, 13-month trend charts, commissions, one sheet per rep, data quality;
* ``fiche_commerciale_fr.xlsx`` / ``rep_sheet_en.xlsx`` -- one rep's own sheet (``--per-rep``);
* ``releves_commissions_fr.xlsx`` / ``commission_statements_en.xlsx`` -- commission statements
  (``kpis commissions -o``): a summary and one sheet per rep.

The placeholders read the context of ``kpis.report.context`` (documented in ``docs/report.md``).
Labels are written in each template's language; KPI names come from the registry.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Callable, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties, RegularTextRun, RichTextProperties
from openpyxl.formatting.rule import CellIsRule, DataBarRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

from kpis.engine.registry import REGISTRY  # noqa: E402
from kpis.present import formats, views  # noqa: E402

OUT = ROOT / "kpis" / "templates"
FILES = {
    "report": {"fr": "rapport_mensuel_fr.xlsx", "en": "monthly_report_en.xlsx"},
    "rep": {"fr": "fiche_commerciale_fr.xlsx", "en": "rep_sheet_en.xlsx"},
    "statements": {"fr": "releves_commissions_fr.xlsx", "en": "commission_statements_en.xlsx"},
    "sheets": {"fr": "feuilles_kpi_fr.xlsx", "en": "kpi_sheets_en.xlsx"},
}

# -- look ------------------------------------------------------------------------------------------
NAVY = "1F3864"
BLUE = "2F5597"
LIGHT = "DCE6F2"
PALE = "F2F5FA"
GREY = "595959"
LINE = "B4C6E7"
THIN = Side(style="thin", color=LINE)
MEDIUM = Side(style="medium", color=NAVY)
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOTAL_BORDER = Border(left=THIN, right=THIN, top=MEDIUM, bottom=THIN)
HEAD_FONT = Font(name="Calibri", size=10, bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor=NAVY)
TITLE_FONT = Font(name="Calibri", size=16, bold=True, color=NAVY)
SUB_FONT = Font(name="Calibri", size=9, italic=True, color=GREY)
SECTION_FONT = Font(name="Calibri", size=12, bold=True, color=NAVY)
BODY = Font(name="Calibri", size=10)
BOLD = Font(name="Calibri", size=10, bold=True)
SMALL = Font(name="Calibri", size=8, color=GREY)
CENTER = Alignment(horizontal="center", vertical="center")
MIDDLE = Alignment(vertical="center")
RIGHT_MIDDLE = Alignment(horizontal="right", vertical="center")
WRAP_HEAD = Alignment(horizontal="center", vertical="center", wrap_text=True)
GOOD_FILL = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
ZEBRA_FILL = PatternFill("solid", fgColor=PALE, bgColor=PALE)

# -- words -----------------------------------------------------------------------------------------
W = {
    "fr": {
        "summary": "Synthèse", "kpis": "Indicateurs", "leaderboard": "Classement", "pipeline": "Pipeline",
        "activities": "Activités", "leads": "Prospects", "customers": "Clients", "acquisition": "Acquisition",
        "trends": "Tendances", "commissions": "Commissions", "quality": "Qualité des données",
        "report_title": "Rapport commercial", "source_line": "Source : {{ source }} · données au {{ as_of_text }} · édité le {{ generated_text }}",
        "legend": "Couleurs : vert = objectif atteint (ou en progrès sans objectif), rouge = objectif manqué (ou en recul). "
                  "Évolutions en points (pts) pour les taux et le NPS, en % pour le reste.",
        "kpi": "Indicateur", "value": "Valeur", "change": "Évolution", "target": "Objectif", "team_value": "Équipe",
        "definition": "Définition", "remark": "Remarque", "see_sheet": "Répartitions : voir les feuilles Pipeline, Prospects et Clients.",
        "rep": "Commercial", "revenue": "CA", "quota": "Objectif", "attainment": "Atteinte de l'objectif", "won": "Ventes",
        "lost": "Perdues", "win_rate": "Taux de réussite", "avg_deal": "Panier moyen", "cycle": "Cycle de vente",
        "pipeline_open": "Pipeline ouvert", "commission": "Commission gagnée", "rate_commission": "Commission", "team": "Équipe", "total": "Total",
        "leaderboard_title": "Classement des commerciaux — {{ period.label }}",
        "leaderboard_note": "Taux, panier moyen et cycle de l'équipe : calculés sur toutes les affaires (jamais une moyenne de taux).",
        "chart_rev_quota": "CA et objectif par commercial",
        "pipeline_title": "Pipeline et prévision — {{ period.label }}",
        "pipeline_by_rep": "Pipeline par commercial", "pipeline_by_product": "Pipeline par produit",
        "new_opps": "Nouvelles opp.", "open_deals": "Affaires en cours", "weighted": "Pipeline pondéré",
        "coverage": "Couverture", "proposals": "Propositions", "forecast": "Prévision", "product": "Produit",
        "lost_reasons": "Affaires perdues par motif", "reason": "Motif", "count": "Nombre", "share": "Part",
        "activities_title": "Activités — {{ period.label }}", "activities_by_rep": "Activités par commercial",
        "calls": "Appels", "emails": "E-mails", "meetings": "Rendez-vous", "visits": "Visites", "demos": "Démos",
        "activities_total": "Total", "meetings_lost": "RDV annulés ou reportés", "touches": "Touches par vente",
        "chart_activities": "Activités par commercial et par type",
        "touches_by_type": "Touches par vente gagnée, par type d'activité", "type": "Type",
        "leads_title": "Prospects et entonnoir — {{ period.label }}", "funnel": "Entonnoir des prospects créés ce mois-ci",
        "step": "Étape", "step_rate": "Conversion de l'étape", "step_share": "Part des prospects",
        "chart_funnel": "Entonnoir", "funnel_by_source": "Entonnoir par source", "source": "Source",
        "leads_col": "Prospects", "mql": "MQL", "sql": "SQL", "opportunities": "Opportunités", "customers_col": "Clients",
        "customer_share": "Devenus clients", "lifecycle": "Prospects par étape (tous, à la fin du mois)",
        "stage": "Étape",
        "customers_title": "Clients, attrition, MRR et NPS — {{ period.label }}",
        "by_segment": "Par segment", "segment": "Segment", "at_start": "En début de mois", "new": "Nouveaux",
        "churned": "Perdus", "active": "Actifs", "churn": "Attrition", "mrr": "MRR", "arpa": "ARPA", "nps": "NPS",
        "acquisition_title": "Coût d'acquisition et retour sur investissement — {{ period.label }}",
        "by_channel": "Par canal (source)", "channel": "Canal", "new_customers": "Nouveaux clients",
        "cpl": "Coût par prospect", "cac": "CAC", "roi": "ROI",
        "trends_title": "Tendances sur 13 mois — jusqu'à {{ period.label }}",
        "month": "Mois", "revenue_target": "Objectif CA", "conversion": "Taux de conversion",
        "active_customers": "Clients actifs", "churn_rate": "Taux d'attrition", "leads_created": "Nouveaux prospects",
        "sales_table": "Ventes et pipeline", "market_table": "Activité, prospects et clients",
        "chart_revenue": "CA et objectif", "chart_rates": "Taux de réussite et de conversion",
        "chart_pipeline": "Pipeline ouvert et pondéré", "chart_act": "Activités et rendez-vous",
        "chart_mrr": "MRR", "chart_nps": "NPS",
        "commissions_title": "Commissions — {{ period.label }}",
        "plan": "Plan", "credited": "CA crédité", "spiffs": "Primes", "clawbacks": "Reprises", "earned": "Total gagné",
        "recovered": "Récupéré", "deferred": "Reporté", "draw": "Avance garantie", "payable": "À payer",
        "balance": "Solde dû reporté", "rate": "Taux atteint",
        "payable_note": "À payer = total gagné − récupéré (solde antérieur) + reporté + avance garantie. Détail par affaire : feuille de chaque commercial.",
        "rep_title": "Fiche individuelle — {{ r.name }}",
        "rep_sub": "{{ period.label }}{% if r.role %} · {{ r.role }}{% endif %}{% if r.team %} · équipe {{ r.team }}{% endif %}{% if r.location %} · {{ r.location }}{% endif %}",
        "my_kpis": "Mes indicateurs", "statement": "Relevé de commissions",
        "line_kind": "Type", "deal": "Affaire", "account": "Compte", "close_date": "Date de signature",
        "amount": "Montant", "weight": "Pondération", "line_rate": "Taux", "line_commission": "Commission",
        "rep_note": "Chaque commercial voit ses propres chiffres ; la colonne Équipe donne le total ou le taux de toute l'équipe.",
        "quality_title": "Qualité des données — {{ source }}",
        "quality_sub": "{{ quality_summary.problems }} point(s) signalé(s), {{ quality_summary.rows_skipped }} ligne(s) écartée(s). {{ quality_summary.text }}",
        "tables_read": "Tables lues", "table": "Table", "range": "Plage source", "rows": "Lignes",
        "problems": "Points signalés (valeurs converties, lignes ignorées ou écartées)",
        "sheet": "Feuille", "row": "Ligne", "column": "Colonne", "found": "Valeur trouvée", "action": "Action",
        "severity": "Gravité", "why": "Explication", "error_word": "erreur",
        "statements_title": "Relevés de commissions — {{ period.label }}",
        "plan_attainment": "Atteinte du plan",
        "attainment_note": "Atteinte de l'objectif (indicateur) = CA crédité de la période / objectif de la période. "
                           "Atteinte du plan (commissions) = CA crédité sur la fenêtre d'atteinte du plan (le mois, ou le "
                           "cumul du trimestre) / objectif de cette fenêtre, hors affaires reprises : c'est elle qui fixe "
                           "le taux de commission. Les deux diffèrent dès que la fenêtre du plan dépasse la période.",
        "reps_title": "Indicateurs par commercial — {{ period.label }}", "reps_sheet": "Commerciaux",
        "funnel_sheet": "Entonnoir", "summary_title": "Synthèse des indicateurs — {{ period.label }}",
    },
    "en": {
        "summary": "Summary", "kpis": "KPIs", "leaderboard": "Leaderboard", "pipeline": "Pipeline",
        "activities": "Activities", "leads": "Leads", "customers": "Customers", "acquisition": "Acquisition",
        "trends": "Trends", "commissions": "Commissions", "quality": "Data quality",
        "report_title": "Sales report", "source_line": "Source: {{ source }} · data as of {{ as_of_text }} · generated on {{ generated_text }}",
        "legend": "Colours: green = target met (or improving when there is no target), red = target missed (or worsening). "
                  "Changes in points (pts) for rates and NPS, in % otherwise.",
        "kpi": "KPI", "value": "Value", "change": "Change", "target": "Target", "team_value": "Team",
        "definition": "Definition", "remark": "Remark", "see_sheet": "Distributions: see the Pipeline, Leads and Customers sheets.",
        "rep": "Rep", "revenue": "Revenue", "quota": "Quota", "attainment": "Quota attainment", "won": "Won",
        "lost": "Lost", "win_rate": "Win rate", "avg_deal": "Avg deal size", "cycle": "Sales cycle",
        "pipeline_open": "Open pipeline", "commission": "Commission earned", "rate_commission": "Commission", "team": "Team", "total": "Total",
        "leaderboard_title": "Rep leaderboard — {{ period.label }}",
        "leaderboard_note": "Team win rate, average deal size and cycle: computed over all deals (never an average of rates).",
        "chart_rev_quota": "Revenue and quota by rep",
        "pipeline_title": "Pipeline and forecast — {{ period.label }}",
        "pipeline_by_rep": "Pipeline by rep", "pipeline_by_product": "Pipeline by product",
        "new_opps": "New opps", "open_deals": "Open deals", "weighted": "Weighted pipeline",
        "coverage": "Coverage", "proposals": "Proposals", "forecast": "Forecast", "product": "Product",
        "lost_reasons": "Deals lost by reason", "reason": "Reason", "count": "Count", "share": "Share",
        "activities_title": "Activities — {{ period.label }}", "activities_by_rep": "Activities by rep",
        "calls": "Calls", "emails": "E-mails", "meetings": "Meetings", "visits": "Visits", "demos": "Demos",
        "activities_total": "Total", "meetings_lost": "Meetings lost", "touches": "Touches per win",
        "chart_activities": "Activities by rep and type",
        "touches_by_type": "Touches per won deal, by activity type", "type": "Type",
        "leads_title": "Leads and funnel — {{ period.label }}", "funnel": "Funnel of the leads created this month",
        "step": "Step", "step_rate": "Step conversion", "step_share": "Share of leads",
        "chart_funnel": "Funnel", "funnel_by_source": "Funnel by source", "source": "Source",
        "leads_col": "Leads", "mql": "MQL", "sql": "SQL", "opportunities": "Opportunities", "customers_col": "Customers",
        "customer_share": "Became customers", "lifecycle": "Leads by stage (all, at month end)",
        "stage": "Stage",
        "customers_title": "Customers, churn, MRR and NPS — {{ period.label }}",
        "by_segment": "By segment", "segment": "Segment", "at_start": "At start", "new": "New",
        "churned": "Churned", "active": "Active", "churn": "Churn", "mrr": "MRR", "arpa": "ARPA", "nps": "NPS",
        "acquisition_title": "Acquisition cost and return on investment — {{ period.label }}",
        "by_channel": "By channel (source)", "channel": "Channel", "new_customers": "New customers",
        "cpl": "Cost per lead", "cac": "CAC", "roi": "ROI",
        "trends_title": "13-month trends — up to {{ period.label }}",
        "month": "Month", "revenue_target": "Revenue target", "conversion": "Conversion rate",
        "active_customers": "Active customers", "churn_rate": "Churn rate", "leads_created": "Leads created",
        "sales_table": "Sales and pipeline", "market_table": "Activity, leads and customers",
        "chart_revenue": "Revenue and target", "chart_rates": "Win rate and conversion rate",
        "chart_pipeline": "Open and weighted pipeline", "chart_act": "Activities and meetings",
        "chart_mrr": "MRR", "chart_nps": "NPS",
        "commissions_title": "Commissions — {{ period.label }}",
        "plan": "Plan", "credited": "Credited", "spiffs": "SPIFFs", "clawbacks": "Clawbacks", "earned": "Earned",
        "recovered": "Recovered", "deferred": "Carried", "draw": "Draw", "payable": "Payable",
        "balance": "Balance carried", "rate": "Rate reached",
        "payable_note": "Payable = earned − recovered (earlier balance) + carried + draw. Deal by deal: each rep's sheet.",
        "rep_title": "Rep sheet — {{ r.name }}",
        "rep_sub": "{{ period.label }}{% if r.role %} · {{ r.role }}{% endif %}{% if r.team %} · team {{ r.team }}{% endif %}{% if r.location %} · {{ r.location }}{% endif %}",
        "my_kpis": "My KPIs", "statement": "Commission statement",
        "line_kind": "Kind", "deal": "Deal", "account": "Account", "close_date": "Close date",
        "amount": "Amount", "weight": "Weight", "line_rate": "Rate", "line_commission": "Commission",
        "rep_note": "Each rep sees their own numbers; the Team column gives the whole team's total or rate.",
        "quality_title": "Data quality — {{ source }}",
        "quality_sub": "{{ quality_summary.problems }} point(s) raised, {{ quality_summary.rows_skipped }} row(s) skipped. {{ quality_summary.text }}",
        "tables_read": "Tables read", "table": "Table", "range": "Source range", "rows": "Rows",
        "problems": "Points raised (values converted, rows ignored or skipped)",
        "sheet": "Sheet", "row": "Row", "column": "Column", "found": "Value found", "action": "Action",
        "severity": "Severity", "why": "Explanation", "error_word": "error",
        "statements_title": "Commission statements — {{ period.label }}",
        "plan_attainment": "Plan attainment",
        "attainment_note": "Quota attainment (KPI) = credited revenue of the period / quota of the period. "
                           "Plan attainment (commissions) = credited revenue over the plan's attainment window (the "
                           "month, or the quarter to date) / the quota of that window, clawed-back deals left out: it "
                           "sets the commission rate. The two differ as soon as the plan's window is longer than the period.",
        "reps_title": "KPIs by rep — {{ period.label }}", "reps_sheet": "Reps",
        "funnel_sheet": "Funnel", "summary_title": "KPI summary — {{ period.label }}",
    },
}

# Which KPIs each page shows: kpis.present.views, derived from the registry's sections.
CARDS = views.card_kpis()
PIPELINE_KPIS = views.page_kpis("pipeline")
ACTIVITY_KPIS = views.page_kpis("activities")
LEAD_KPIS = views.page_kpis("leads")
CUSTOMER_KPIS = views.page_kpis("customers")
ACQUISITION_KPIS = views.page_kpis("acquisition")
REP_KPIS = views.rep_kpis()
SECTION_ORDER = views.SECTION_ORDER


# -- small helpers ---------------------------------------------------------------------------------
def fmt(kind: str, lang: str) -> str:
    """Number format by kind: a KPI unit, or money2 / pct / count / date."""
    if kind == "money2":
        return formats.money(lang, "EUR", 2)
    if kind == "pct":
        return formats.percent(lang)
    if kind == "date":
        return formats.DATE[lang]
    if kind == "text":
        return "General"
    if kind == "int":
        return "0"
    return formats.unit_format(kind, lang)


def unit(kpi_id: str) -> str:
    return REGISTRY[kpi_id].unit


def name(kpi_id: str, lang: str) -> str:
    return REGISTRY[kpi_id].name(lang)


def put(ws: Worksheet, ref: str, value, font: Font | None = None, number_format: str | None = None,
        fill: PatternFill | None = None, alignment: Alignment | None = None, border: Border | None = None):
    c = ws[ref]
    c.value = value
    c.font = font or BODY
    if number_format:
        c.number_format = number_format
    if fill:
        c.fill = fill
    if alignment:
        c.alignment = alignment
    if border:
        c.border = border
    return c


def col(n: int) -> str:
    return get_column_letter(n)


def widths(ws: Worksheet, values: dict[str, float]) -> None:
    for letter, w in values.items():
        ws.column_dimensions[letter].width = w


def page(ws: Worksheet, lang: str, *, title_rows: str | None = None, freeze: str | None = None) -> None:
    """Printable: landscape A4, one page wide, narrow margins, page numbers, no grid lines."""
    _add_zebras(ws)
    ws.sheet_view.showGridLines = False
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.25, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddFooter.left.text = "&A"
    ws.oddFooter.left.size = 8
    ws.oddFooter.right.text = "&P / &N"
    ws.oddFooter.right.size = 8
    if title_rows:
        ws.print_title_rows = title_rows
    if freeze:
        ws.freeze_panes = freeze


def title(ws: Worksheet, text: str, sub: str | None, last_col: int, row: int = 1) -> None:
    put(ws, f"A{row}", text, TITLE_FONT)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = 24
    if sub is not None:
        put(ws, f"A{row + 1}", sub, SUB_FONT)
        ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=last_col)


def section(ws: Worksheet, row: int, text: str, last_col: int) -> None:
    put(ws, f"A{row}", text, SECTION_FONT)
    for c in range(1, last_col + 1):
        ws.cell(row, c).border = Border(bottom=MEDIUM)
    ws.row_dimensions[row].height = 20


def header(ws: Worksheet, row: int, labels: Sequence[str], first: int = 1) -> None:
    for j, label in enumerate(labels):
        put(ws, f"{col(first + j)}{row}", label, HEAD_FONT, fill=HEAD_FILL, alignment=WRAP_HEAD, border=BOX)
    ws.row_dimensions[row].height = 30


def data_row(ws: Worksheet, row: int, placeholder: str, kinds: Sequence[str], lang: str, first: int = 1) -> None:
    """The data row template of a table placeholder (``| noheader``): one styled cell per column."""
    for j, kind in enumerate(kinds):
        c = ws.cell(row, first + j)
        c.font = BODY
        c.border = BOX
        c.number_format = fmt(kind, lang)
        if kind == "text":
            c.alignment = Alignment(vertical="center")
        elif kind == "int":
            c.alignment = Alignment(horizontal="center", vertical="center")
    ws.cell(row, first).value = placeholder


def total_row(ws: Worksheet, row: int, cells: Sequence[str | None], kinds: Sequence[str], lang: str, first: int = 1) -> None:
    for j, (value, kind) in enumerate(zip(cells, kinds)):
        c = ws.cell(row, first + j)
        c.value = value
        c.font = BOLD
        c.border = TOTAL_BORDER
        c.fill = PatternFill("solid", fgColor=LIGHT)
        c.number_format = fmt(kind, lang)


_ZEBRA: dict[int, list[tuple[str, int]]] = {}


def zebra(ws: Worksheet, rng: str, first_row: int) -> None:
    """Every other data row shaded; the range follows the table when it grows. Added last (by
    :func:`page`), so the sheet's own conditional formats take precedence."""
    _ZEBRA.setdefault(id(ws), []).append((rng, first_row))


def _add_zebras(ws: Worksheet) -> None:
    for rng, first_row in _ZEBRA.pop(id(ws), []):
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f"MOD(ROW()-{first_row},2)=1"], fill=ZEBRA_FILL))


def table(ws: Worksheet, row: int, labels: Sequence[str], expr: str, kinds: Sequence[str], lang: str,
          totals: Sequence[str | None] | None = None) -> int:
    """Header (static labels) at ``row``, data row below (the placeholder), optional total row.
    Returns the next free row."""
    header(ws, row, labels)
    data_row(ws, row + 1, expr, kinds, lang)
    last = col(len(labels))
    zebra(ws, f"A{row + 1}:{last}{row + 1}", row + 1)
    if totals is not None:
        total_row(ws, row + 2, totals, kinds, lang)
        return row + 3
    return row + 2


def sums(columns: Sequence[str | None], data_row: int, label: str) -> list[str | None]:
    """Total row cells: ``label`` first, then ``=SUM(X{data}:X{data})`` (the engine stretches the
    range over every data row) for letters, or the given placeholder/None."""
    out: list[str | None] = [label]
    for c in columns[1:]:
        if c is None or c.startswith("{{"):
            out.append(c)
        else:
            out.append(f"=SUM({c}{data_row}:{c}{data_row})")
    return out


def attainment_colours(ws: Worksheet, rng: str) -> None:
    """An attainment column coloured by its target, as every card is (green when the quota is met,
    red when not: :data:`kpis.present.views.THRESHOLDS`) -- never by its trend."""
    target = str(views.THRESHOLDS["quota_attainment"])
    ws.conditional_formatting.add(rng, CellIsRule(operator="greaterThanOrEqual", formula=[target], fill=GOOD_FILL,
                                                  font=Font(color="006100")))
    ws.conditional_formatting.add(rng, CellIsRule(operator="lessThan", formula=[target], fill=BAD_FILL,
                                                  font=Font(color="9C0006")))


def note(ws: Worksheet, row: int, text: str, last_col: int, lines: int = 2) -> None:
    """A small wrapped note across the sheet's width (``lines`` lines high)."""
    put(ws, f"A{row}", text, SMALL, alignment=Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    ws.row_dimensions[row].height = 11 * lines + 2


def page_break_after(ws: Worksheet, row: int) -> None:
    """Start a new printed page after ``row`` (the break moves down with the rows above it)."""
    ws.row_breaks.append(Break(id=row))


def kpi_rows(ws: Worksheet, row: int, ids: Sequence[str], lang: str, *, prefix: str = "cards",
             definitions: bool = False, rep: bool = False) -> int:
    """A block of KPI rows -- label, value (coloured by status), previous period, change, year ago
    (or the rep's quota), target (or the team's value) -- each row with its KPI's number formats.
    The header is written at ``row``; returns the next free row."""
    w = W[lang]
    na = "n.d." if lang == "fr" else "n/a"
    labels = [w["kpi"], w["value"], "{{ period.previous_word }}", w["change"]]
    labels += [w["target"], w["team_value"]] if rep else ["{{ period.year_ago_word }}", w["target"]]
    if definitions:
        labels += [w["definition"], w["remark"]]
    header(ws, row, labels)
    r = row + 1
    for k in ids:
        c = f"{prefix}.{k}"
        u = fmt(unit(k), lang)
        put(ws, f"A{r}", name(k, lang), BODY, border=BOX, alignment=MIDDLE)
        put(ws, f"B{r}", "{{ %s.value | default('%s') | fill(%s.status) }}" % (c, na, c),
            BOLD, u, alignment=RIGHT_MIDDLE, border=BOX)
        put(ws, f"C{r}", "{{ %s.previous }}" % c, BODY, u, border=BOX, alignment=RIGHT_MIDDLE)
        put(ws, f"D{r}", "{{ %s.change_display | fill(none, %s.change_font) }}" % (c, c), BODY,
            formats.change_format(unit(k), lang), border=BOX, alignment=RIGHT_MIDDLE)
        if rep:
            put(ws, f"E{r}", "{{ %s.target }}" % c, BODY, u, border=BOX, alignment=RIGHT_MIDDLE)
            put(ws, f"F{r}", "{{ %s.team }}" % c, BODY, u, border=BOX, alignment=RIGHT_MIDDLE)
        else:
            put(ws, f"E{r}", "{{ %s.year_ago }}" % c, BODY, u, border=BOX, alignment=RIGHT_MIDDLE)
            put(ws, f"F{r}", "{{ %s.target }}" % c, BODY, u, border=BOX, alignment=RIGHT_MIDDLE)
        if definitions:
            text = REGISTRY[k].formula(lang)
            put(ws, f"G{r}", text, SMALL, alignment=Alignment(wrap_text=True, vertical="center"), border=BOX)
            lines = -(-len(text) // 100)  # ~100 characters of 8 pt per line in the 62-wide column
            if lines > 1:
                ws.row_dimensions[r].height = 11 * lines + 2
            # why a KPI has no value (a missing input) or what to know about it: never silent
            put(ws, f"H{r}", "{{ %s.remark }}" % c, Font(name="Calibri", size=8, italic=True, color="9C5700"),
                alignment=Alignment(wrap_text=True, vertical="center"), border=BOX)
        r += 1
    return r


def _text(size: int, bold: bool = False, color: str | None = None, rot: int | None = None) -> RichText:
    cp = CharacterProperties(sz=size, b=bold, solidFill=color)
    return RichText(bodyPr=RichTextProperties(rot=rot, vert="horz") if rot is not None else RichTextProperties(),
                    p=[Paragraph(pPr=ParagraphProperties(defRPr=cp), endParaRPr=cp)])


def _title(text: str, size: int = 1100) -> Title:
    cp = CharacterProperties(sz=size, b=True, solidFill=NAVY)
    para = Paragraph(pPr=ParagraphProperties(defRPr=cp), r=[RegularTextRun(rPr=cp, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def chart_style(chart, title_text: str, y_format: str | None = None, width: float = 8.8, height: float = 6.6,
                legend: bool = True, skip: int | None = None) -> None:
    """Readable small charts: a modest title, axes shown (openpyxl hides them by default), small axis
    labels kept horizontal, category labels at the bottom even with negative values, straight lines."""
    chart.title = _title(title_text)
    chart.width, chart.height = width, height
    chart.style = 10
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False
        axis.txPr = _text(800, rot=0)
    chart.x_axis.tickLblPos = "low"
    if skip:
        chart.x_axis.tickLblSkip = skip
    if y_format:
        chart.y_axis.number_format = y_format
    for part in [chart, *getattr(chart, "_charts", [])]:
        for s in part.series:
            if isinstance(part, LineChart):
                s.smooth = False
    if legend:
        chart.legend.position = "b"
        chart.legend.txPr = _text(800)
    else:
        chart.legend = None


def money_axis(lang: str) -> str:
    return '#,##0," k€"' if lang == "fr" else '"€"#,##0,"k"'


# -- sheets ----------------------------------------------------------------------------------------
def summary_sheet(ws: Worksheet, lang: str) -> None:
    """KPI cards, 4 per row: label, value (coloured: target met / missed, else better / worse than
    the previous period), then previous period, change, year ago, target."""
    w = W[lang]
    ws.title = w["summary"]
    last = 20  # A margin + 4 cards of 4 columns + 3 spacers: the last card ends in T
    title(ws, "{% if company %}{{ company }} — {% endif %}" + w["report_title"] + " — {{ period.label }}",
          w["source_line"], last)
    row = 4
    for line in CARDS:
        for i, k in enumerate(line):
            c0 = 2 + i * 5  # B, G, L, Q
            _card(ws, row, c0, k, lang)
        row += 5
    put(ws, f"B{row}", w["legend"], SMALL, alignment=Alignment(wrap_text=True, vertical="top"))
    ws.merge_cells(start_row=row, start_column=2, end_row=row + 1, end_column=last)
    widths(ws, {"A": 1.5})
    for c in range(2, last + 1):
        ws.column_dimensions[col(c)].width = 2.5 if (c - 1) % 5 == 0 else 10.5
    page(ws, lang)


def summary_charts(wb: Workbook, lang: str) -> None:
    """Two charts under the cards, drawn from other sheets' tables (the references follow those
    tables when they grow): revenue and target over 13 months, revenue and quota by rep."""
    w = W[lang]
    ws = wb[w["summary"]]
    trends = wb[w["trends"]]
    a = TREND_A_HEAD + 1
    c1 = BarChart()
    c1.type = "col"
    c1.add_data(Reference(trends, min_col=2, min_row=TREND_A_HEAD, max_row=a), titles_from_data=True)
    c1.set_categories(Reference(trends, min_col=1, min_row=a, max_row=a))
    target = LineChart()
    target.add_data(Reference(trends, min_col=3, min_row=TREND_A_HEAD, max_row=a), titles_from_data=True)
    c1 += target
    chart_style(c1, w["chart_revenue"] + " — 13 " + ("mois" if lang == "fr" else "months"), money_axis(lang),
                width=17.1, height=7.2)
    c1.x_axis.txPr = _text(800, rot=-2700000)
    row = 4 + 5 * len(CARDS) + 3
    ws.add_chart(c1, f"B{row}")
    _sibling("pages_scale").summary_bars(  # the first reps by revenue, one bar each (data in hidden V:X)
        ws, globals(), lang, anchor=f"L{row}", table="top.reps_summary", labels=[w["rep"], w["revenue"], w["quota"]],
        title=w["chart_rev_quota"], head=row + 1, hidden_col=22, note="top.reps_summary_note", width=17.1, height=7.2)


def _card(ws: Worksheet, row: int, c0: int, k: str, lang: str) -> None:
    w = W[lang]
    u = fmt(unit(k), lang)
    ref = f"cards.{k}"
    na = "n.d." if lang == "fr" else "n/a"
    # label
    put(ws, f"{col(c0)}{row}", name(k, lang), Font(name="Calibri", size=10, bold=True, color="FFFFFF"),
        fill=HEAD_FILL, alignment=CENTER)
    ws.merge_cells(start_row=row, start_column=c0, end_row=row, end_column=c0 + 3)
    # value
    put(ws, f"{col(c0)}{row + 1}", "{{ %s.value | default('%s') | fill(%s.status) }}" % (ref, na, ref),
        Font(name="Calibri", size=18, bold=True, color=NAVY), u, alignment=CENTER)
    ws.merge_cells(start_row=row + 1, start_column=c0, end_row=row + 1, end_column=c0 + 3)
    # small labels and values
    subs = [("{{ period.previous_word }}", "{{ %s.previous | default('—') }}" % ref, u),
            (w["change"], "{{ %s.change_display | default('—') | fill(none, %s.change_font) }}" % (ref, ref), formats.change_format(unit(k), lang)),
            ("{{ period.year_ago_word }}", "{{ %s.year_ago | default('—') }}" % ref, u),
            (w["target"], "{{ %s.target | default('—') }}" % ref, u)]
    for j, (label, expr, f) in enumerate(subs):
        put(ws, f"{col(c0 + j)}{row + 2}", label, SMALL, fill=PatternFill("solid", fgColor=PALE), alignment=CENTER)
        put(ws, f"{col(c0 + j)}{row + 3}", expr, Font(name="Calibri", size=9), f,
            fill=PatternFill("solid", fgColor=PALE), alignment=CENTER)
    # a frame around the card
    for r in range(row, row + 4):
        for c in range(c0, c0 + 4):
            cell = ws.cell(r, c)
            cell.border = Border(left=MEDIUM if c == c0 else None, right=MEDIUM if c == c0 + 3 else None,
                                 top=MEDIUM if r == row else None, bottom=MEDIUM if r == row + 3 else None)
    ws.row_dimensions[row].height = 18
    ws.row_dimensions[row + 1].height = 32
    ws.row_dimensions[row + 2].height = 12
    ws.row_dimensions[row + 3].height = 15
    ws.row_dimensions[row + 4].height = 9


def kpis_sheet(ws: Worksheet, lang: str, heading: str | None = None) -> None:
    """Every KPI of the catalogue with a single value, by section, with its definition."""
    from kpis.engine.model import SECTIONS

    w = W[lang]
    ws.title = w["kpis"]
    title(ws, heading or w["kpis"] + " — {{ period.label }}", w["source_line"], 8)
    header_row = 4
    labels = [w["kpi"], w["value"], "{{ period.previous_word }}", w["change"], "{{ period.year_ago_word }}",
              w["target"], w["definition"], w["remark"]]
    header(ws, header_row, labels)
    r = header_row + 1
    for s in SECTION_ORDER:
        ids = views.section_kpis((s,))
        put(ws, f"A{r}", SECTIONS[s][0 if lang == "fr" else 1], Font(name="Calibri", size=10, bold=True, color=NAVY),
            fill=PatternFill("solid", fgColor=LIGHT))
        for c in range(2, 9):
            ws.cell(r, c).fill = PatternFill("solid", fgColor=LIGHT)
        r += 1
        # rows without their own header: reuse kpi_rows and drop its header line
        end = kpi_rows(ws, r - 1, ids, lang, definitions=True)
        _restore_section_row(ws, r - 1, SECTIONS[s][0 if lang == "fr" else 1])
        r = end
    put(ws, f"A{r + 1}", w["see_sheet"], SMALL)
    widths(ws, {"A": 34, "B": 15, "C": 15, "D": 12, "E": 15, "F": 15, "G": 62, "H": 36})
    page(ws, lang, title_rows=f"{header_row}:{header_row}", freeze=f"B{header_row + 1}")


def _restore_section_row(ws: Worksheet, row: int, text: str) -> None:
    """kpi_rows wrote a header over the section row: make it a section row again."""
    for c in range(1, 9):
        cell = ws.cell(row, c)
        cell.value = None
        cell.fill = PatternFill("solid", fgColor=LIGHT)
        cell.font = Font(name="Calibri", size=10, bold=True, color=NAVY)
        cell.border = Border()
        cell.alignment = Alignment()
    ws.cell(row, 1).value = text
    ws.row_dimensions[row].height = 16


def leaderboard_sheet(ws: Worksheet, lang: str) -> None:
    w = W[lang]
    ws.title = w["leaderboard"]
    labels = [w["rep"], w["revenue"], w["quota"], w["attainment"], w["won"], w["lost"], w["win_rate"], w["avg_deal"],
              w["cycle"], w["pipeline_open"], w["commission"]]
    kinds = ["text", "money", "money", "pct", "count", "count", "pct", "money", "days", "money", "money2"]
    title(ws, w["leaderboard_title"], w["source_line"], len(labels))
    cols = '["rep", "revenue", "quota", "quota_attainment", "deals_won", "deals_lost", "win_rate", "average_deal_size", "sales_cycle_days", "open_pipeline_value", "commission"]'
    expr = "{{ leaderboard | columns(%s) | noheader }}" % cols
    totals = sums(["A", "B", "C", "{{ kpi.quota_attainment }}", "E", "F", "{{ kpi.win_rate }}",
                   "{{ kpi.average_deal_size }}", "{{ kpi.sales_cycle_days }}", "J", "K"], 5, w["team"])
    nxt = table(ws, 4, labels, expr, kinds, lang, totals)
    attainment_colours(ws, "D5:D5")
    ws.conditional_formatting.add("B5:B5", DataBarRule(start_type="num", start_value=0, end_type="max",
                                                       color="8EA9DB", showValue=True))
    put(ws, f"A{nxt}", w["leaderboard_note"], SMALL)
    note(ws, nxt + 1, w["attainment_note"], len(labels))
    nxt += 2
    # one bar per rep, largest first, the chart one row taller per rep (on its own page for a big team)
    _sibling("pages_scale").growing_bars(
        ws, globals(), lang, row=nxt + 1, table="top.reps_chart", columns=["rep", "revenue", "quota"],
        labels=[w["rep"], w["revenue"], w["quota"]], title=w["chart_rev_quota"], hidden_col=13, last_col=11,
        number_format=money_axis(lang), note="top.reps_chart_note", break_if="top.reps_chart_own_page")
    widths(ws, {"A": 22, "B": 13, "C": 13, "D": 11, "E": 9, "F": 9, "G": 11, "H": 13, "I": 11, "J": 14, "K": 14})
    page(ws, lang, title_rows="4:4", freeze="B5")


def pipeline_sheet(ws: Worksheet, lang: str) -> None:
    w = W[lang]
    ws.title = w["pipeline"]
    title(ws, w["pipeline_title"], w["source_line"], 8)
    r = kpi_rows(ws, 4, PIPELINE_KPIS, lang) + 1
    section(ws, r, w["pipeline_by_rep"], 8)
    labels = [w["rep"], w["new_opps"], w["open_deals"], w["pipeline_open"], w["weighted"], w["coverage"],
              w["proposals"], w["forecast"]]
    kinds = ["text", "count", "count", "money", "money", "number", "count", "money"]
    expr = '{{ top.pipeline_by_rep | columns(["rep", "new_opportunities", "open_deals", "open_pipeline_value", "weighted_pipeline", "pipeline_coverage", "proposals_sent", "forecast"]) | noheader }}'
    r = table(ws, r + 1, labels, expr, kinds, lang,
              sums(["A", "B", "C", "D", "E", "{{ kpi.pipeline_coverage }}", "G", "H"], r + 2, w["team"]))
    page_break_after(ws, r - 1)
    section(ws, r, w["pipeline_by_product"], 8)
    labels = [w["product"], w["open_deals"], w["pipeline_open"], w["weighted"], w["won"], w["revenue"], w["win_rate"]]
    kinds = ["text", "count", "money", "money", "count", "money", "pct"]
    expr = '{{ top.pipeline_by_product | columns(["product", "open_deals", "open_pipeline_value", "weighted_pipeline", "deals_won", "revenue", "win_rate"]) | noheader }}'
    r = table(ws, r + 1, labels, expr, kinds, lang,
              sums(["A", "B", "C", "D", "E", "F", "{{ kpi.win_rate }}"], r + 2, w["total"])) + 1
    section(ws, r, w["lost_reasons"], 8)
    expr = '{{ top.lost_reasons | columns(["reason", "count", "share"]) | noheader }}'
    table(ws, r + 1, [w["reason"], w["count"], w["share"]], expr, ["text", "count", "pct"], lang,
          sums(["A", "B", "C"], r + 2, w["total"]))
    widths(ws, {"A": 34, "B": 15, "C": 15, "D": 15, "E": 15, "F": 15, "G": 13, "H": 15})
    page(ws, lang, freeze="A4")


def activities_sheet(ws: Worksheet, lang: str) -> None:
    w = W[lang]
    ws.title = w["activities"]
    title(ws, w["activities_title"], w["source_line"], 9)
    r = kpi_rows(ws, 4, ACTIVITY_KPIS, lang) + 1
    section(ws, r, w["activities_by_rep"], 9)
    labels = [w["rep"], w["calls"], w["emails"], w["meetings"], w["visits"], w["demos"], w["activities_total"],
              w["meetings_lost"], w["touches"]]
    kinds = ["text", "count", "count", "count", "count", "count", "count", "pct", "number"]
    expr = '{{ top.activities_by_rep | columns(["rep", "calls", "emails", "meetings", "visits", "demos", "activities_total", "meetings_lost_rate", "touches_per_won_deal"]) | noheader }}'
    head = r + 1
    r = table(ws, head, labels, expr, kinds, lang,
              sums(["A", "B", "C", "D", "E", "F", "G", "{{ kpi.meetings_lost_rate }}", "{{ kpi.touches_per_won_deal }}"],
                   head + 1, w["team"]))
    page_break_after(ws, r - 1)
    r = _sibling("pages_scale").growing_bars(
        ws, globals(), lang, row=r, table="top.activities_chart",
        columns=["rep", "calls", "emails", "meetings", "visits", "demos"],
        labels=[w["rep"], w["calls"], w["emails"], w["meetings"], w["visits"], w["demos"]],
        title=w["chart_activities"], hidden_col=11, last_col=9, number_format="#,##0",
        note="top.activities_chart_note", stacked=True) + 1
    section(ws, r, w["touches_by_type"], 9)
    expr = '{{ touches_by_type | columns(["label", "touches_per_won_deal"]) | noheader }}'
    table(ws, r + 1, [w["type"], w["touches"]], expr, ["text", "number"], lang,
          sums(["A", "{{ kpi.touches_per_won_deal }}"], r + 2, w["total"]))
    widths(ws, {"A": 34, "B": 13, "C": 13, "D": 13, "E": 13, "F": 13, "G": 11, "H": 15, "I": 12})
    page(ws, lang, freeze="A4")


def leads_sheet(ws: Worksheet, lang: str) -> None:
    w = W[lang]
    ws.title = w["leads"]
    title(ws, w["leads_title"], w["source_line"], 8)
    r = kpi_rows(ws, 4, LEAD_KPIS, lang) + 1
    section(ws, r, w["funnel"], 8)
    head = r + 1
    expr = '{{ funnel | columns(["label", "count", "rate", "share"]) | noheader }}'
    r = table(ws, head, [w["step"], w["count"], w["step_rate"], w["step_share"]], expr,
              ["text", "count", "pct", "pct"], lang)
    chart = BarChart()
    chart.type = "bar"
    chart.add_data(Reference(ws, min_col=2, min_row=head, max_row=head + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=head + 1))
    chart_style(chart, w["chart_funnel"], "#,##0", width=11, height=5.5, legend=False)
    chart.x_axis.scaling.orientation = "maxMin"  # first step on top
    chart.y_axis.crosses = "max"  # ... and the value axis at the bottom
    ws.add_chart(chart, f"F{head}")
    r = max(r, head + 11) + 1
    page_break_after(ws, r - 1)
    section(ws, r, w["funnel_by_source"], 8)
    labels = [w["source"], w["leads_col"], w["mql"], w["sql"], w["opportunities"], w["customers_col"], w["customer_share"]]
    kinds = ["text", "count", "count", "count", "count", "count", "pct"]
    expr = '{{ top.funnel_by_source | columns(["source", "lead", "mql", "sql", "opportunity", "customer", "customer_share"]) | noheader }}'
    r = table(ws, r + 1, labels, expr, kinds, lang, sums(["A", "B", "C", "D", "E", "F", None], r + 2, w["total"])) + 1
    section(ws, r, w["lifecycle"], 8)
    expr = '{{ lifecycle | columns(["label", "count", "share"]) | noheader }}'
    table(ws, r + 1, [w["stage"], w["count"], w["share"]], expr, ["text", "count", "pct"], lang,
          sums(["A", "B", "C"], r + 2, w["total"]))
    widths(ws, {"A": 34, "B": 14, "C": 14, "D": 14, "E": 14, "F": 14, "G": 14, "H": 14})
    page(ws, lang, freeze="A4")


def customers_sheet(ws: Worksheet, lang: str) -> None:
    w = W[lang]
    ws.title = w["customers"]
    title(ws, w["customers_title"], w["source_line"], 9)
    r = kpi_rows(ws, 4, CUSTOMER_KPIS, lang) + 1
    section(ws, r, w["by_segment"], 9)
    labels = [w["segment"], w["at_start"], w["new"], w["churned"], w["active"], w["churn"], w["mrr"], w["arpa"], w["nps"]]
    kinds = ["text", "count", "count", "count", "count", "pct", "money", "money", "score"]
    expr = '{{ top.customers_by_segment | columns(["segment", "customers_at_start", "new_customers", "churned_customers", "active_customers", "churn_rate", "mrr", "arpa", "nps"]) | noheader }}'
    table(ws, r + 1, labels, expr, kinds, lang,
          sums(["A", "B", "C", "D", "E", "{{ kpi.churn_rate }}", "G", "{{ kpi.arpa }}", "{{ kpi.nps }}"], r + 2, w["total"]))
    widths(ws, {"A": 34, "B": 14, "C": 14, "D": 13, "E": 15, "F": 15, "G": 14, "H": 13, "I": 10})
    page(ws, lang, freeze="A4")


def acquisition_sheet(ws: Worksheet, lang: str) -> None:
    w = W[lang]
    ws.title = w["acquisition"]
    title(ws, w["acquisition_title"], w["source_line"], 8)
    r = kpi_rows(ws, 4, ACQUISITION_KPIS, lang) + 1
    section(ws, r, w["by_channel"], 8)
    labels = [w["channel"], w["leads_col"], w["won"], w["revenue"], w["new_customers"], w["cpl"], w["cac"], w["roi"]]
    kinds = ["text", "count", "count", "money", "count", "money", "money", "pct"]
    expr = '{{ top.acquisition_by_channel | columns(["channel", "leads_created", "deals_won", "revenue", "new_customers", "cost_per_lead", "cac", "roi"]) | noheader }}'
    head = r + 1
    table(ws, head, labels, expr, kinds, lang,
          sums(["A", "B", "C", "D", "E", "{{ kpi.cost_per_lead }}", "{{ kpi.cac }}", "{{ kpi.roi }}"], head + 1, w["total"]))
    ws.conditional_formatting.add(f"H{head + 1}:H{head + 1}", CellIsRule(operator="lessThan", formula=["0"], fill=BAD_FILL,
                                                                       font=Font(color="9C0006")))
    widths(ws, {"A": 34, "B": 15, "C": 15, "D": 15, "E": 15, "F": 15, "G": 14, "H": 13})
    page(ws, lang, freeze="A4")


TREND_A_HEAD, TREND_B_HEAD = 40, 44  # template rows of the trend tables' headers (data rows just below)


def trends_sheet(ws: Worksheet, lang: str) -> None:
    """Six native charts on the first page, pointing at two trend tables on the second page (one row
    per month: the engine expands the data row into 13)."""
    w = W[lang]
    ws.title = w["trends"]
    title(ws, w["trends_title"], w["source_line"], 11)
    a_head, b_head = TREND_A_HEAD, TREND_B_HEAD
    section(ws, a_head - 1, w["sales_table"], 11)
    a_labels = [w["month"], w["revenue"], w["revenue_target"], w["won"], w["win_rate"], w["avg_deal"], w["cycle"],
                w["new_opps"], w["pipeline_open"], w["weighted"], w["attainment"]]
    a_kinds = ["text", "money", "money", "count", "pct", "money", "days", "count", "money", "money", "pct"]
    a_expr = '{{ trend | columns(["month", "revenue", "revenue_target", "deals_won", "win_rate", "average_deal_size", "sales_cycle_days", "new_opportunities", "open_pipeline_value", "weighted_pipeline", "quota_attainment"]) | noheader }}'
    table(ws, a_head, a_labels, a_expr, a_kinds, lang)
    section(ws, b_head - 1, w["market_table"], 11)
    b_labels = [w["month"], w["activities"], w["meetings"], w["leads_created"], w["conversion"], w["active_customers"],
                w["mrr"], w["churn_rate"], w["nps"], w["cac"], w["roi"]]
    b_kinds = ["text", "count", "count", "count", "pct", "count", "money", "pct", "score", "money", "pct"]
    b_expr = '{{ trend | columns(["month", "activities_total", "meetings", "leads_created", "conversion_rate", "active_customers", "mrr", "churn_rate", "nps", "cac", "roi"]) | noheader }}'
    table(ws, b_head, b_labels, b_expr, b_kinds, lang)
    ws.row_breaks.append(Break(id=a_head - 3))  # the tables print on their own page

    a, b = a_head + 1, b_head + 1  # data rows

    def ref(row: int, c1: int, c2: int | None = None, head: int | None = None) -> Reference:
        return Reference(ws, min_col=c1, max_col=c2 or c1, min_row=head or row, max_row=row)

    charts: list[tuple[object, str]] = []
    c1 = BarChart()
    c1.type = "col"
    c1.add_data(ref(a, 2, head=a_head), titles_from_data=True)
    c1.set_categories(ref(a, 1))
    target = LineChart()
    target.add_data(ref(a, 3, head=a_head), titles_from_data=True)
    c1 += target
    chart_style(c1, w["chart_revenue"], money_axis(lang))
    charts.append((c1, "A4"))

    c2 = LineChart()
    c2.add_data(ref(a, 5, head=a_head), titles_from_data=True)
    c2.add_data(ref(b, 5, head=b_head), titles_from_data=True)
    c2.set_categories(ref(a, 1))
    chart_style(c2, w["chart_rates"], "0%")
    charts.append((c2, "E4"))

    c3 = LineChart()
    c3.add_data(ref(a, 9, 10, head=a_head), titles_from_data=True)
    c3.set_categories(ref(a, 1))
    chart_style(c3, w["chart_pipeline"], money_axis(lang))
    charts.append((c3, "I4"))

    c4 = BarChart()
    c4.type = "col"
    c4.add_data(ref(b, 2, 3, head=b_head), titles_from_data=True)
    c4.set_categories(ref(b, 1))
    chart_style(c4, w["chart_act"], "#,##0")
    charts.append((c4, "A21"))

    c5 = LineChart()
    c5.add_data(ref(b, 7, head=b_head), titles_from_data=True)
    c5.set_categories(ref(b, 1))
    chart_style(c5, w["chart_mrr"], money_axis(lang), legend=False)
    charts.append((c5, "E21"))

    c6 = LineChart()
    c6.add_data(ref(b, 9, head=b_head), titles_from_data=True)
    c6.set_categories(ref(b, 1))
    chart_style(c6, w["chart_nps"], "0", legend=False)
    charts.append((c6, "I21"))
    for chart, anchor in charts:
        chart.height = 8.0
        chart.x_axis.txPr = _text(800, rot=-2700000)  # 13 month labels: slanted
        ws.add_chart(chart, anchor)
    widths(ws, {"A": 11, **{col(c): 12 for c in range(2, 12)}})
    page(ws, lang)


def commissions_sheet(ws: Worksheet, lang: str, heading: str | None = None) -> None:
    """The team's statements, one row per rep, with the calculator's warnings."""
    w = W[lang]
    ws.title = w["commissions"] if heading is None else heading
    labels = [w["rep"], w["plan"], w["credited"], w["quota"], w["plan_attainment"], w["rate_commission"], w["spiffs"],
              w["clawbacks"], w["earned"], w["recovered"], w["deferred"], w["draw"], w["payable"], w["balance"]]
    kinds = ["text", "text", "money2", "money2", "pct", "money2", "money2", "money2", "money2", "money2", "money2",
             "money2", "money2", "money2"]
    title(ws, w["commissions_title"] if heading is None else w["statements_title"], w["source_line"], len(labels))
    put(ws, "A4", "{% if statements.available %}")
    expr = '{{ statements.summary | columns(["rep", "plan", "credited", "quota", "attainment", "commission", "spiffs", "clawbacks", "earned", "recovered", "deferred", "draw", "payable", "balance_out"]) | noheader }}'
    table(ws, 5, labels, expr, kinds, lang,
          sums(["A", None, "C", "D", None, "F", "G", "H", "I", "J", "K", "L", "M", "N"], 6, w["total"]))
    attainment_colours(ws, "E6:E6")
    put(ws, "A8", w["payable_note"], SMALL)
    note(ws, 9, w["attainment_note"], len(labels))
    put(ws, "A10", "{% for warning in statements.warnings %}")
    put(ws, "A11", "⚠ {{ warning }}", Font(name="Calibri", size=10, color="9C5700"))
    put(ws, "A12", "{% endfor %}")
    put(ws, "A13", "{% else %}")
    put(ws, "A14", "{{ statements.reason }}", Font(name="Calibri", size=11, italic=True, color="9C5700"))
    put(ws, "A15", "{% endif %}")
    widths(ws, {"A": 22, "B": 12, **{col(c): 12.5 for c in range(3, 15)}})
    page(ws, lang, title_rows="5:5", freeze="B6")  # a long team: the header on every page


def rep_sheet(ws: Worksheet, lang: str, *, with_kpis: bool = True) -> None:
    """One sheet per rep (``{% sheet for r in reps %}``): the rep's own KPIs against the previous
    period, the rep's quota and the team, then the rep's commission statement, deal by deal."""
    w = W[lang]
    ws.title = "{{ r.name }}"
    put(ws, "A1", "{% sheet for r in reps %}")
    title(ws, w["rep_title"], w["rep_sub"], 10, row=2)
    r = 5
    if with_kpis:
        section(ws, 5, w["my_kpis"], 10)
        r = kpi_rows(ws, 6, REP_KPIS, lang, prefix="r.cards", rep=True)
        put(ws, f"A{r}", w["rep_note"], SMALL)
        r += 2
        # the statement on a page of its own: printed after the KPIs it left its table's header
        # and first deal alone at the foot of page 1, the other deals and the total on page 2; no
        # statement (no plan): its one-line note stays on the KPIs' page (a page per rep, not two)
        put(ws, f"A{r - 1}", "{% if r.has_statement %}")
        page_break_after(ws, r)
        put(ws, f"A{r + 1}", "{% endif %}")
        r += 2
    section(ws, r, w["statement"] + " — {{ period.label }}", 10)
    r += 1
    put(ws, f"A{r}", "{% if r.has_statement %}")
    r += 1
    figures = [("plan", "{{ r.statement.plan }}", "text"), ("credited", "{{ r.statement.credited }}", "money2"),
               ("quota", "{{ r.statement.quota }}", "money2"), ("plan_attainment", "{{ r.statement.attainment }}", "pct"),
               ("rate", "{{ r.statement.rate }}", "pct"), ("rate_commission", "{{ r.statement.commission }}", "money2"),
               ("spiffs", "{{ r.statement.spiffs }}", "money2"), ("clawbacks", "{{ r.statement.clawbacks }}", "money2"),
               ("earned", "{{ r.statement.earned }}", "money2"), ("recovered", "{{ r.statement.recovered }}", "money2"),
               ("deferred", "{{ r.statement.deferred }}", "money2"), ("draw", "{{ r.statement.draw }}", "money2"),
               ("payable", "{{ r.statement.payable }}", "money2"), ("balance", "{{ r.statement.balance_out }}", "money2")]
    half = (len(figures) + 1) // 2
    for i, (key, expr, kind) in enumerate(figures):
        rr, c = r + i % half, 1 if i < half else 4
        strong = key in ("payable", "earned")
        put(ws, f"{col(c)}{rr}", w[key], BOLD if strong else BODY, border=BOX, fill=PatternFill("solid", fgColor=PALE))
        if c == 4:
            ws.merge_cells(start_row=rr, start_column=4, end_row=rr, end_column=5)
            ws.cell(rr, 5).border = BOX
        put(ws, f"{col(c + 1 if c == 1 else 6)}{rr}", expr, BOLD if strong else BODY, fmt(kind, lang), border=BOX,
            alignment=Alignment(horizontal="right"))
    attainment_colours(ws, f"B{r + 3}:B{r + 3}")  # the plan attainment, against 100 %
    note(ws, r + half, w["attainment_note"], 10)
    r += half + 2
    labels = [w["account"], w["line_kind"], w["deal"], w["close_date"], w["amount"], w["share"], w["weight"],
              w["credited"], w["line_rate"], w["line_commission"]]
    kinds = ["text", "text", "text", "date", "money2", "pct", "pct", "money2", "pct", "money2"]
    expr = '{{ r.statement_lines | columns(["account", "kind", "deal_id", "close_date", "amount", "share", "weight", "credited", "rate", "commission"]) | noheader }}'
    table(ws, r, labels, expr, kinds, lang, sums(["A", None, None, None, None, None, None, "H", None, "J"], r + 1, w["earned"]))
    r += 3
    put(ws, f"A{r}", "{% endif %}")
    put(ws, f"A{r + 1}", "{% for note in r.statement_notes %}")
    put(ws, f"A{r + 2}", "{{ note }}", Font(name="Calibri", size=10, italic=True, color="9C5700"))
    put(ws, f"A{r + 3}", "{% endfor %}")
    widths(ws, {"A": 34, "B": 17, "C": 13, "D": 13, "E": 13, "F": 13, "G": 12, "H": 13, "I": 10, "J": 13})
    page(ws, lang, freeze="A5")


def reps_sheet(ws: Worksheet, lang: str) -> None:
    """The add-in's reps sheet: one row per rep, one column per KPI of the per-rep view
    (:func:`kpis.present.views.rep_kpis`), the team's value below (a rate's team value is the
    team's rate, never a sum)."""
    w = W[lang]
    ws.title = w["reps_sheet"]
    ids = list(REP_KPIS)
    labels = [w["rep"], *[name(k, lang) for k in ids]]
    title(ws, w["reps_title"], w["source_line"], min(len(labels), 12))
    expr = "{{ reps_table | columns(%s) | noheader }}" % ('["rep", ' + ", ".join(f'"{k}"' for k in ids) + "]")
    totals = [w["team"], *["{{ kpi.%s }}" % k for k in ids]]
    nxt = table(ws, 4, labels, expr, ["text", *[unit(k) for k in ids]], lang, totals)
    if "quota_attainment" in ids:
        c = col(2 + ids.index("quota_attainment"))
        attainment_colours(ws, f"{c}5:{c}5")
    note(ws, nxt, w["attainment_note"], min(len(labels), 12))
    widths(ws, {"A": 22, **{col(c): 13 for c in range(2, len(labels) + 1)}})
    page(ws, lang, title_rows="4:4", freeze="B5")


def quality_sheet(ws: Worksheet, lang: str) -> None:
    w = W[lang]
    ws.title = w["quality"]
    title(ws, w["quality_title"], w["quality_sub"], 7)
    section(ws, 4, w["tables_read"], 7)
    expr = '{{ tables_read | columns(["label", "rows", "source"]) | noheader }}'
    table(ws, 5, [w["table"], w["rows"], w["range"]], expr, ["text", "count", "text"], lang)
    section(ws, 8, w["problems"], 7)
    labels = [w["sheet"], w["row"], w["column"], w["found"], w["action"], w["severity"], w["why"]]
    kinds = ["text", "int", "text", "text", "text", "text", "text"]
    expr = '{{ quality | columns(["sheet", "row", "column", "value", "action", "severity", "reason"]) | noheader }}'
    table(ws, 9, labels, expr, kinds, lang)
    ws["G10"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.conditional_formatting.add("A10:G10", FormulaRule(formula=[f'$F10="{w["error_word"]}"'], fill=BAD_FILL))
    widths(ws, {"A": 20, "B": 9, "C": 28, "D": 22, "E": 14, "F": 14, "G": 80})
    page(ws, lang, title_rows="9:9", freeze="A10")  # a long list's later pages keep its header


# -- workbooks -------------------------------------------------------------------------------------
def _fixed(wb: Workbook) -> None:
    """Reproducible files: fixed document properties."""
    wb.properties.created = wb.properties.modified = dt.datetime(2026, 1, 1)
    wb.properties.creator = "kpis"
    wb.properties.title = "kpis"


def build_report(path: Path, lang: str) -> None:
    wb = Workbook()
    builders: list[Callable[[Worksheet, str], None]] = [
        summary_sheet, kpis_sheet, leaderboard_sheet, pipeline_sheet, activities_sheet, leads_sheet, customers_sheet,
        acquisition_sheet, trends_sheet, commissions_sheet, rep_sheet, quality_sheet,
    ]
    for i, build in enumerate(builders):
        ws = wb.active if i == 0 else wb.create_sheet()
        build(ws, lang)
    summary_charts(wb, lang)
    _sibling("pages_history").add_pages(wb, lang, globals())  # pipeline movement, deals to watch
    _sibling("pages_forecast").extend_report(wb, lang, globals())  # forecast page, commentary rows
    _fixed(wb)
    wb.save(path)


def build_sheets(path: Path, lang: str) -> None:
    """The add-in's KPI sheets (« Actualiser les indicateurs »): the report's own pages -- same
    builders, same number formats, same colours -- under the add-in's sheet names."""
    from kpis.xl.sheets import SHEET_NAMES

    w = W[lang]
    wb = Workbook()
    pages: list[tuple[str, Callable[[Worksheet, str], None]]] = [
        ("summary", lambda ws, lg: kpis_sheet(ws, lg, heading=w["summary_title"])),
        ("reps", reps_sheet), ("pipeline", pipeline_sheet), ("funnel", leads_sheet), ("customers", customers_sheet),
        ("acquisition", acquisition_sheet), ("quality", quality_sheet),
    ]
    for i, (role, build) in enumerate(pages):
        ws = wb.active if i == 0 else wb.create_sheet()
        build(ws, lang)
        ws.title = SHEET_NAMES[role][0 if lang == "fr" else 1].removeprefix("KPI - ")
    _fixed(wb)
    wb.save(path)


def build_rep(path: Path, lang: str) -> None:
    wb = Workbook()
    rep_sheet(wb.active, lang)
    _sibling("pages_forecast").extend_rep(wb, lang, globals())
    _fixed(wb)
    wb.save(path)


def build_statements(path: Path, lang: str) -> None:
    wb = Workbook()
    commissions_sheet(wb.active, lang, heading=W[lang]["summary"])
    rep_sheet(wb.create_sheet(), lang, with_kpis=False)
    _fixed(wb)
    wb.save(path)


def _sibling(name: str):
    """A page module beside this script (``templates/NAME.py``), loaded by path: this script runs
    without a package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"kpis_templates_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILDERS = {"report": build_report, "rep": build_rep, "statements": build_statements, "sheets": build_sheets}


def build_all(out_dir: Path = OUT) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, names in FILES.items():
        for lang, file_name in names.items():
            path = out_dir / file_name
            BUILDERS[kind](path, lang)
            paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    for p in build_all(target):
        print(p)
