"""Tests of the seeded example data generator (``kpis.demo.sample``).

Besides determinism, dtypes and coherence, the round-trip tests read every written workbook back with
a small *reference reader* (below) that undoes each :class:`~kpis.demo.sample.Mess` switch the documented
way, and require :func:`~kpis.demo.sample.as_read` exactly: that is the contract the real reader is held to.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from kpis.demo import sample
from kpis.demo.sample import (
    ACTIVITIES_PER_SCALE,
    CATEGORY_WORDS,
    HEADERS,
    MONTH_ABBR,
    SHEET_NAMES,
    SHEET_ORDER,
    STAGE_WORDS,
    Mess,
    as_read,
    build_truth,
    write_workbook,
)
from kpis.schema import DERIVED, TABLES

OCT = (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))


@pytest.fixture(scope="module")
def truth() -> dict[str, pd.DataFrame]:
    return build_truth()


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return build_truth(seed=3, scale=0.3, months=12)


def in_oct(values: pd.Series) -> pd.Series:
    return (values >= OCT[0]) & (values < OCT[1] + pd.Timedelta(days=1))


# --------------------------------------------------------------------------------------------------
# The truth
# --------------------------------------------------------------------------------------------------
def test_deterministic_for_a_seed(truth):
    again = build_truth()
    for name, df in truth.items():
        pd.testing.assert_frame_equal(df, again[name])
    other = build_truth(seed=8)
    assert not other["deals"]["amount"].equals(truth["deals"]["amount"])


def test_every_table_is_present_and_non_empty(truth):
    assert set(truth) == set(TABLES)
    for name, df in truth.items():
        assert len(df) > 0, name


_DTYPES = {"date": "datetime64[ns]", "datetime": "datetime64[ns]", "month": "datetime64[ns]", "money": "float64",
           "number": "float64", "rate": "float64", "text": "object", "name": "object", "category": "object",
           "id": "object"}


# Fields the example team does not keep (its workbook is a spreadsheet, not a CRM export).
_NOT_GENERATED = {("deals", "forecast_category")}


def test_dtypes_match_schema(truth):
    for name, df in truth.items():
        fields = tuple(f for f in TABLES[name].fields + DERIVED.get(name, ()) if (name, f.name) not in _NOT_GENERATED)
        assert list(df.columns) == [f.name for f in fields], name
        for f in fields:
            col = df[f.name]
            assert str(col.dtype) == _DTYPES[f.kind], (name, f.name, col.dtype)
            if f.kind in ("date", "month"):
                assert (col.dropna() == col.dropna().dt.normalize()).all(), (name, f.name)
            if f.kind == "month":
                assert (col.dt.day == 1).all()
            if _DTYPES[f.kind] == "object":
                values = col.dropna()
                assert all(type(v) is str and v == v.strip() and v for v in values), (name, f.name)
            if f.kind == "category":
                assert set(col.dropna()) <= set(f.choices), (name, f.name, set(col.dropna()) - set(f.choices))
    created = truth["leads"]["created_at"]
    assert (created != created.dt.normalize()).mean() > 0.9  # lead date-times keep their time


def test_deals_are_coherent(truth):
    d = truth["deals"]
    closed = d[d["status"] != "open"]
    assert closed["close_date"].notna().all()
    assert (closed["close_date"] >= closed["created_date"]).all()
    opened = d[d["status"] == "open"]
    assert opened["close_date"].isna().all() and opened["expected_close_date"].notna().all()
    assert d.loc[d["status"] != "open", "probability"].isna().all()
    assert 0.2 < opened["probability"].notna().mean() < 0.9  # some from the deal, others from the stage
    end = d["close_date"].fillna(pd.Timestamp("2026-11-15"))  # open deals: up to the as-of day
    for column in ("proposal_date", "demo_date"):
        has = d[column].notna()
        assert (d.loc[has, column] >= d.loc[has, "created_date"]).all()
        assert (d.loc[has, column] <= end[has]).all()
    both = d["proposal_date"].notna() & d["demo_date"].notna()
    assert (d.loc[both, "demo_date"] <= d.loc[both, "proposal_date"]).all()
    assert d.loc[d["status"] == "lost", "lost_reason"].notna().mean() > 0.9
    assert d.loc[d["status"] != "lost", "lost_reason"].isna().all()
    assert (d["list_price"].dropna() >= d.loc[d["list_price"].notna(), "amount"]).all()
    assert d["cost"].notna().mean() > 0.8 and d["competitor_price"].notna().any()
    status = {w: s for key, s in sample._STAGE_STATUS.items() for w in STAGE_WORDS["fr"][key]}
    assert (d["stage"].map(status) == d["status"]).all()
    assert {"Signé", "Abandonné", "Gagné", "Perdu"} <= set(d["stage"])
    assert d["deal_id"].is_unique and d["deal_id"].str.isdigit().all()
    assert 700 < len(d) < 1300


def test_accounts_and_customers_are_linked(truth):
    d, c = truth["deals"], truth["customers"]
    assert c["customer_id"].is_unique and c["name"].is_unique
    linked = d[d["customer_id"].notna()]
    assert set(linked["customer_id"]) <= set(c["customer_id"])
    names = c.set_index("customer_id")["name"]
    assert (linked["account"].to_numpy() == names[linked["customer_id"]].to_numpy()).all()
    won_new = d[(d["status"] == "won") & (d["deal_type"] == "new")]
    start = c.set_index("customer_id")["start_date"]
    assert (start[won_new["customer_id"]].to_numpy() == won_new["close_date"].to_numpy()).all()
    churned = c[c["end_date"].notna()]
    assert (churned["end_date"] > churned["start_date"]).all()
    assert (c["source"] == "Recommandation").any() and set(c["segment"]) == set(sample.SEGMENTS)


def test_lead_dates_are_monotonic(truth):
    leads = truth["leads"]
    chain = [leads["created_at"].dt.normalize(), leads["mql_date"], leads["sql_date"], leads["opportunity_date"],
             leads["customer_date"]]
    for earlier, later in zip(chain, chain[1:]):
        both = earlier.notna() & later.notna()
        assert (later[both] >= earlier[both]).all()
        assert not (later.notna() & earlier.isna()).any()  # no later step without the earlier one
    contacted = leads["first_contact_at"].notna()
    assert (leads.loc[contacted, "first_contact_at"] > leads.loc[contacted, "created_at"]).all()
    assert leads.loc[~contacted, "response"].isna().all()
    met = leads["meeting_date"].notna()
    assert (leads.loc[met, "response"] == "positive").all()
    assert set(leads["stage"]) == set(TABLES["leads"].field("stage").choices)
    reached = {"customer": "customer_date", "opportunity": "opportunity_date", "sql": "sql_date", "mql": "mql_date"}
    for stage, column in reached.items():
        assert leads.loc[leads["stage"] == stage, column].notna().all()


def test_splits_sum_to_one_and_primary_is_the_deal_rep(truth):
    splits, deals = truth["splits"], truth["deals"]
    sums = splits.groupby("deal_id")["share"].sum()
    assert np.allclose(sums, 1.0)
    first = splits.groupby("deal_id", sort=False).head(1).set_index("deal_id")
    rep = deals.set_index("deal_id")["rep"]
    assert (first["rep"] == rep[first.index]).all()
    assert (splits.groupby("deal_id")["share"].max() == first["share"].sort_index()).all()
    assert (splits.groupby("deal_id")["rep"].nunique() == 2).all()


def test_team_has_a_newcomer_and_a_leaver(truth):
    team = truth["team"]
    assert len(team) == 7 and (team["role"] == "manager").sum() == 1
    assert team["hire_date"].max() >= pd.Timestamp("2026-06-01")
    assert team["leave_date"].notna().sum() == 1 and in_oct(team["leave_date"]).any()
    assert set(team["team"].dropna()) == {"Nord", "Sud"}
    assert team["rep"].iloc[0] == "Alice Martin"


def test_people_act_only_while_employed(truth):
    team = truth["team"].set_index("rep")
    last = team["leave_date"].fillna(pd.Timestamp("2100-01-01"))
    for table, column in (("deals", "created_date"), ("deals", "close_date"), ("activities", "date"),
                          ("leads", "created_at")):
        df = truth[table].dropna(subset=[column])
        day = df[column].dt.normalize()
        assert (day >= team.loc[df["rep"], "hire_date"].to_numpy()).all(), (table, column)
        assert (day <= last[df["rep"]].to_numpy()).all(), (table, column)
    targets = truth["targets"]
    month_end = targets["period"] + pd.offsets.MonthEnd(0)
    assert (team.loc[targets["rep"], "hire_date"].to_numpy() <= month_end).all()
    assert (targets["period"] <= last[targets["rep"]].to_numpy()).all()


def test_october_2026_has_inputs_for_every_kpi(truth):
    d, team = truth["deals"], truth["team"]
    closed = d[in_oct(d["close_date"])]
    reps = team[(team["role"] != "manager") & (team["hire_date"] < OCT[0])]["rep"]
    for rep in reps:  # every rep employed in October won and lost a deal (the leaver before leaving)
        mine = closed[closed["rep"] == rep]
        assert (mine["status"] == "won").any() and (mine["status"] == "lost").any(), rep
    won = closed[closed["status"] == "won"]
    assert won["deal_type"].isin(["upsell", "cross_sell"]).any() and won["list_price"].notna().any()
    assert won["competitor_price"].notna().any() and won["cost"].notna().any()
    assert in_oct(d["proposal_date"]).any() and in_oct(d["created_date"]).any()
    open_at_end = d[(d["created_date"] <= OCT[1]) & ~(d["close_date"] <= OCT[1])]
    assert (open_at_end["expected_close_date"].dt.to_period("M") == "2026-11").any()
    a = truth["activities"][in_oct(truth["activities"]["date"])]
    assert set(a["type"]) == set(TABLES["activities"].field("type").choices)
    meetings = a[a["type"] == "meeting"]
    assert meetings["outcome"].isin(["canceled", "postponed"]).any() and (meetings["outcome"] == "done").any()
    assert a["deal_id"].isin(won["deal_id"]).any() and a["customer_id"].notna().any()
    leads = truth["leads"]
    created = leads[in_oct(leads["created_at"])]
    contacted = leads[in_oct(leads["first_contact_at"])]
    assert created["mql_date"].notna().any() and created["first_contact_at"].notna().any()
    assert set(contacted["response"].dropna()) >= {"positive", "negative"} and contacted["meeting_date"].notna().any()
    assert leads[in_oct(leads["mql_date"])]["customer_date"].notna().any()
    assert in_oct(leads["customer_date"]).any()
    c = truth["customers"]
    assert in_oct(c["end_date"]).any() and in_oct(c["start_date"]).any()
    new = c[in_oct(c["start_date"])]
    assert (new["source"] == "Recommandation").any()
    s = truth["surveys"][in_oct(truth["surveys"]["date"])]
    assert (s["score"] >= 9).any() and (s["score"] <= 6).any() and (s["csat"] >= 4).any()
    assert (truth["spend"]["period"] == OCT[0]).sum() >= 6
    assert set(truth["spend"]["category"]) == {"marketing", "sales"}
    assert in_oct(truth["employee_surveys"]["date"]).sum() >= 3
    quota = truth["targets"][truth["targets"]["period"] == OCT[0]]
    assert set(quota["rep"]) == set(team.loc[team["role"] != "manager", "rep"])
    assert (truth["targets"]["period"] == pd.Timestamp("2026-11-01")).any()


def test_each_month_has_a_churned_customer(truth):
    churn_months = set(truth["customers"]["end_date"].dropna().dt.to_period("M"))
    assert set(pd.period_range("2024-12", "2026-11", freq="M")) <= churn_months


def test_scaled_build_is_vectorised():
    big = build_truth(scale=20)
    assert len(big["activities"]) == round(ACTIVITIES_PER_SCALE * 20)
    assert 15_000 < len(big["deals"]) < 25_000
    assert big["deals"]["deal_id"].is_unique
    assert len(big["customers"]) > 20 * 200


# --------------------------------------------------------------------------------------------------
# as_read
# --------------------------------------------------------------------------------------------------
def test_as_read_french_with_synonyms_is_the_truth(truth):
    read = as_read(truth, "fr", Mess(stage_synonyms=True))
    for name, df in truth.items():
        pd.testing.assert_frame_equal(read[name], df)


def test_as_read_translates_english_words(truth):
    read = as_read(truth, "en", Mess.realistic("en"))
    assert set(read["deals"]["stage"]) <= {w for words in STAGE_WORDS["en"].values() for w in words}
    assert "Referral" in set(read["customers"]["source"]) and "SMB" in set(read["customers"]["segment"])
    assert read["leads"]["campaign"].dropna().str.contains(r" Q\d \d{4}$").all()
    assert (read["deals"]["status"] == truth["deals"]["status"]).all()
    clean = as_read(truth, "en", Mess())
    assert set(clean["deals"]["stage"]) <= {words[0] for words in STAGE_WORDS["en"].values()}


# --------------------------------------------------------------------------------------------------
# A reference reader: undoes every Mess switch the documented way
# --------------------------------------------------------------------------------------------------
def _key(value: str) -> str:
    s = unicodedata.normalize("NFKD", value)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold().replace(" ", "").replace("\u00a0", "")


def _fold_names(values: pd.Series) -> pd.Series:
    """Strip, then fold spellings of one name onto the most frequent one."""
    clean = values.map(lambda v: re.sub(r"\s+", " ", v).strip() if isinstance(v, str) else v)
    keys = clean.map(lambda v: _key(v) if isinstance(v, str) else v)
    best = clean.groupby(keys).agg(lambda s: s.value_counts().index[0])
    return clean.where(clean.isna(), keys.map(best))


_SPLIT = re.compile(r"^(.+?) (\d+)% / (.+?) (\d+)%$")


def _parse_date(v, lang: str) -> pd.Timestamp:
    if isinstance(v, (datetime, date)):
        return pd.Timestamp(v).normalize()
    if isinstance(v, (int, float)):
        return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(v))
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return pd.Timestamp(datetime.strptime(v, fmt))
        except ValueError:
            pass
    words = v.replace(",", "").split()
    if lang == "fr":
        day, month, year = words
    else:
        month, day, year = words
    return pd.Timestamp(int(year), MONTH_ABBR[lang].index(month) + 1, int(day))


def _parse_datetime(v) -> pd.Timestamp:
    if isinstance(v, (datetime, date)):  # calamine gives a date for a date-time at midnight
        return pd.Timestamp(v).round("1s")
    for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"):
        try:
            return pd.Timestamp(datetime.strptime(v, fmt))
        except ValueError:
            pass
    raise ValueError(v)


def _parse_money(v, lang: str) -> float:
    if isinstance(v, (int, float)):
        return float(v)
    s = v.replace("€", "").replace("\u00a0", "").replace(" ", "")
    return float(s.replace(",", ".") if lang == "fr" else s.replace(",", ""))


def _convert(values: list, kind: str, lang: str, words: dict[str, str]) -> list:
    out = []
    for v in values:
        if v == "" or v is None:
            out.append(None)
        elif kind in ("date", "month"):
            out.append(_parse_date(v, lang))
        elif kind == "datetime":
            out.append(_parse_datetime(v))
        elif kind == "money":
            out.append(_parse_money(v, lang))
        elif kind == "rate":
            out.append(float(v.replace("%", "").strip()) / 100 if isinstance(v, str) else float(v))
        elif kind == "number":
            out.append(float(v))
        elif kind == "id":
            out.append(str(int(v)) if isinstance(v, float) else v)
        elif kind == "category":
            out.append(words[v])
        else:
            out.append(v.strip())
    return out


def _header_index(rows: list[list], headers: list[str]) -> int:
    for i, row in enumerate(rows):
        cells = [c for c in row if c != ""]
        if cells == headers:
            return i
    raise AssertionError(f"header {headers} not found")


def _data_rows(rows: list[list], start: int) -> list[list]:
    return [r for r in rows[start:] if any(c != "" for c in r) and r[0] != "Total"]


def _read_table(rows: list[list], table: str, lang: str) -> tuple[pd.DataFrame, int]:
    fields = [f for f in TABLES[table].field_names if (table, f) not in _NOT_GENERATED]
    headers = [HEADERS[lang][table][f] for f in fields]
    h = _header_index(rows, headers)
    data = _data_rows(rows, h + 1)
    columns = {}
    for j, field in enumerate(fields):
        kind = TABLES[table].field(field).kind
        words = {w: k for k, w in CATEGORY_WORDS[lang].get(f"{table}.{field}", {}).items()}
        columns[field] = _convert([r[j] for r in data], kind, lang, words)
    return pd.DataFrame(columns), h


def _read_wide_targets(rows: list[list], lang: str) -> tuple[pd.DataFrame, int]:
    first = HEADERS[lang]["targets"]["rep"]
    h = next(i for i, r in enumerate(rows) if r and r[0] == first)
    months = []
    for label in rows[h][1:]:
        abbr, year = label.rsplit(" ", 1)
        months.append(pd.Timestamp(int(year), MONTH_ABBR[lang].index(abbr) + 1, 1))
    records = [(r[0], m, _parse_money(v, lang)) for r in _data_rows(rows, h + 1) for m, v in zip(months, r[1:])
               if v != ""]
    return pd.DataFrame(records, columns=["rep", "period", "quota"]), h


def _status(stage: pd.Series) -> pd.Series:
    table = {w: sample._STAGE_STATUS[key] for lang in STAGE_WORDS for key, ws in STAGE_WORDS[lang].items()
             for w in ws}
    return stage.map(table)


def read_back(path: Path, lang: str, mess: Mess) -> tuple[dict[str, pd.DataFrame], dict[str, int]]:
    """The canonical tables of a written workbook, and the 0-based header row found on each sheet."""
    wb = CalamineWorkbook.from_path(str(path))
    tables, header_rows = {}, {}
    for table in SHEET_ORDER:
        rows = wb.get_sheet_by_name(mess.sheet_name(table, lang)).to_python(skip_empty_area=False)
        if table == "targets" and mess.wide_targets:
            df, h = _read_wide_targets(rows, lang)
        else:
            df, h = _read_table(rows, table, lang)
        header_rows[table] = h
        for field in df.columns:
            if TABLES[table].field(field).kind == "name":
                df[field] = _fold_names(df[field])
        tables[table] = df
    deals = tables["deals"]
    split = deals["rep"].str.extract(_SPLIT)
    is_split = split[0].notna()
    tables["splits"] = pd.DataFrame({
        "deal_id": np.repeat(deals.loc[is_split, "deal_id"].to_numpy(), 2),
        "rep": split.loc[is_split, [0, 2]].to_numpy().ravel(),
        "share": split.loc[is_split, [1, 3]].astype(float).to_numpy().ravel() / 100,
    })
    deals.loc[is_split, "rep"] = split.loc[is_split, 0]
    deals["rep"] = _fold_names(deals["rep"])
    deals["status"] = _status(deals["stage"])
    return {name: sample.conform(df, name) for name, df in tables.items()}, header_rows


def assert_round_trip(truth, tmp_path: Path, lang: str, mess: Mess) -> dict[str, int]:
    path = tmp_path / f"book_{lang}.xlsx"
    write_workbook(truth, path, lang, mess=mess)
    expected = as_read(truth, lang, mess)
    got, header_rows = read_back(path, lang, mess)
    for name, df in expected.items():
        pd.testing.assert_frame_equal(got[name], df, obj=f"{lang} {name}")
    return header_rows


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_realistic_workbook_round_trips(truth, tmp_path, lang):
    mess = Mess.realistic(lang)
    header_rows = assert_round_trip(truth, tmp_path, lang, mess)
    assert header_rows == {t: mess.header_row_of(t) - 1 for t in SHEET_ORDER}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_clean_workbook_round_trips(small, tmp_path, lang):
    header_rows = assert_round_trip(small, tmp_path, lang, Mess())
    assert set(header_rows.values()) == {0}


def test_every_switch_at_once_round_trips(small, tmp_path):
    names = {t: f"Feuille {i}" for i, t in enumerate(SHEET_ORDER)}
    mess = Mess(title_rows=True, totals_row=True, blank_rows=True, text_dates=True, text_amounts=True,
                name_noise=True, stage_synonyms=True, excel_tables=True, wide_targets=True, header_row=5,
                sheet_names=names, percent_as_text=True, rate=0.2, seed=5)
    header_rows = assert_round_trip(small, tmp_path, "fr", mess)
    assert set(header_rows.values()) == {4}


def test_streamed_sheets_round_trip(small, tmp_path, monkeypatch):
    monkeypatch.setattr(sample, "FAST_PATH_ROWS", 0)  # every sheet through the streaming fast path
    for lang in ("fr", "en"):
        assert_round_trip(small, tmp_path, lang, Mess.realistic(lang))
    wb = openpyxl.load_workbook(tmp_path / "book_en.xlsx", read_only=True)
    assert wb.sheetnames == [SHEET_NAMES["en"][t] for t in SHEET_ORDER]


# --------------------------------------------------------------------------------------------------
# The written workbooks themselves
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def books(truth, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("books")
    paths = {}
    for lang in ("fr", "en"):
        paths[lang] = folder / f"{lang}.xlsx"
        write_workbook(truth, paths[lang], lang, mess=Mess.realistic(lang))
    return paths


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_workbook_opens_with_openpyxl_and_calamine(books, lang):
    expected = [SHEET_NAMES[lang][t] for t in SHEET_ORDER]
    wb = openpyxl.load_workbook(books[lang])
    assert wb.sheetnames == expected
    cal = CalamineWorkbook.from_path(str(books[lang]))
    assert cal.sheet_names == expected
    tables = {name for ws in wb.worksheets for name in ws.tables}
    assert len(tables) == len(Mess.realistic(lang).excel_tables)


def test_french_workbook_looks_like_a_real_one(books, truth):
    wb = openpyxl.load_workbook(books["fr"])
    deals = wb["Affaires"]
    assert deals["A1"].value == "Suivi des affaires" and "A1:F1" in deals.merged_cells
    assert [c.value for c in deals[3]][:6] == ["N° affaire", "Client", "N° client", "Commercial", "Étape",
                                                "Montant HT (€)"]
    last = deals.max_row
    assert deals.cell(last, 1).value == "Total" and deals.cell(last, 6).value.startswith("=SUM(F4:F")
    values = [c.value for c in wb["Affaires"]["F"][3:last - 1]]
    numbers = sum(v for v in values if isinstance(v, (int, float)))
    cached = CalamineWorkbook.from_path(str(books["fr"])).get_sheet_by_name("Affaires").to_python()[-1][5]
    assert cached == pytest.approx(numbers) and numbers < truth["deals"]["amount"].sum()
    texts = [v for v in values if isinstance(v, str)]
    assert texts and all(v.endswith(("€", "0")) for v in texts)
    reps = {c.value for c in deals["D"][3:last - 1]}
    assert "Alice Martin" in reps and any(isinstance(r, str) and r != r.strip() for r in reps)
    assert any(isinstance(r, str) and re.fullmatch(_SPLIT, r) for r in reps)
    targets = wb["Objectifs"]
    assert [c.value for c in targets[3]][:3] == ["Commercial", "déc. 2024", "janv. 2025"]
    customers = wb["Clients"]
    assert customers["A5"].value == "N° client" and customers["A2"].value.startswith("Mis à jour le")
    dates = [c.value for c in wb["Activités"]["A"][1:]]
    assert any(isinstance(v, str) and re.fullmatch(r"\d{1,2} \w+\.? \d{4}", v) for v in dates)
    assert any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in dates)
    probability = [c.value for c in deals["K"][3:last - 1] if c.value is not None]
    assert any(isinstance(v, str) and v.endswith(" %") for v in probability)
    assert any(isinstance(v, float) for v in probability)


def test_english_workbook_words(books):
    wb = openpyxl.load_workbook(books["en"], read_only=True)
    rows = list(wb["Activities"].iter_rows(values_only=True))
    assert rows[0] == ("Date", "Sales rep", "Activity type", "Outcome", "Deal ID", "Lead ID", "Customer ID")
    assert {r[2] for r in rows[1:] if r[2]} == {"Call", "Email", "Meeting", "Visit", "Demo"}
    stages = {r[4] for r in wb["Deals"].iter_rows(min_row=4, values_only=True) if r[4]}
    assert {"Closed Won", "Won", "Closed Lost", "Lost", "Proposal"} <= {s.strip() for s in stages}


def test_layout_drops_offsets_when_a_sheet_is_full():
    columns = [sample._Column("Date", [1.0] * 3)]
    sheet = sample._Sheet("activities", "Activités", columns)
    mess = Mess(title_rows=True, blank_rows=True, header_row=5)
    lay = sample._layout(sheet, 1_048_570, mess)
    assert lay.header == 0 and not lay.title and lay.last == 1_048_570
    assert sample._layout(sheet, 1000, mess).header == 4
    with pytest.raises(ValueError):
        sample._layout(sheet, 1_048_576, mess)


def test_too_many_rows_raise_and_leave_no_file(small, tmp_path, monkeypatch):
    monkeypatch.setattr(sample, "EXCEL_MAX_ROWS", 500)
    path = tmp_path / "too_big.xlsx"
    with pytest.raises(ValueError, match="do not fit"):
        write_workbook(small, path, "fr")
    assert not path.exists()


def test_example_workbooks_are_committed_and_small():
    folder = Path(__file__).resolve().parents[1] / "examples"
    for name in ("suivi_commercial.xlsx", "sales_tracking.xlsx"):
        path = folder / name
        assert path.exists(), f"run examples/generate.py ({name} missing)"
        assert path.stat().st_size < 1_500_000
