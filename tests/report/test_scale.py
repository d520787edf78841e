"""Reports that scale with the team: the default report rendered for 3, 10, 30 and 100 reps (the
sample generator's team, relabelled to N reps) and printed by LibreOffice. The pages were looked at
by hand (PNG at 50 dpi; see docs/report.md, "Views that scale with the team"); these tests keep what
was seen: a bounded page count, headers repeated on long tables, one horizontal bar per rep sorted
largest first, the "others" rows adding up."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from kpis.periods import parse_period
from kpis.report.topn import CHART_N, SUMMARY_N, TABLE_N
from tests.helpers import libreoffice as lo

pytestmark = [pytest.mark.slow]

PERIOD = parse_period("2026-10")
SIZES = (3, 10, 30, 100)
HORIZONTAL = re.compile(r'<(?:c:)?barDir val="bar"/>')


class Team:
    def __init__(self, n: int, tmp):
        import datetime as dt

        from kpis.config import Config
        from kpis.reader import read_workbook
        from kpis.report import build_context, default_template, render_report
        from kpis.demo.sample import build_truth, write_workbook

        self.n = n
        path = tmp / f"team_{n}.xlsx"
        write_workbook(build_truth(seed=7, reps=n, months=14, scale=max(0.3, n / 40)), path, lang="fr")
        cfg = Config()
        ds = read_workbook(path, cfg)
        self.ctx = build_context(ds, PERIOD, cfg, lang="fr", generated_at=dt.datetime(2026, 11, 16, 9))
        self.out = render_report(default_template("report", "fr"), self.ctx, lang="fr").save(tmp / f"report_{n}.xlsx")
        self.wb = openpyxl.load_workbook(self.out)
        self.reps = len(self.ctx["reps"])


@pytest.fixture(scope="module", params=SIZES, ids=[f"{n}_reps" for n in SIZES])
def team(request, tmp_path_factory):
    return Team(request.param, tmp_path_factory.mktemp(f"team{request.param}"))


def _charts(path, sheet_index: int) -> list[str]:
    """The chart XML parts drawn on the workbook's ``sheet_index``-th sheet (1-based)."""
    with zipfile.ZipFile(path) as z:
        rels = z.read(f"xl/worksheets/_rels/sheet{sheet_index}.xml.rels").decode()
        drawing = re.search(r'Target="\.\./drawings/([^"]+)"', rels).group(1)
        drels = z.read(f"xl/drawings/_rels/{drawing}.rels").decode()
        return [z.read("xl/charts/" + c).decode() for c in re.findall(r'Target="\.\./charts/([^"]+)"', drels)]


def _drawing(path, sheet_index: int) -> str:
    with zipfile.ZipFile(path) as z:
        rels = z.read(f"xl/worksheets/_rels/sheet{sheet_index}.xml.rels").decode()
        return z.read("xl/drawings/" + re.search(r'Target="\.\./drawings/([^"]+)"', rels).group(1)).decode()


def _column(ws, header_row: int, col: int, n: int) -> list:
    return [ws.cell(header_row + 1 + i, col).value for i in range(n)]


def test_by_rep_charts_are_horizontal_sorted_and_grow_with_the_team(team):
    names = team.wb.sheetnames
    board = team.wb["Classement"]
    (chart,) = _charts(team.out, names.index("Classement") + 1)
    assert HORIZONTAL.search(chart)  # horizontal bars: names readable
    shown = min(team.n, CHART_N)
    # the chart's own data (hidden columns M:O), largest revenue first
    head = next(r for r in range(1, board.max_row + 1) if board.cell(r, 13).value == "Commercial")
    revenue = _column(board, head, 14, shown)
    assert revenue == sorted(revenue, reverse=True) and None not in revenue
    assert board.cell(head + 1 + shown, 13).value is None  # no more bars than reps (capped)
    refs = re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", chart)
    assert f"Classement!$M${head + 1}:$M${head + shown}" in refs  # the categories: one per bar
    rows = [int(r) for r in re.findall(r"<(?:xdr:)?row>(\d+)</(?:xdr:)?row>", _drawing(team.out, names.index("Classement") + 1))]
    assert rows[1] - rows[0] >= shown  # at least one row of height per bar: the chart grew
    summary = _charts(team.out, names.index("Synthèse") + 1)
    assert any(HORIZONTAL.search(c) for c in summary)
    activities = _charts(team.out, names.index("Activités") + 1)
    assert all(HORIZONTAL.search(c) for c in activities)
    assert len(team.ctx["top"]["reps_summary"]) == min(team.n, SUMMARY_N)


def _title_row(ws) -> int:
    first, last = ws.print_title_rows.replace("$", "").split(":")
    assert first == last
    return int(first)


def test_long_tables_repeat_their_header_on_every_printed_page(team):
    wb = team.wb
    assert _title_row(wb["Classement"]) == 4
    # no commission plan here: the commissions table is left out, and its header with it
    assert wb["Commissions"].print_title_rows is None and not team.ctx["statements"]["available"]
    watch = wb["Affaires à surveiller"]
    assert watch.cell(_title_row(watch), 3).value == "Affaire"
    for name in ("Prévision", "Mouvement du pipeline"):  # the by-rep tables
        assert wb[name].cell(_title_row(wb[name]), 1).value == "Commercial", name


def test_others_row_adds_up_to_the_team(team):
    """Pipeline by rep: the first TABLE_N reps by open pipeline, then « Autres (k commerciaux) » whose
    sums are the other reps' sums (from the full breakdown of the context)."""
    full = team.ctx["pipeline_by_rep"]
    top = team.ctx["top"]["pipeline_by_rep"]
    if len(full) <= TABLE_N + 1:
        assert len(top) == len(full) and not top["rep"].str.startswith("Autres").any()
        return
    assert len(top) == TABLE_N + 1
    others = top.iloc[-1]
    assert others["rep"] == f"Autres ({len(full) - TABLE_N} commerciaux)"
    rest = full.loc[~full["rep"].isin(top["rep"])]
    for c in ("new_opportunities", "open_deals", "open_pipeline_value", "weighted_pipeline", "forecast"):
        assert others[c] == pytest.approx(rest[c].sum()), c
    assert top["open_pipeline_value"].sum() == pytest.approx(team.ctx["kpi"]["open_pipeline_value"])
    # and it is what the sheet shows, above the team's total
    ws = team.wb["Pipeline"]
    labels = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    i = labels.index(others["rep"])
    assert labels[i + 1] == "Équipe"


@pytest.mark.libreoffice
def test_page_count_stays_bounded(team, tmp_path, monkeypatch):
    monkeypatch.setattr(lo, "TIMEOUT", max(lo.TIMEOUT, 900))  # 100 rep sheets take LibreOffice minutes
    pages = len(lo.pdf_to_pngs(lo.to_pdf(team.out, tmp_path), dpi=10))
    # one page per rep sheet (no plan here: no statement page), the team's pages bounded whatever its
    # size: 138 pages for Maven's 35 reps before (45 pages of deals to watch, 2 per rep)
    team_pages = pages - team.reps
    assert team_pages <= 30, (team.n, pages)



def test_with_a_plan_the_commissions_header_repeats_and_each_statement_has_its_page(fr):
    wb = openpyxl.load_workbook(fr.out)
    commissions = wb["Commissions"]
    assert commissions.cell(_title_row(commissions), 1).value == "Commercial"
    rep = wb[fr.ctx["reps"][0]["name"]]
    assert fr.ctx["reps"][0]["has_statement"] and len(rep.row_breaks.brk) == 1
