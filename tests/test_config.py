"""Configuration: valid files load; every mistake names its key and line."""

import pytest

from kpis.config import ConfigError, load_config, parse_config

GOOD = """\
lang = "en"
currency = "EUR"
fiscal_year_start = 4

[mapping.deals]
sheet = "Ventes 2026"
header_row = 3
columns = { amount = "Montant HT", rep = "Vendeur" }

[stages]
won = ["Bon pour accord"]

[stage_probability]
Proposition = 50
"Négociation" = 0.7
"""


def test_good_config_loads():
    cfg = parse_config(GOOD)
    assert cfg.lang == "en" and cfg.fiscal_year_start == 4
    assert cfg.mapping["deals"].sheet == "Ventes 2026"
    assert cfg.mapping["deals"].header_row == 3
    assert cfg.mapping["deals"].columns == {"amount": "Montant HT", "rep": "Vendeur"}
    assert cfg.stages["won"] == ["Bon pour accord"]
    assert cfg.stage_probability == {"Proposition": 0.5, "Négociation": 0.7}


@pytest.mark.parametrize(
    "text, line, key, words",
    [
        ('lang = "fr"\nlangue = "fr"\n', 2, "langue", "did you mean 'lang'"),
        ('[stages]\nwon = 3\n', 2, "stages.won", "list of words"),
        ('[stages]\nsigned = ["x"]\n', 2, "stages.signed", "won, lost, open"),
        ('\n[mapping.deal]\nsheet = "x"\n', 2, "mapping.deal", "did you mean 'deals'"),
        ('[mapping.deals]\nsheet = "x"\ncolumns = { amout = "Montant" }\n', 3, "mapping.deals.columns.amout", "amount"),
        ('[stage_probability]\nProposition = 250\n', 2, "stage_probability.Proposition", "probability"),
        ('fiscal_year_start = 13\n', 1, "fiscal_year_start", "1-12"),
        ('lang = "fr"\nramp = [0.25, 2]\n', 2, "ramp", "fraction"),
    ],
)
def test_mistakes_name_key_and_line(text, line, key, words):
    with pytest.raises(ConfigError) as e:
        parse_config(text)
    assert e.value.line == line
    assert e.value.key == key
    assert words in str(e.value)
    assert f":{line}:" in str(e.value)


def test_invalid_toml_has_a_line():
    with pytest.raises(ConfigError) as e:
        parse_config('lang = "fr"\n[stages\n')
    assert e.value.line == 2


def test_defaults_without_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(None, workbook=tmp_path / "suivi.xlsx")
    assert cfg.lang == "fr" and cfg.ramp == [0.25, 0.5, 0.75]


def test_config_beside_workbook_is_found(tmp_path):
    (tmp_path / "kpis.toml").write_text('lang = "en"\n', encoding="utf-8")
    assert load_config(None, workbook=tmp_path / "suivi.xlsx").lang == "en"
