"""Every function in cells, called the way Excel's Office.js runtime calls it
(``xlwings.server.custom_functions_call``): ranges as 2-D lists with their header row, empty cells
as ``None``, dates as Excel serial numbers, omitted optional arguments, wrong types."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from xlwings.server import custom_functions_meta

import kpis.xl.udfs as U
from kpis.config import Config
from kpis.engine import REGISTRY, compute_kpi, default_period
from kpis.reader import read_workbook

from .conftest import call_function

EPOCH = dt.datetime(1899, 12, 30)
VALUE = {"type": "Error", "errorType": "Value"}
NA = {"type": "Error", "errorType": "NotAvailable"}
DIV0 = {"type": "Error", "errorType": "Div0"}
NUM = {"type": "Error", "errorType": "Num"}


def office_range(grid: list[list]) -> list[list]:
    """A range as a custom function receives it: no cell formats, so dates are serial numbers."""
    out = []
    for row in grid:
        cells = []
        for v in row:
            if isinstance(v, dt.datetime):
                v = (v - EPOCH).total_seconds() / 86400
            elif isinstance(v, dt.date):
                v = (dt.datetime(v.year, v.month, v.day) - EPOCH).days
            elif v == "":
                v = None
            cells.append(v)
        out.append(cells)
    return out


def _sheet(path, name: str) -> list[list]:
    import python_calamine as pc

    grid = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    first = next(i for i, r in enumerate(grid) if sum(1 for c in r if isinstance(c, str) and c.strip()) >= 3)
    return office_range(grid[first:])  # from the header row down: what a user selects


@pytest.fixture(scope="module")
def data(example_path):
    ds = read_workbook(example_path, Config())
    return {
        "ds": ds,
        "period": default_period(ds),
        "deals": _sheet(example_path, "Affaires"),
        "customers": _sheet(example_path, "Clients"),
        "spend": _sheet(example_path, "Dépenses"),
        "surveys": _sheet(example_path, "Enquêtes NPS"),
        "targets": _sheet(example_path, "Objectifs"),
        "activities": _sheet(example_path, "Activités"),
    }


def call(name, *args):
    return call_function(U, name, *args)


def scalar(result):
    assert isinstance(result, list) and len(result) == 1 and len(result[0]) == 1, result
    return result[0][0]


def engine(data, kpi_id, *, period=None, by=None):
    return compute_kpi(data["ds"], kpi_id, period or data["period"], config=Config(), by=by)


def test_no_parameter_is_named_like_a_function():
    """Desktop xlwings writes a VBA wrapper per function: VBA cannot tell parameter KPI from function KPI."""
    meta = custom_functions_meta(U)
    for f in meta["functions"]:
        assert f["name"].lower() not in [p["name"].lower() for p in f["parameters"]], f["name"]


def test_meta_lists_every_function_with_help():
    meta = custom_functions_meta(U)
    names = {f["name"] for f in meta["functions"]}
    assert {"KPI", "KPI_TABLE", "KPI_EXPLAIN", "KPI_CATALOG", "COMMISSION", "QUOTA_ATTAINMENT", "NPS", "WIN_RATE",
            "CHURN_RATE", "CLV", "CAC", "REVERSE_FUNNEL", "REVERSE_FUNNEL_RATES"} <= names
    for f in meta["functions"]:
        assert f["description"] and not f["description"].startswith("Python function"), f["name"]
        for p in f["parameters"]:
            assert p["description"] and not p["description"].startswith("Positional argument"), (f["name"], p["name"])
        assert f["result"]["dimensionality"] == "matrix"
    kpi = next(f for f in meta["functions"] if f["name"] == "KPI")
    assert [p["name"] for p in kpi["parameters"]] == ["kpi_id", "table", "period", "by", "key", "table2", "table3"]
    assert [p.get("optional", False) for p in kpi["parameters"]] == [False, False, True, True, True, True, True]


def test_descriptions_in_french(monkeypatch):
    """KPIS_LANG=fr when the module is imported (addin/lite/main.py sets it) gives French help."""
    import importlib

    monkeypatch.setenv("KPIS_LANG", "fr")
    fr = importlib.reload(U)
    try:
        meta = custom_functions_meta(fr)
        kpi = next(f for f in meta["functions"] if f["name"] == "KPI")
        assert kpi["description"].startswith("Valeur d'un indicateur")
        assert kpi["parameters"][2]["description"].startswith("Période")
    finally:
        monkeypatch.delenv("KPIS_LANG")
        importlib.reload(U)


@pytest.mark.parametrize("kpi_id", ["revenue", "win_rate", "average_deal_size", "deals_lost", "sales_cycle_days", "open_pipeline_value"])
def test_kpi_over_a_deals_range_equals_the_engine(data, kpi_id):
    got = scalar(call("kpi", [[kpi_id]], data["deals"], [[data["period"].label]]))
    assert math.isclose(got, engine(data, kpi_id).value, rel_tol=1e-9)


def test_kpi_by_name_default_period_and_empty_optionals(data):
    want = engine(data, "win_rate").value
    # A French name, the period omitted (trailing arguments left off, as Excel does when unused)
    assert math.isclose(scalar(call("kpi", [["Taux de réussite"]], data["deals"])), want)
    # The same with optional arguments sent as empty cells
    assert math.isclose(scalar(call("kpi", [["win_rate"]], data["deals"], [[None]], [[None]], [[None]], [[None]], [[None]])), want)
    # An English name, a date as the period (its month), given as a serial number
    serial = (dt.datetime(data["period"].start.year, data["period"].start.month, 15) - EPOCH).days
    assert math.isclose(scalar(call("kpi", [["Win rate"]], data["deals"], [[serial]])), want)


def test_kpi_breakdown_and_key(data):
    r = engine(data, "revenue", by="rep")
    rep, value = next(iter(r.by["rep"].items()))
    got = scalar(call("kpi", [["revenue"]], data["deals"], [[data["period"].label]], [["commercial"]], [[rep.upper()]]))
    assert math.isclose(got, value)
    spill = call("kpi", [["revenue"]], data["deals"], [[data["period"].label]], [["rep"]])
    assert spill[0] == ["Commercial", "Chiffre d'affaires"]
    got_by = {row[0]: row[1] for row in spill[1:]}
    want_by = {k: ("" if v is None else v) for k, v in r.by["rep"].items()}
    assert got_by == pytest.approx({k: want_by[k] for k in got_by})
    # The engine also lists team members without a deal (0); the UDF was given the deals range only.
    assert all(want_by[k] == 0 for k in set(want_by) - set(got_by))
    assert scalar(call("kpi", [["revenue"]], data["deals"], [[None]], [["rep"]], [["Personne"]])) == NA
    assert scalar(call("kpi", [["revenue"]], data["deals"], [[None]], [[None]], [["Alice"]])) == VALUE  # key without by


def test_kpi_over_two_ranges(data):
    """quota attainment needs deals and targets: the second range is recognised as targets."""
    from kpis.dataset import Dataset

    got = scalar(call("kpi", [["quota_attainment"]], data["deals"], [[data["period"].label]], [[None]], [[None]], data["targets"]))
    t = data["ds"].tables
    only = Dataset.from_frames(deals=t["deals"], splits=t["splits"], targets=t["targets"])  # no team table given
    want = compute_kpi(only, "quota_attainment", data["period"], config=Config()).value
    assert math.isclose(got, want, rel_tol=1e-9)


def test_kpi_errors(data):
    assert scalar(call("kpi", [["taux de reussit"]], data["deals"])) == VALUE  # unknown KPI
    assert scalar(call("kpi", [["nps"]], data["deals"])) == NA  # the range has no surveys
    assert scalar(call("kpi", [["revenue"]], data["deals"], [["octobre ?"]])) == VALUE  # bad period
    assert scalar(call("kpi", [["revenue"]], data["deals"], [[None]], [["couleur"]])) == VALUE  # bad breakdown
    assert scalar(call("kpi", [["revenue"]], [[1, 2], [3, 4]])) == VALUE  # no header row
    assert scalar(call("kpi", [["revenue"]], [["Pomme", "Poire"], ["a", "b"]])) == VALUE  # headers of nothing
    assert scalar(call("kpi", [[None]], data["deals"])) == VALUE  # no KPI
    assert scalar(call("kpi", [["win_rate"]], data["deals"], [["1990-01"]])) == DIV0  # nothing closed then
    assert scalar(call("kpi", [[True]], data["deals"])) == VALUE


def test_kpi_distribution_spills(data):
    r = engine(data, "lost_reasons")
    rows = call("kpi", [["lost_reasons"]], data["deals"], [[data["period"].label]])
    assert {k: v for k, v in rows} == pytest.approx(r.value)


def test_kpi_explain(data):
    text = scalar(call("kpi_explain", [["win_rate"]], data["deals"], [[data["period"].label]]))
    assert text.startswith("Taux de réussite = ") and "ventes conclues" in text
    text = scalar(call("kpi_explain", [["nps"]], data["deals"], [[None]], [[None]], [[None]], [[None]], [[None]], [["en"]]))
    assert text.startswith("#N/A") and "missing input (Customer surveys)" in text  # the table by its label


def test_kpi_table(data):
    rows = call("kpi_table", data["deals"], [[data["period"].label]])
    assert rows[0] == ["Indicateur", "Nom", "Valeur", "Unité", "État"]
    ids = [r[0] for r in rows[1:]]
    assert "revenue" in ids and "nps" not in ids  # only what a deals range allows
    got = {r[0]: r[2] for r in rows[1:] if r[3] != "distribution"}
    assert math.isclose(got["revenue"], engine(data, "revenue").value)
    by = call("kpi_table", data["deals"], [[data["period"].label]], [["rep"]], [["revenue", "win_rate"]], [[None]], [[None]], [["en"]])
    assert by[0] == ["Rep", "Revenue", "Win rate"]
    r = engine(data, "win_rate", by="rep")
    for row in by[1:]:
        want = r.by["rep"][row[0]]
        assert (row[2] == "" and want is None) or math.isclose(row[2], want)
    assert scalar(call("kpi_table", data["deals"], [[None]], [[None]], [["revenue, oops"]])) == VALUE


def test_kpi_catalog():
    rows = call("kpi_catalog")
    assert rows[0][:2] == ["Indicateur", "Nom"] and len(rows) == len(REGISTRY) + 1
    team = call("kpi_catalog", [["en"]], [["team"]])
    assert [r[0] for r in team[1:]] == [k.id for k in REGISTRY.values() if k.section == "team"]
    assert scalar(call("kpi_catalog", [["en"]], [["nope"]])) == VALUE


@pytest.mark.parametrize("kpi_id, ranges", [("win_rate", ("deals",)), ("churn_rate", ("customers",)),
                                              ("cac", ("spend", "customers")), ("clv", ("customers", "deals"))])
def test_shortcuts_equal_the_engine(data, kpi_id, ranges):
    args = [data[ranges[0]], [[data["period"].label]], [[None]], [[None]]]
    args += [data[r] for r in ranges[1:]]
    got = scalar(call(kpi_id, *args))
    want = engine(data, kpi_id).value
    assert math.isclose(got, want, rel_tol=1e-9), (kpi_id, got, want)


def test_nps(data):
    assert scalar(call("nps", [[10], [9], [None], [3], [""], [8]])) == pytest.approx(25.0)  # 2 promoters, 1 detractor of 4
    assert scalar(call("nps", [[10, 9, 3, 8]])) == pytest.approx(25.0)  # a row works too
    assert scalar(call("nps", [["9"], ["10"], ["2"]])) == pytest.approx(100 / 3)  # numbers typed as text
    assert scalar(call("nps", [[11]])) == NUM
    assert scalar(call("nps", [["bof"]])) == VALUE
    assert scalar(call("nps", [[None]])) == VALUE
    got = scalar(call("nps", data["surveys"], [[data["period"].label]]))  # a surveys range with headers
    assert math.isclose(got, engine(data, "nps").value)


def test_commission():
    rates = [["À partir de", "Taux"], [0, 0.05], ["100 %", "8 %"], [None, None]]
    assert scalar(call("commission", [[120000]], [[100000]], rates)) == pytest.approx(5000 + 1600)
    assert scalar(call("commission", [[120000]], [[100000]], rates, [["rétroactif"]])) == pytest.approx(120000 * 0.08)
    assert scalar(call("commission", [[40000]], [[100000]], rates, [[None]], [["50 %"]])) == 0  # below the gate
    assert scalar(call("commission", [[120000]], [[100000]], rates, [[None]], [[None]], [[6000]])) == 6000  # capped
    assert scalar(call("commission", [["120 000,00 €"]], [[100000]], [[0, 5], [1, 8]])) == pytest.approx(6600)
    assert scalar(call("commission", [["beaucoup"]], [[100000]], rates)) == VALUE
    assert scalar(call("commission", [[1000]], [[0]], rates)) == NUM
    assert scalar(call("commission", [[1000]], [[100]], [[1, 0.05], [0.5, 0.08]])) == VALUE  # bands not increasing
    assert scalar(call("commission", [[1000]], [[100]], rates, [["au pif"]])) == VALUE
    assert scalar(call("commission", [[1000]], [[100]], [[0, 0.05, 9]])) == VALUE


def test_quota_attainment():
    assert scalar(call("quota_attainment", [[80000]], [[100000]])) == pytest.approx(0.8)
    assert scalar(call("quota_attainment", [[80000]], [[0]])) == DIV0
    assert scalar(call("quota_attainment", [[None]], [[100]])) == VALUE
    assert scalar(call("quota_attainment", [["x"]], [[100]])) == VALUE


def test_reverse_funnel_rates():
    rows = call("reverse_funnel_rates", [[100000]], [[5000]], [["25 %"]], [[0.5]], [[0.2]], [["en"]])
    assert rows == [["Step", "Value"], ["Deals needed", 20], ["Pipeline needed", 400000.0], ["Opportunities needed", 80],
                    ["Meetings needed", 160], ["Calls needed", 800]]
    rows = call("reverse_funnel_rates", [[100000]], [[5000]], [[0.25]])  # no meeting/call rates: those steps empty
    assert rows[4][1] == "" and rows[5][1] == ""
    assert scalar(call("reverse_funnel_rates", [[100000]], [[0]], [[0.25]])) == NUM
    # A rate above 1 is a percentage, as in the tracking workbook: 2 = 2 %.
    assert call("reverse_funnel_rates", [[100000]], [[5000]], [[2]])[2][1] == pytest.approx(100000 / 0.02)
    assert scalar(call("reverse_funnel_rates", [[100000]], [[5000]], [[150]])) == NUM


def test_reverse_funnel_from_data(data):
    from kpis.calculators.quota import plan_quotas

    nxt = data["period"].next()
    rep = data["ds"].tables["team"]["rep"].iloc[0]
    rows = call("reverse_funnel", [[50000]], data["deals"], [[rep]], [[nxt.label]], data["activities"], data["customers"])
    assert rows[0] == ["Étape", "Valeur"] and len(rows) == 7
    assert rows[1][0] == "Affaires à gagner" and isinstance(rows[1][1], int)
    plan = plan_quotas(data["ds"], nxt, 50000, reps=[rep], config=Config())
    assert rows[1][1] == int(plan.table["deals_needed"].iloc[0])
    assert scalar(call("reverse_funnel", [[50000]], data["deals"], [["Personne"]])) == NA
    assert scalar(call("reverse_funnel", [[-5]], data["deals"])) == NUM


def test_functions_never_raise_on_odd_shapes():
    """Whatever Excel passes, a function returns a value or an error value."""
    odd = [None, [[None]], [[""]], [["x"]], [[1]], [[True]], [[1, 2], [3]], [["a", None], [None, None]], [[dt.datetime(2026, 1, 1)]]]
    for f in custom_functions_meta(U)["functions"]:
        name = f["id"].lower()
        n = len(f["parameters"])
        for v in odd:
            result = call(name, *([v] * n))
            assert isinstance(result, list), (name, v)


# -- KPI_FORECAST ----------------------------------------------------------------------------------
def test_kpi_forecast_equals_the_forecast_module(data):
    from kpis.forecast import forecast
    from kpis.periods import month

    want = forecast(data["ds"], month(2026, 11), Config(), as_of=dt.date(2026, 11, 13))
    nov, day = [["2026-11"]], [[(dt.datetime(2026, 11, 13) - EPOCH).days]]  # the as-of date as a date cell
    for figure in ("forecast", "won", "weighted", "open_count", "quota", "p_hit_quota", "p10", "p50", "p90"):
        got = scalar(call("kpi_forecast", data["deals"], nov, [[figure]], [[None]], day, data["targets"]))
        assert math.isclose(got, want[figure], rel_tol=1e-9), figure
    # without targets there is no quota: #N/A for it, a --quota-like argument gives one
    assert scalar(call("kpi_forecast", data["deals"], nov, [["p_hit_quota"]], [[None]], [["2026-11-13"]])) == NA
    p = scalar(call("kpi_forecast", data["deals"], nov, [["p_hit_quota"]], [[want["quota"]]], [["2026-11-13"]]))
    assert math.isclose(p, want["p_hit_quota"], rel_tol=1e-9)


def test_kpi_forecast_table_and_errors(data):
    rows = call("kpi_forecast", data["deals"], [["2026-11"]], [[None]], [[None]], [[None]], data["targets"], [["en"]])
    assert rows[0] == ["KPI", "Name", "Value"]
    keys = [r[0] for r in rows[1:]]
    assert keys[:3] == ["forecast", "won", "weighted"] and "method" in keys and "as_of" in keys
    assert scalar(call("kpi_forecast", data["deals"], [["2026-11"]], [["nope"]])) == VALUE
    assert scalar(call("kpi_forecast", data["deals"], [["2026-11"]], [[None]], [[None]], [["demain"]])) == VALUE
    assert scalar(call("kpi_forecast", data["deals"], [["2026-11"]], [["commit"]])) == NA  # no category column


# -- what a review of the functions' edge inputs found (each was wrong before) ---------------------
ERR_NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}


def test_an_error_value_in_an_argument_is_answered_with_that_error(data):
    """=KPI("revenue"; range; #N/A) gave the default period's revenue (xlwings hands an error over as
    an empty argument); a gate of #N/A ignored the gate; NPS dropped #N/A cells. Excel propagates an
    error: so does kpis, with the argument named in KPI_EXPLAIN."""
    assert scalar(call("kpi", [["revenue"]], data["deals"], [[ERR_NA]])) == NA
    assert scalar(call("kpi", [["revenue"]], data["deals"], [[data["period"].label]], [["rep"]], [[ERR_NA]])) == NA
    rates = [[0, 0.05], [1, 0.08]]
    assert scalar(call("commission", [[40000]], [[100000]], rates, [[None]], [[ERR_NA]])) == NA
    assert scalar(call("nps", [[10], [9], [ERR_NA], [0], [5]])) == NA
    text = scalar(call("kpi_explain", [["revenue"]], data["deals"], [[ERR_NA]], [[None]], [[None]], [[None]], [[None]],
                       [["en"]]))
    assert text.startswith("#N/A argument period is an error (#N/A)")


def test_bare_percentages_in_a_rate_table_and_explanations_in_the_language_asked(data):
    """{0; 80; 100} as attainments are percentages (120,000 on 100,000: 5 % to 80 %, 8 % to 100 %,
    10 % above: 4,000 + 1,600 + 2,000 = 7,600; it gave 6,000). KPI_EXPLAIN in English names the KPI
    in English in its messages ("Taux de réussite: no data" before)."""
    assert scalar(call("commission", [[120000]], [[100000]], [[0, 0.05], [80, 0.08], [100, 0.10]])) == pytest.approx(7600)
    text = scalar(call("kpi_explain", [["win_rate"]], data["deals"], [["2031-01"]], [[None]], [[None]], [[None]],
                       [[None]], [["en"]]))
    assert text.startswith("#DIV/0! Win rate: no data")


def test_what_a_cell_cannot_say_is_in_kpi_explain_and_kpi_table(data):
    """A period outside the data gives 0 in the cell; KPI_EXPLAIN and KPI_TABLE's status say it (the
    CLI says it on stderr). A distribution asked by rep without a key is refused, not a column of
    blanks."""
    text = scalar(call("kpi_explain", [["revenue"]], data["deals"], [["2031-01"]], [[None]], [[None]], [[None]],
                       [[None]], [["en"]]))
    assert "2031-01" in text and "outside the data" in text
    rows = call("kpi_table", data["deals"], [["2031-01"]], [[None]], [["revenue"]], [[None]], [[None]], [["en"]])
    assert "outside the data" in rows[1][4]
    assert scalar(call("kpi", [["lost_reasons"]], data["deals"], [[data["period"].label]], [["rep"]])) == VALUE


def test_the_small_silences_of_the_arguments_are_said(data):
    """by="rep, team" was read as rep alone; lang="xx" as French; a period beside plain NPS scores
    was ignored; KPI_FORECAST refused an as-of date typed "13/11/2026", which a data cell may hold."""
    label = [[data["period"].label]]
    assert scalar(call("kpi", [["revenue"]], data["deals"], label, [["rep, team"]])) == VALUE
    assert scalar(call("kpi_explain", [["revenue"]], data["deals"], label, [[None]], [[None]], [[None]], [[None]],
                       [["xx"]])).startswith("#VALUE!")
    assert scalar(call("nps", [[10], [9], [0]], [["2026-10"]])) == VALUE
    assert scalar(call("nps", [[10], [9], [0]])) == pytest.approx(100 / 3)
    typed = scalar(call("kpi_forecast", data["deals"], [["2026-11"]], [["won"]], [[None]], [["13/11/2026"]]))
    iso = scalar(call("kpi_forecast", data["deals"], [["2026-11"]], [["won"]], [[None]], [["2026-11-13"]]))
    assert typed == iso and isinstance(typed, float)
