"""Cross-check against a real spreadsheet engine.

The example's canonical data is written to a workbook with *formulas* (SUMIFS, COUNTIFS, AVERAGEIFS,
SUMPRODUCT…) that compute eight KPIs for October 2026 the way an analyst would in a spreadsheet;
LibreOffice headless recalculates it, and the engine must give the same numbers.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpis.engine import compute
from kpis.periods import parse_period
from tests.helpers.libreoffice import recalc

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

OCT = parse_period("2026-10")
KPIS = ["revenue", "deals_won", "win_rate", "average_deal_size", "sales_cycle_days", "churn_rate", "nps", "quota_attainment"]


@pytest.fixture(scope="module")
def example_ds(example_fr):
    if not example_fr.exists():
        pytest.skip("examples/suivi_commercial.xlsx is not generated")
    from kpis.reader import read_workbook

    return read_workbook(example_fr)


def _cell(v):
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if hasattr(v, "item"):
        return v.item()
    return v


def _sheet(wb, name: str, df: pd.DataFrame, cols: list[str]) -> int:
    ws = wb.create_sheet(name)
    ws.append(cols)
    for row in df[cols].itertuples(index=False):  # writing a test workbook: a few thousand rows
        ws.append([_cell(v) for v in row])
    return len(df) + 1  # last row


def write_crosscheck(ds, path: Path) -> None:
    deals = ds.tables["deals"]
    customers = ds.tables["customers"]
    surveys = ds.tables["surveys"]
    targets = ds.tables["targets"]
    team = ds.tables["team"]
    splits = ds.tables.get("splits", pd.DataFrame(columns=["deal_id", "rep", "share"]))

    wb = openpyxl.Workbook()
    kpi = wb.active
    kpi.title = "KPI"
    kpi["A1"], kpi["B1"] = "start", datetime(2026, 10, 1)
    kpi["A2"], kpi["B2"] = "end", datetime(2026, 10, 31)
    kpi["A3"], kpi["B3"] = "days", "=B2-B1+1"

    nd = _sheet(wb, "Deals", deals, ["deal_id", "rep", "status", "amount", "created_date", "close_date"])
    ds_ = wb["Deals"]
    ds_["G1"], ds_["H1"] = "cycle", "has_split"
    for r in range(2, nd + 1):
        ds_[f"G{r}"] = f'=IF(AND(E{r}<>"",F{r}<>""),F{r}-E{r},"")'
        ds_[f"H{r}"] = f"=COUNTIF(Splits!$A:$A,A{r})"
    ns = _sheet(wb, "Splits", splits, ["deal_id", "rep", "share"])
    sp = wb["Splits"]
    sp["D1"], sp["E1"] = "norm_share", "amount_in_P"
    for r in range(2, ns + 1):
        sp[f"D{r}"] = f"=C{r}/SUMIF($A:$A,A{r},$C:$C)"
        sp[f"E{r}"] = f'=SUMIFS(Deals!$D:$D,Deals!$A:$A,A{r},Deals!$C:$C,"won",Deals!$F:$F,">="&KPI!$B$1,Deals!$F:$F,"<="&KPI!$B$2)'
    _sheet(wb, "Customers", customers, ["customer_id", "start_date", "end_date"])
    _sheet(wb, "Surveys", surveys, ["date", "score"])
    _sheet(wb, "Targets", targets, ["rep", "period", "quota"])
    tm = team.drop_duplicates("rep")
    nt = _sheet(wb, "Team", tm, ["rep", "hire_date", "leave_date"])
    t = wb["Team"]
    t["D1"], t["E1"], t["F1"] = "quota", "credited", "days_employed"
    for r in range(2, nt + 1):
        # Days employed in P: [max(start, hire), min(end, leave)], blanks = open-ended.
        t[f"F{r}"] = (f'=MAX(0,MIN(KPI!$B$2,IF(C{r}="",KPI!$B$2,C{r}))-MAX(KPI!$B$1,IF(B{r}="",KPI!$B$1,B{r}))+1)')
        t[f"D{r}"] = f'=SUMIFS(Targets!$C:$C,Targets!$A:$A,A{r},Targets!$B:$B,KPI!$B$1)*F{r}/KPI!$B$3'
        # Deals without split rows go 100 % to their rep; split deals by normalised share.
        t[f"E{r}"] = (f'=SUMIFS(Deals!$D:$D,Deals!$B:$B,A{r},Deals!$C:$C,"won",Deals!$F:$F,">="&KPI!$B$1,'
                      f'Deals!$F:$F,"<="&KPI!$B$2,Deals!$H:$H,0)'
                      f'+SUMPRODUCT((Splits!$B$2:$B${ns}=A{r})*Splits!$D$2:$D${ns}*Splits!$E$2:$E${ns})')

    in_p = 'Deals!$F:$F,">="&$B$1,Deals!$F:$F,"<="&$B$2'
    formulas = {
        "revenue": f'=SUMIFS(Deals!$D:$D,Deals!$C:$C,"won",{in_p})',
        "deals_won": f'=COUNTIFS(Deals!$C:$C,"won",{in_p})',
        "win_rate": f'=B5/(B5+COUNTIFS(Deals!$C:$C,"lost",{in_p}))',
        "average_deal_size": "=B4/B5",
        "sales_cycle_days": f'=AVERAGEIFS(Deals!$G:$G,Deals!$C:$C,"won",{in_p},Deals!$G:$G,">=0")',
        "churn_rate": (
            '=COUNTIFS(Customers!$B:$B,"<"&$B$1,Customers!$C:$C,">="&$B$1,Customers!$C:$C,"<="&$B$2)'
            '/(COUNTIFS(Customers!$B:$B,"<"&$B$1,Customers!$C:$C,"")+COUNTIFS(Customers!$B:$B,"<"&$B$1,Customers!$C:$C,">="&$B$1))'
        ),
        "nps": (
            '=(COUNTIFS(Surveys!$A:$A,">="&$B$1,Surveys!$A:$A,"<="&$B$2,Surveys!$B:$B,">=9",Surveys!$B:$B,"<=10")'
            '-COUNTIFS(Surveys!$A:$A,">="&$B$1,Surveys!$A:$A,"<="&$B$2,Surveys!$B:$B,">=0",Surveys!$B:$B,"<=6"))'
            '/COUNTIFS(Surveys!$A:$A,">="&$B$1,Surveys!$A:$A,"<="&$B$2,Surveys!$B:$B,">=0",Surveys!$B:$B,"<=10")*100'
        ),
        # Team attainment: Σ credited / Σ quota over the reps carrying a quota in P.
        "quota_attainment": f'=SUMPRODUCT((Team!$D$2:$D${nt}>0)*Team!$E$2:$E${nt})/SUM(Team!$D$2:$D${nt})',
    }
    for i, k in enumerate(KPIS, start=4):
        kpi[f"A{i}"] = k
        kpi[f"B{i}"] = formulas[k]
    wb.save(path)


def test_engine_matches_libreoffice(example_ds, tmp_path):
    path = tmp_path / "crosscheck.xlsx"
    write_crosscheck(example_ds, path)
    values = recalc(path)["KPI"]
    sheet = {row[0]: row[1] for row in values[3:3 + len(KPIS)]}
    ours = compute(example_ds, OCT, kpis=KPIS, compare=False)
    for k in KPIS:
        assert ours[k].status == "ok", (k, ours[k].reason)
        assert isinstance(sheet[k], (int, float)), (k, sheet[k])
        assert ours[k].value == pytest.approx(sheet[k], rel=1e-9, abs=1e-9), k
