"""The configuration sheet (kpis.config_sheet): format, precedence over kpis.toml, CLI end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from kpis.cli import main
from kpis.config import Config, ConfigError, parse_config
from kpis.config_sheet import config_from_grid, is_config_sheet, merge_sheet_config

OCT = dt.datetime(2026, 10, 15)

# A commission plan kept in the workbook: 2 % up to 50 % of quota, 5 % up to 100 %, 8 % beyond,
# nothing below 30 %, renewals credited at half, 150 per "Formation" deal.
PLAN_ROWS = [
    ["Paramètres des indicateurs"],
    [],
    ["Clé / Key", "Valeur / Value", "Aide"],
    ["# plan de commissionnement", None],
    ["plans.standard.tiers", "marginal"],
    ["plans.standard.rates", "[[0, 0.02], [0.5, 0.05], [1.0, 0.08]]"],
    ["plans.standard.gate", 0.3],  # row 7: a percent cell (30 %) arrives as 0.3
    ["plans.standard.deal_type_weights.renewal", 0.5],
    ["plans.standard.spiffs.1.name", "Formation"],
    ["plans.standard.spiffs.1.amount", 150],
    ["plans.standard.spiffs.1.match", '{ product = "Formation" }'],
    ["currency", None],  # empty value: not set
]


def _workbook(path: Path, settings: list[list] | None = PLAN_ROWS, sheet: str = "Paramètres KPI") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Affaires"
    ws.append(["ID affaire", "Client", "Commercial", "Montant", "Étape", "Date de clôture", "Type", "Produit"])
    ws.append(["A1", "Dupont", "Alice Martin", 6000, "Gagné", OCT, "Nouveau", "Logiciel"])
    ws.append(["A2", "Durand", "Alice Martin", 4000, "Gagné", OCT, "Renouvellement", "Formation"])
    ws.append(["A3", "Petit", "Bruno Roux", 2000, "Gagné", OCT, "Nouveau", "Logiciel"])
    ws.append(["A4", "Moreau", "Bruno Roux", 9000, "Perdu", OCT, "Nouveau", "Logiciel"])
    t = wb.create_sheet("Objectifs")
    t.append(["Commercial", "Mois", "Objectif"])
    t.append(["Alice Martin", "2026-10", 10000])
    t.append(["Bruno Roux", "2026-10", 10000])
    e = wb.create_sheet("Équipe")
    e.append(["Commercial", "Plan"])
    e.append(["Alice Martin", "standard"])
    e.append(["Bruno Roux", "standard"])
    if settings is not None:
        s = wb.create_sheet(sheet)
        for row in settings:
            s.append(row)
        s["B7"].number_format = "0%"
    wb.save(path)
    return path


def _commissions(capsys, args: list[str]) -> tuple[int, dict]:
    capsys.readouterr()
    rc = main(["commissions", *args, "--period", "2026-10", "--format", "json"])
    out = capsys.readouterr().out
    return rc, json.loads(out) if out.strip() else {}


# -- the format --------------------------------------------------------------------------------


def test_grid_to_nested_keys_and_cells():
    data, cells = config_from_grid(PLAN_ROWS + [["fiscal_year_start", 4.0], ['stage_probability."Négo 2.0"', "70 %"],
                                                ["stages.won", '["Signé", "Commande"]'], ["default_plan", "standard"]],
                                   "Paramètres KPI")
    plan = data["plans"]["standard"]
    assert plan == {"tiers": "marginal", "rates": [[0, 0.02], [0.5, 0.05], [1.0, 0.08]], "gate": 0.3,
                    "deal_type_weights": {"renewal": 0.5},
                    "spiffs": [{"name": "Formation", "amount": 150, "match": {"product": "Formation"}}]}
    assert data["fiscal_year_start"] == 4 and isinstance(data["fiscal_year_start"], int)
    assert data["stage_probability"] == {"Négo 2.0": 0.7}
    assert data["stages"] == {"won": ["Signé", "Commande"]}
    assert "currency" not in data
    assert cells["plans.standard.gate"] == "Paramètres KPI!B7"
    cfg = merge_sheet_config(Config(), data, cells, "Paramètres KPI")
    assert cfg.fiscal_year_start == 4 and cfg.default_plan == "standard" and cfg.sheet == "Paramètres KPI"


def test_values_text_percent_comma_and_plain_text():
    rows = [["a.b", "30 %"], ["a.c", "0,5"], ["a.d", "fr"], ["a.e", "true"], ["a.f", '"12"'], ["a.g", "2026-01"]]
    data, _ = config_from_grid(rows, "S")  # no header row: columns A and B
    assert data["a"] == {"b": 0.3, "c": 0.5, "d": "fr", "e": True, "f": "12", "g": "2026-01"}


def test_set_twice_names_both_cells():
    with pytest.raises(ConfigError) as e:
        config_from_grid([["Key", "Value"], ["lang", "fr"], ["lang", "en"]], "KPI settings")
    assert str(e.value).startswith("KPI settings!B3: lang:") and "KPI settings!B2" in str(e.value)


def test_mistake_names_the_cell():
    data, cells = config_from_grid([["Clé", "Valeur"], ["fiscal_year_start", 13], ["plan.x.rates", "[[0, 0.1]]"]], "Paramètres KPI")
    with pytest.raises(ConfigError, match=r"^Paramètres KPI!B2: fiscal_year_start: "):
        merge_sheet_config(Config(), {"fiscal_year_start": 13}, {"fiscal_year_start": cells["fiscal_year_start"]})
    with pytest.raises(ConfigError, match=r"^Paramètres KPI!B3: plan: unknown key \(did you mean 'plans'\?\)"):
        merge_sheet_config(Config(), data, cells)


def test_sheet_names():
    for name in ("Paramètres KPI", "PARAMETRES KPI", "KPI settings", "kpis", "kpis.toml", "Configuration KPI"):
        assert is_config_sheet(name), name
    assert not is_config_sheet("Paramètres") and not is_config_sheet("Affaires")


def test_sheet_wins_over_the_file_key_by_key():
    file_cfg = parse_config('currency = "CHF"\nlang = "en"\n[plans.standard]\nrates = [[0, 0.01]]\ngate = 0.5\ncap = 900\n',
                            path=Path("kpis.toml"))
    data, cells = config_from_grid([["lang", "fr"], ["plans.standard.gate", 0.3]], "kpis")
    cfg = merge_sheet_config(file_cfg, data, cells)
    assert cfg.lang == "fr" and cfg.currency == "CHF"  # the sheet's key wins, the file's others stay
    assert cfg.plans["standard"] == {"rates": [[0, 0.01]], "gate": 0.3, "cap": 900}
    # a mistake in the file's keys still names the file's line, one in the sheet's keys the cell
    assert str(cfg.error("x", "plans", "standard", "cap")).startswith("kpis.toml:6:")
    assert str(cfg.error("x", "plans", "standard", "gate")).startswith("kpis!B2:")


def test_lists_of_tables_merge_by_position_lists_of_values_are_replaced():
    file_cfg = parse_config('[plans.s]\nrates = [[0, 0.01], [1, 0.02]]\n[[plans.s.spiffs]]\nname = "A"\namount = 10\n'
                            '[[plans.s.spiffs]]\nname = "B"\namount = 20\n')
    data, cells = config_from_grid([["plans.s.spiffs.2.amount", 99], ["plans.s.rates", "[[0, 0.05]]"]], "kpis")
    plan = merge_sheet_config(file_cfg, data, cells).plans["s"]
    assert plan["spiffs"] == [{"name": "A", "amount": 10}, {"name": "B", "amount": 99}]
    assert plan["rates"] == [[0, 0.05]]


# -- end to end ----------------------------------------------------------------------------------


def test_commissions_paid_on_the_sheet_plan(tmp_path, capsys):
    wb = _workbook(tmp_path / "suivi.xlsx")
    rc, data = _commissions(capsys, [str(wb)])
    assert rc == 0, data.get("warnings")
    alice, bruno = data["reps"]["Alice Martin"], data["reps"]["Bruno Roux"]
    # Alice: 6000 + 4000 renewal at half = 8000 credited on 10000 -> 80 %;
    # marginal: 50 % of quota (5000) at 2 % = 100, then 30 % (3000) at 5 % = 150 -> 250; SPIFF 150.
    assert alice["credited"] == pytest.approx(8000)
    assert alice["attainment"] == pytest.approx(0.8)
    assert alice["commission"] == pytest.approx(250)
    assert alice["spiffs"] == pytest.approx(150)
    # Bruno: 2000 on 10000 = 20 %, under the 30 % gate -> nothing.
    assert bruno["attainment"] == pytest.approx(0.2)
    assert bruno["commission"] == 0


def test_bad_value_in_the_sheet_exits_2_naming_sheet_and_cell(tmp_path, capsys):
    rows = [list(r) for r in PLAN_ROWS]
    rows[5] = ["plans.standard.rates", "[[0, 2], [0.5, 5]]"]  # percentages typed as whole numbers
    wb = _workbook(tmp_path / "suivi.xlsx", rows)
    capsys.readouterr()
    assert main(["commissions", str(wb), "--period", "2026-10", "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "Paramètres KPI!B6" in err and "plans.standard.rates" in err


def test_file_beside_the_workbook_and_sheet_precedence(tmp_path, capsys):
    wb = _workbook(tmp_path / "suivi.xlsx")
    # The file pays 10 % flat with no gate and a cap; the sheet's keys replace rates and gate, the cap stays.
    (tmp_path / "kpis.toml").write_text('[plans.standard]\nrates = [[0, 0.10]]\ncap = 200\n', encoding="utf-8")
    rc, data = _commissions(capsys, [str(wb)])
    assert rc == 0, data.get("warnings")
    assert data["reps"]["Alice Martin"]["commission"] == pytest.approx(200)  # 250 by the sheet's rates, capped by the file
    # Without the sheet, the file alone: 10 % of 8000 = 800, capped at 200; Bruno 10 % of 2000 = 200.
    wb2 = _workbook(tmp_path / "sans.xlsx", settings=None)
    rc, data = _commissions(capsys, [str(wb2)])
    assert rc == 0
    assert data["reps"]["Bruno Roux"]["commission"] == pytest.approx(200)


def test_validate_shows_the_configuration_sheet_not_as_data(tmp_path, capsys):
    wb = _workbook(tmp_path / "suivi.xlsx", sheet="kpis.toml")
    capsys.readouterr()
    main(["validate", str(wb), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["config_sheet"] == "kpis.toml"
    assert all(a["sheet"] != "kpis.toml" for a in data["sheets_aside"])
    assert all(i.get("sheet") != "kpis.toml" for i in data["issues"])
    main(["validate", str(wb), "--lang", "en"])
    assert "Configuration sheet: kpis.toml" in capsys.readouterr().out


def test_file_based_example_keeps_working(capsys):
    example = Path(__file__).resolve().parents[1] / "examples" / "suivi_commercial.xlsx"
    if not example.is_file():
        pytest.skip("example workbook not generated")
    rc, data = _commissions(capsys, [str(example)])
    assert rc in (0, 1) and data["reps"]
