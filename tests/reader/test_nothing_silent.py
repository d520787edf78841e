"""Nothing silent: a value that does not reach the tables as written is said in the data-quality
report (or refused as a configuration error), however the column was read -- as a field, as an input
of a derived field, as a won/lost date or a status that decides a deal's status, as a month column."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from kpis.config import ConfigError, parse_config
from kpis.reader import read_workbook

from .helpers import write_xlsx

D = dt.date(2026, 1, 10)


def _issues(ds, code):
    return [(i.row, i.column, i.value, i.action, i.field) for i in ds.quality if i.code == code]


def test_the_unreadable_inputs_of_a_derived_field_are_said(tmp_path):
    """An input that does not read as a number leaves the derived amount empty: the input's cell is
    said as any amount's would be, under the field it was read for (no line for an empty input)."""
    rows = [["Réf", "Commercial", "Étape", "Prix", "Quantité", "Date"],
            ["D1", "Alice", "Gagné", 100, 2, D],
            ["D2", "Alice", "Gagné", "abc", 2, D],
            ["D3", "Alice", "Gagné", "12k", 2, D],
            ["D4", "Alice", "Gagné", None, 2, D]]
    path = write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows})
    ds = read_workbook(path, parse_config('[mapping.deals.derived]\namount = "Prix * Quantité"\n'))
    amounts = ds.tables["deals"]["amount"].tolist()
    assert amounts[0] == 200.0 and all(np.isnan(a) for a in amounts[1:])
    assert _issues(ds, "bad_amount") == [(3, "Prix", "abc", "left_empty", "amount")]
    assert _issues(ds, "amount_multiplier") == [(4, "Prix", "12k", "left_empty", "amount")]


def test_an_unreadable_lost_date_that_decides_the_status_is_said(tmp_path):
    """The won/lost date columns decide a deal's status; a date in them that cannot be read leaves the
    deal open: said, under the stage it decides."""
    rows = [["Réf", "Commercial", "Montant", "Date de création", "Date de gain", "Date de perte"],
            ["D1", "Alice", 1000, D, D, None],
            ["D2", "Alice", 1000, D, None, "hier"]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows}))
    assert ds.tables["deals"]["status"].tolist() == ["won", "open"]
    assert _issues(ds, "bad_date") == [(3, "Date de perte", "hier", "left_empty", "stage")]


def test_a_status_word_that_says_no_status_is_said_and_the_stage_decides(tmp_path):
    said_status = ["Gagné", "Perdu", "Gagné", "Perdu", "Gagné", "Ganié", "Perdu", "Ganié"] + ["Gagné", "Perdu"] * 4
    rows = [["Réf", "Commercial", "Étape", "Statut", "Montant", "Date de clôture"]] + [
        [f"D{k}", "Alice", "Négociation", s, 1000, D] for k, s in enumerate(said_status)]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows}))
    assert ds.tables["deals"]["status"].tolist() == ["won", "lost", "won", "lost", "won", "open", "lost", "open"] + [
        "won", "lost"] * 4
    said = [i for i in ds.quality if i.code == "unknown_status_word"]
    assert [(i.row, i.column, i.value, i.params["count"], i.params["rows"]) for i in said] == [
        (7, "Statut", "Ganié", 2, "7, 9")]
    assert "ni gagné, ni perdu" in said[0].reason("fr") and "neither won, lost nor open" in said[0].reason("en")


def test_a_stage_contradicted_by_the_won_and_lost_dates_is_said(tmp_path):
    """A lost stage with a won date (or the other way round): the dates decide, as before, and it is
    a warning; an open stage beside a won date is how CRMs keep closed deals: nothing to say."""
    rows = [["Réf", "Commercial", "Étape", "Montant", "Date de création", "Date de gain", "Date de perte"],
            ["D1", "Alice", "Perdu", 1000, D, D, None],
            ["D2", "Alice", "Gagné", 1000, D, None, D],
            ["D3", "Alice", "Négociation", 1000, D, D, None],
            ["D4", "Alice", "Gagné", 1000, D, D, None]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows}))
    assert ds.tables["deals"]["status"].tolist() == ["won", "lost", "won", "won"]
    said = [i for i in ds.quality if i.code == "status_conflict"]
    assert [(i.row, i.value, i.params["stage_status"], i.params["status"]) for i in said] == [
        (2, "Perdu", "lost", "won"), (3, "Gagné", "won", "lost")]
    assert all(i.severity == "warning" for i in said)
    assert said[0].reason("fr").startswith("étape « Perdu » (donc perdue) contredite par Date de gain / Date de perte")
    assert "the deal counts as won" in said[0].reason("en")


@pytest.mark.parametrize("constant", ['close_date = "fin mars"', 'created_date = "2026-13-01"', 'amount = "12k"',
                                      'probability = "150 %"'])
def test_a_constant_that_does_not_read_is_a_configuration_error(tmp_path, constant):
    """A constant fills a whole column: one that does not read as its field would leave the column
    empty on every row; refused, naming the key, in the user's language."""
    rows = [["Réf", "Commercial", "Étape", "Montant", "Date de clôture"], ["D1", "Alice", "Gagné", 1000, D]]
    path = write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows})
    field = constant.split(" ")[0]
    with pytest.raises(ConfigError, match=f"mapping.deals.constants.{field}.*ne se lit pas"):
        read_workbook(path, parse_config(f"[mapping.deals.constants]\n{constant}\n"))
    with pytest.raises(ConfigError, match="cannot be read"):
        read_workbook(path, parse_config(f'lang = "en"\n[mapping.deals.constants]\n{constant}\n'))


@pytest.mark.parametrize("field", ["close_date", "customer_id", "probability", "stage"])
def test_only_an_amount_or_a_number_can_be_derived(field):
    """Arithmetic gives a float: a derived date came out as 1970-01-01, an id as "1042.0"."""
    with pytest.raises(ConfigError, match="only an amount or a number can be derived"):
        parse_config(f'[mapping.deals.derived]\n{field} = "Numéro + 1"\n')
    assert parse_config('[mapping.deals.derived]\ncost = "Prix - Marge"\n').mapping["deals"].derived


def test_numeric_month_headers_follow_date_order_and_two_columns_of_one_month_are_said(tmp_path):
    """Month columns "01/02/2026" are February in dmy, January 2nd... read as January in mdy; two
    columns naming one month ("janv. 2026", "Janvier 2026") add up: said as a warning."""
    rows = [["Commercial", "01/01/2026", "02/01/2026", "03/01/2026"], ["Alice", 10, 11, 12]]
    path = write_xlsx(tmp_path / "t.xlsx", {"Objectifs": rows})
    mdy = read_workbook(path, parse_config('date_order = "mdy"\n')).tables["targets"]
    assert [p.strftime("%Y-%m") for p in mdy["period"]] == ["2026-01", "2026-02", "2026-03"]
    rows = [["Commercial", "janv. 2026", "févr. 2026", "Janvier 2026"], ["Alice", 10, 11, 12]]
    ds = read_workbook(write_xlsx(tmp_path / "u.xlsx", {"Objectifs": rows}))
    said = [i for i in ds.quality if i.code == "month_columns_same_month"]
    assert [(i.params["month"], i.params["columns"], i.severity) for i in said] == [
        ("2026-01", "janv. 2026 / Janvier 2026", "warning")]


def test_a_big_numeric_id_keeps_no_decimal_point(tmp_path):
    """Ids are text: 1234567890123456 (16 digits, an exact float) reads "1234567890123456", as 1042
    reads "1042" -- not "1234567890123456.0", which would not join with the same id typed as text."""
    rows = [["Réf", "Commercial", "Étape", "Montant", "Date de clôture"],
            [1234567890123456, "Alice", "Gagné", 1000, D], [1042, "Alice", "Gagné", 1000, D]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows}))
    assert ds.tables["deals"]["deal_id"].tolist() == ["1234567890123456", "1042"]


def test_a_rep_without_a_share_in_a_split_cell_is_not_dropped_silently(tmp_path):
    """"Alice 60% / Bruno 40% / Chloé": the shares add up, but Chloé has none -- the split is not
    what the cell says. Ignored and said (the deal credited to the largest share, as for a bad total),
    not read as Alice and Bruno alone; a cell read whole is still split."""
    rows = [["Réf", "Commercial", "Étape", "Montant", "Date de clôture"],
            ["D1", "Alice Martin 60% / Bruno Lefèvre 40%", "Gagné", 1000, D],
            ["D2", "Alice Martin 60% / Bruno Lefèvre 40% / Chloé Durand", "Gagné", 1000, D],
            ["D3", "Alice Martin 50 % et Bruno Lefèvre 50 %", "Gagné", 1000, D]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows}))
    assert sorted(set(ds.tables["splits"]["deal_id"])) == ["D1", "D3"]
    assert ds.tables["deals"]["rep"].tolist() == ["Alice Martin"] * 3
    said = [i for i in ds.quality if i.code == "split_unread"]
    assert [(i.row, i.action, i.params["left"]) for i in said] == [(3, "ignored", "Chloé Durand")]
    assert "« Chloé Durand » sans part lisible" in said[0].reason("fr")
    assert "\"Chloé Durand\" has no readable share" in said[0].reason("en")


def test_a_column_with_values_but_no_text_header_is_said(tmp_path):
    """Only text and dates make headers: a column inside the table whose header cell is empty (or a
    number) is read by nothing -- said with its letter, its count of cells and one of them; an empty
    spacer column says nothing."""
    rows = [["Réf", "Commercial", None, "Étape", None, "Montant", 2026, "Date de clôture"],
            ["D1", "Alice", "note A", "Gagné", None, 1000, 5, D],
            ["D2", "Alice", "note B", "Gagné", None, 1000, None, D],
            ["D3", "Alice", None, "Gagné", None, 1000, 7, D]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows}))
    said = [i for i in ds.quality if i.code == "column_no_header"]
    assert [(i.row, i.column, i.value, i.params["count"]) for i in said] == [(2, "C", "note A", 2), (2, "G", 5, 2)]
    assert said[1].reason("fr").startswith("colonne G sans en-tête texte (2026) : 2 cellule(s) non lue(s)")
    assert said[0].reason("en").startswith("column C has no text header: 2 cell(s) not read")
    assert len(ds.tables["deals"]) == 3


def test_guesses_on_text_amounts_are_said_cell_by_cell_or_per_currency(tmp_path):
    """"15 %" in an amount column is no amount (left empty, said); "1.500" is read 1.5 but could be a
    thousand and a half written the German way (a warning, once per column); amounts typed with
    another currency than the workbook's are added up unconverted (a warning per currency)."""
    rows = [["Réf", "Commercial", "Étape", "Montant", "Date de clôture"],
            ["D1", "Alice", "Gagné", 1000, D],
            ["D2", "Alice", "Gagné", "15 %", D],
            ["D3", "Alice", "Gagné", "1.500", D],
            ["D4", "Alice", "Gagné", "1 200 $", D],
            ["D5", "Alice", "Gagné", "$300", D],
            ["D6", "Alice", "Gagné", "2 000 €", D]]
    path = write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows})
    ds = read_workbook(path)
    amounts = ds.tables["deals"]["amount"].tolist()
    assert np.isnan(amounts[1]) and amounts[2:] == [1.5, 1200.0, 300.0, 2000.0]
    assert _issues(ds, "amount_percent") == [(3, "Montant", "15 %", "left_empty", "amount")]
    dots = [i for i in ds.quality if i.code == "amount_dot_ambiguous"]
    assert [(i.row, i.value, i.params["count"], i.severity) for i in dots] == [(4, "1.500", 1, "warning")]
    other = [i for i in ds.quality if i.code == "amount_other_currency"]
    assert [(i.row, i.value, i.params["count"], i.params["currency"], i.severity) for i in other] == [
        (5, "1 200 $", 2, "USD", "warning")]
    assert "2 montant(s) en USD" in other[0].reason("fr") and "not converted" in other[0].reason("en")
    usd = read_workbook(path, parse_config('currency = "USD"\n'))
    assert [i.params["currency"] for i in usd.quality if i.code == "amount_other_currency"] == ["EUR"]


def test_a_serial_number_before_1900_is_no_date():
    """Dates before 1900 are typing mistakes (the reader's rule for text and real dates): the serial 1
    (1899-12-31) is one too, not a date read with a note; serial 2 is 1900-01-01."""
    from kpis.reader.values import parse_dates

    u = np.array([1.0, 1.5, 2.0, 46000.0], dtype=object)
    parsed = parse_dates(u)
    assert list(parsed.problem[:2]) == ["bad_date", "bad_date"] and parsed.problem[2] is None
    assert [str(v)[:10] for v in parsed.values[2:]] == ["1900-01-01", "2025-12-09"]


def test_values_beside_the_table_past_an_empty_column_are_said(tmp_path):
    """A column typed one column too far (an empty column between) is outside the table's region:
    nothing reads it; said with its letter, count and first value. A title above the table is not."""
    rows = [["Suivi des affaires"], [],
            ["Réf", "Commercial", "Étape", "Montant", "Date de clôture", None, None],
            ["D1", "Alice", "Gagné", 1000, D, None, "remise 5 %"],
            ["D2", "Alice", "Gagné", 1000, D, None, None],
            ["D3", "Alice", "Gagné", 1000, D, None, "relancer"]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows}))
    said = [i for i in ds.quality if i.code == "values_beside_table"]
    assert [(i.row, i.column, i.value, i.params["count"]) for i in said] == [(4, "G", "remise 5 %", 2)]
    assert said[0].reason("fr").startswith("colonne G : 2 valeur(s) hors du tableau Affaires!A3:E6")
    assert "outside the table Affaires!A3:E6" in said[0].reason("en")


def test_a_won_deal_without_a_close_date_is_said_and_targets_typed_twice_are_said(tmp_path):
    """A won deal with an empty close date falls in no period (no revenue, no commission): said deal
    by deal, as a warning. Two rows of target for one rep and month are added up (a quota typed
    twice doubles it): said with the rows and the total."""
    deals = [["Réf", "Commercial", "Étape", "Montant", "Date de clôture"],
             ["D1", "Alice", "Gagné", 1000, D], ["D2", "Alice", "Gagné", 6000, None], ["D3", "Alice", "Perdu", 50, None]]
    targets = [["Commercial", "Mois", "Objectif"], ["Alice", "2026-10", 10000], ["Bruno", "2026-10", 5000],
               ["Alice", "2026-10", 10000]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": deals, "Objectifs": targets}))
    won = [i for i in ds.quality if i.code == "won_without_close_date"]
    assert [(i.row, i.column, i.severity) for i in won] == [(3, "Date de clôture", "warning")]
    assert won[0].reason("fr") == "affaire gagnée D2 sans date de clôture : comptée dans aucune période (ni CA, ni commission)"
    added = [i for i in ds.quality if i.code == "targets_added_up"]
    assert [(i.row, i.params["rep"], i.params["rows"]) for i in added] == [(2, "Alice", "2, 4")]
    assert added[0].reason("fr") == "objectif de Alice pour 2026-10 sur 2 lignes (2, 4) : additionnées (20\u202f000)"
    assert added[0].reason("en") == "Alice's target for 2026-10 on 2 rows (2, 4): added up (20,000)"


def test_what_the_credit_does_to_a_splits_sheet_is_said(tmp_path):
    """kpis.credit scales shares that do not add up to 100 % and a split naming no deal credits
    nobody: both said; a split whose deal id two won deals carry is said too."""
    deals = [["Réf", "Commercial", "Étape", "Montant", "Date de clôture"],
             ["D1", "Alice", "Gagné", 1000, D], ["D2", "Bruno", "Gagné", 500, D], ["D2", "Chloé", "Gagné", 700, D]]
    splits = [["Réf affaire", "Commercial", "Part"], ["D1", "Alice", 0.6], ["D1", "Bruno", 0.3], ["D9", "Alice", 1],
              ["D2", "Bruno", 0.5], ["D2", "Alice", 0.5]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": deals, "Partages": splits}))
    got = {i.code: (i.row, i.params.get("deal"), i.params.get("rows")) for i in ds.quality if i.code.startswith("split_")}
    assert got == {"split_scaled": (2, "D1", "2, 3"), "split_unknown_deal": (4, "D9", "4"),
                   "split_duplicate_id": (5, "D2", "5, 6")}
    scaled = next(i for i in ds.quality if i.code == "split_scaled")
    assert scaled.reason("fr") == ("les parts de l'affaire D1 totalisent 90 % (lignes 2, 3) : ramenées à 100 % en gardant "
                                   "leurs proportions") and scaled.severity == "warning"


def test_a_won_deal_without_an_amount_is_said_once(tmp_path):
    """An empty amount on a won deal: counted among deals won, nothing in revenue -- said; an
    unreadable amount is said by its own line only."""
    deals = [["Réf", "Commercial", "Étape", "Montant", "Date de clôture"],
             ["D1", "Alice", "Gagné", 1000, D], ["D2", "Alice", "Gagné", None, D], ["D3", "Alice", "Gagné", "abc", D],
             ["D4", "Alice", "Perdu", None, D]]
    ds = read_workbook(write_xlsx(tmp_path / "t.xlsx", {"Affaires": deals}))
    said = [(i.row, i.code) for i in ds.quality if i.field == "amount" and i.code != "column_mapped"]
    assert said == [(4, "bad_amount"), (3, "won_without_amount")]
    line = next(i for i in ds.quality if i.code == "won_without_amount")
    assert line.reason("en").startswith("won deal D2 without an amount") and line.severity == "warning"


def test_what_the_review_found_on_these_lines(tmp_path):
    """A stage column empty on every row beside a won date: no crash, the rows skipped as before. A
    headerless column the configuration maps is read, so not said; a totals row's cell is not
    counted in a headerless column. pandas' index column (0, 1, 2… under no header) is not said. A
    remark after a split ("(validé)", "- Q1") is no rep. "$" in a workbook in CAD is its own dollar."""
    rows = [["Réf", "Commercial", "Étape", "Montant", "Date de création", "Date de gain"],
            ["D1", "Alice", None, 1000, D, D], ["D2", "Bruno", None, 500, D, None]]
    ds = read_workbook(write_xlsx(tmp_path / "a.xlsx", {"Affaires": rows}))
    assert "missing_required" in {i.code for i in ds.quality} or len(ds.tables.get("deals", [])) == 2

    rows = [["Réf", None, "Étape", "Montant", "Date de clôture", None],
            ["D1", "Alice", "Gagné", 1000, D, "note"], ["D2", "Bruno", "Gagné", 500, D, None],
            ["Total", None, None, 1500, None, "2 deals"]]
    path = write_xlsx(tmp_path / "b.xlsx", {"Affaires": rows})
    ds = read_workbook(path, parse_config('[mapping.deals]\ncolumns = { rep = "B" }\n'))
    assert ds.tables["deals"]["rep"].tolist() == ["Alice", "Bruno"]
    said = [(i.code, i.column, i.params["count"]) for i in ds.quality if i.code in ("column_no_header", "values_beside_table")]
    assert said == [("values_beside_table", "F", 1)]  # not B (read); F at the edge, without its totals row's "2 deals"

    rows = [[None, "Réf", "Commercial", "Étape", "Montant", "Date de clôture"]] + [
        [k, f"D{k}", "Alice", "Gagné", 100, D] for k in range(5)]
    ds = read_workbook(write_xlsx(tmp_path / "c.xlsx", {"Affaires": rows}))
    assert not [i for i in ds.quality if i.code in ("values_beside_table", "column_no_header")]

    rows = [["Réf", "Commercial", "Étape", "Montant", "Date de clôture"],
            ["D1", "Alice 50% / Bruno 50% (validé)", "Gagné", 1000, D], ["D2", "Alice 50% / Bruno 50% - Q1", "Gagné", 1000, D],
            ["D3", "$1,200", "Gagné", "$1,200", D]]
    ds = read_workbook(write_xlsx(tmp_path / "d.xlsx", {"Affaires": rows}), parse_config('currency = "CAD"\n'))
    assert sorted(set(ds.tables["splits"]["deal_id"])) == ["D1", "D2"]
    assert not [i for i in ds.quality if i.code in ("split_unread", "amount_other_currency")]
