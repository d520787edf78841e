"""``kpis init``: the detection explained, and its kpis.toml proposal reading the same tables."""

from __future__ import annotations

import hashlib
import os

import pandas as pd
import numpy as np
import pytest

from kpis.cli import main
from kpis.config import ConfigError, load_config, parse_config
from kpis.reader import read_workbook
from kpis.reader.derive import ExpressionError, compile_expression

from .helpers import write_xlsx
from .real_data import maven_workbook, olist_workbook, superstore_csv, superstore_workbook


def _same_tables(a, b) -> None:
    assert set(a.tables) == set(b.tables)
    for t in a.tables:
        pd.testing.assert_frame_equal(a.tables[t], b.tables[t], obj=t)


def _ledger(tmp_path):
    rows = [["Export ventes boutique"], [],
            ["N° commande", "Date de commande", "Client", "Code postal", "Produit", "Montant HT", "Marge"],
            ["C-1", "2026-10-01", "Dupont", 75011, "Stylo", 10, 4],
            ["C-1", "2026-10-01", "Dupont", 75011, "Cahier", 5, 1],
            ["C-2", "2026-10-03", "Martin", 75011, "Stylo", 20, 8],
            ["C-3", "2026-10-04", "Durand", 69001, "Carnet", 7.5, 2.5]]
    return write_xlsx(tmp_path / "boutique.xlsx", {"Commandes": rows})


def test_an_order_ledger_reads_as_won_sales_and_init_proposes_it(tmp_path):
    path = _ledger(tmp_path)
    ds = read_workbook(path)
    d = ds.tables["deals"]
    # C-1 = 10 + 5, cost = amount - margin = (10-4) + (5-1) = 10; C-2 = 20, cost 12; C-3 = 7.5, cost 5
    assert list(d["deal_id"]) == ["C-1", "C-2", "C-3"]
    assert list(d["amount"]) == [15.0, 20.0, 7.5]
    assert list(d["cost"]) == [10.0, 12.0, 5.0]
    assert list(d["status"]) == ["won"] * 3
    assert list(d["close_date"]) == list(pd.to_datetime(["2026-10-01", "2026-10-03", "2026-10-04"]))
    assert main([ "init", str(path), "--lang", "en"]) == 0
    toml = (tmp_path / "kpis.toml").read_text(encoding="utf-8")
    assert 'status = "won"' in toml and 'cost = "Montant HT - Marge"' in toml and "order_lines = true" in toml
    assert '"Code postal"' in toml  # listed as unused, with its reason
    _same_tables(ds, read_workbook(path, load_config(tmp_path / "kpis.toml")))


def test_init_never_overwrites_without_force_nor_the_workbook(tmp_path, capsys):
    path = _ledger(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    (tmp_path / "kpis.toml").write_text("# mine\n", encoding="utf-8")
    assert main(["init", str(path)]) == 2
    assert (tmp_path / "kpis.toml").read_text(encoding="utf-8") == "# mine\n"
    assert main(["init", str(path), "-o", str(path)]) == 2
    assert main(["init", str(path), "--force"]) == 0
    assert (tmp_path / "kpis.toml").read_text(encoding="utf-8").startswith("# kpis.toml")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_mapping_unmaps_sets_constants_and_derives(tmp_path):
    rows = [["Réf", "Commercial", "Actif", "Prix", "Remise", "Date"],
            ["A1", "Alice", "oui", 100, 10, "2026-10-02"],
            ["A2", "Bruno", "oui", 50, 0, "2026-10-05"]]
    path = write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows})
    cfg = parse_config('[mapping.deals]\nsheet = "Affaires"\nunmapped = ["Commercial"]\n'
                       '[mapping.deals.constants]\nstatus = "won"\nrep = "Équipe A"\n'
                       '[mapping.deals.derived]\namount = "(Prix - Remise) * 1.2"\n')
    d = read_workbook(path, cfg).tables["deals"]
    assert list(d["rep"]) == ["Équipe A", "Équipe A"]  # the constant, not the un-mapped column
    assert list(d["stage"]) == ["won", "won"] and list(d["status"]) == ["won", "won"]
    assert list(d["amount"]) == pytest.approx([108.0, 60.0])  # (100-10)*1.2, (50-0)*1.2


def test_a_derived_field_with_no_number_is_said_cell_by_cell_not_left_empty_silently(tmp_path):
    """Every input there but a division by zero (or a product beyond float range): the amount is left
    empty and each such cell is in the data-quality report with its inputs; an empty input gives an
    empty result without a line (nothing was there to compute)."""
    rows = [["Réf", "Commercial", "Étape", "Prix", "Quantité", "Date"],
            ["A1", "Alice", "Gagné", 100, 4, "2026-10-02"],  # 25
            ["A2", "Bruno", "Gagné", 50, 0, "2026-10-05"],  # 50 / 0: said
            ["A3", "Bruno", "Gagné", None, 2, "2026-10-06"],  # no price: empty, nothing to say
            ["A4", "Alice", "Gagné", 1e16, 1e-300, "2026-10-07"]]  # beyond float range: said
    path = write_xlsx(tmp_path / "t.xlsx", {"Affaires": rows})
    cfg = parse_config('[mapping.deals.derived]\namount = "Prix / Quantité"\n')
    ds = read_workbook(path, cfg)
    amounts = ds.tables["deals"]["amount"].tolist()
    assert amounts[0] == 25.0 and all(np.isnan(a) for a in amounts[1:])
    said = [i for i in ds.quality if i.code == "derived_undefined"]
    assert [(i.row, i.column, i.value, i.action, i.field) for i in said] == [
        (3, "= Prix / Quantité", "Prix = 50 ; Quantité = 0", "left_empty", "amount"),
        (5, "= Prix / Quantité", "Prix = 1e+16 ; Quantité = 1e-300", "left_empty", "amount")]
    assert "Montant (Affaires) non calculable par Prix / Quantité" in said[0].reason("fr")
    assert "Amount (Deals) cannot be computed as Prix / Quantité" in said[0].reason("en")


@pytest.mark.parametrize("expr", ["__import__('os')", "Prix ** 2", "open(Prix)", "Prix.real", "Prix if Remise else 0",
                                  "Inconnu + 1", "'a' + Prix"])
def test_derived_expressions_are_plain_arithmetic_only(expr):
    headers = {0: "Prix", 1: "Remise"}
    with pytest.raises(ExpressionError):
        compile_expression(expr, headers)


def test_a_derived_field_over_a_missing_column_is_a_configuration_error(tmp_path):
    path = write_xlsx(tmp_path / "t.xlsx", {"Affaires": [["Réf", "Étape", "Prix"], ["A1", "Gagné", 5]]})
    cfg = parse_config('[mapping.deals.derived]\ncost = "Prix - Achat"\n')
    with pytest.raises(ConfigError, match="Achat"):
        read_workbook(path, cfg)


def test_bad_mapping_keys_are_located(tmp_path):
    with pytest.raises(ConfigError, match="derived"):
        parse_config('[mapping.deals.derived]\ncost = "Prix ** 2"\n')
    with pytest.raises(ConfigError, match="constants"):
        parse_config('[mapping.deals.constants]\nstatut = "won"\n')
    with pytest.raises(ConfigError, match="order_lines"):
        parse_config('[mapping.deals]\norder_lines = "yes"\n')


@pytest.mark.shared
@pytest.mark.parametrize("make", [maven_workbook, olist_workbook, superstore_workbook, superstore_csv],
                         ids=["maven", "olist", "superstore", "superstore-csv"])
def test_init_proposal_used_as_is_reads_the_same_tables(tmp_path, make):
    path = make(tmp_path)
    assert main(["init", str(path), "--lang", "en"]) == 0
    _same_tables(read_workbook(path), read_workbook(path, load_config(tmp_path / "kpis.toml")))


def test_init_output_goes_through_the_shared_check(tmp_path, capsys):
    # Found in review: `init -o FOLDER` ended in a traceback, and `init -o LINK --force` wrote the
    # proposal over another name (hard link) of the workbook: init had its own path comparison.
    path = _ledger(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    (tmp_path / "d").mkdir()
    assert main(["init", str(path), "-o", str(tmp_path / "d"), "--force", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and "Traceback" not in err
    link = tmp_path / "other_name.toml"
    os.link(path, link)
    assert main(["init", str(path), "-o", str(link), "--force", "--lang", "en"]) == 2
    assert "is the file being read" in capsys.readouterr().err
    assert main(["init", str(path), "-o", str(tmp_path / "proposal.xlsx"), "--lang", "en"]) == 2
    assert ".toml" in capsys.readouterr().err
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert hashlib.sha256(link.read_bytes()).hexdigest() == before
