"""Plan validation: the brief's TOML works; mistakes name the plan, the key and the line."""

from __future__ import annotations

import pandas as pd
import pytest

from kpis.calculators import load_plans, plan_of
from kpis.config import ConfigError, parse_config

BRIEF = """\
[plans.standard]
tiers = "marginal"                 # or "retroactive"
rates = [[0.0, 0.02], [0.5, 0.05], [1.0, 0.08], [1.5, 0.12]]   # [attainment from, rate] bands
gate = 0.3                         # optional: no commission below this attainment
cap = 20000                        # optional: maximum commission per period
deal_type_weights = { renewal = 0.5 }
clawback_days = 90                 # optional
draw = { amount = 1000, recoverable = true }   # optional
[[plans.standard.spiffs]]
name = "Formation"
match = { product = "Formation" }
amount = 150
"""


def test_brief_plan_parses():
    plan = load_plans(parse_config(BRIEF))["standard"]
    assert plan.tiers == "marginal"
    assert plan.rates == ((0.0, 0.02), (0.5, 0.05), (1.0, 0.08), (1.5, 0.12))
    assert plan.gate == 0.3 and plan.cap == 20000.0 and plan.clawback_days == 90
    assert plan.deal_type_weights == {"renewal": 0.5}
    assert plan.draw.amount == 1000.0 and plan.draw.recoverable
    assert plan.spiffs[0].name == "Formation" and plan.spiffs[0].amount == 150.0
    assert plan.period == "month" and plan.ramp is None


@pytest.mark.parametrize(
    ("replace", "by", "key", "line"),
    [
        ('tiers = "marginal"', 'tiers = "marginale"', "plans.standard.tiers", 2),
        ("gate = 0.3 ", "gate = 30 ", "plans.standard.gate", 4),
        ("cap = 20000", "cap = -5", "plans.standard.cap", 5),
        ("[1.0, 0.08]", "[1.0, 8]", "plans.standard.rates", 3),
        ("[0.5, 0.05], [1.0, 0.08]", "[1.0, 0.05], [0.5, 0.08]", "plans.standard.rates", 3),
        ("renewal = 0.5", "renouvellement = 0.5", "plans.standard.deal_type_weights", 6),
        ("clawback_days = 90", "clawback_days = 9.5", "plans.standard.clawback_days", 7),
        ("recoverable = true", "recoverable = \"oui\"", "plans.standard.draw", 8),
        ("clawback_days = 90", "clawback_dayz = 90", "plans.standard.clawback_dayz", 7),
        ('match = { product = "Formation" }', 'match = { produit = "Formation" }', "plans.standard.spiffs", 9),
    ],
)
def test_mistakes_name_key_and_line(replace, by, key, line):
    text = BRIEF.replace(replace, by)
    assert text != BRIEF
    with pytest.raises(ConfigError) as e:
        load_plans(parse_config(text))
    assert e.value.key == key
    assert e.value.line == line
    assert key in str(e.value) and f":{line}" in str(e.value)


def test_typo_suggests_the_key():
    with pytest.raises(ConfigError, match="did you mean 'clawback_days'"):
        load_plans(parse_config(BRIEF.replace("clawback_days", "clawback_dayz")))


def test_missing_rates():
    with pytest.raises(ConfigError, match="rates"):
        load_plans(parse_config("[plans.x]\ngate = 0.3\n"))


def test_plan_assignment():
    cfg = parse_config(BRIEF + '\n[plans.senior]\nrates = [[0, 0.1]]\n', overrides=None)
    plans = load_plans(cfg)
    team = pd.DataFrame({"rep": ["Alice", "Bruno", "Cleo"], "plan": ["senior", None, " standard "]})
    # two plans, no default_plan: only reps with a plan column value get one
    got = plan_of(["Alice", "Bruno", "Cleo", "Dan"], team, plans, cfg)
    assert got.to_dict() == {"Alice": "senior", "Bruno": None, "Cleo": "standard", "Dan": None}
    cfg2 = parse_config('default_plan = "standard"\n' + BRIEF + '\n[plans.senior]\nrates = [[0, 0.1]]\n')
    got = plan_of(["Alice", "Bruno"], team, load_plans(cfg2), cfg2)
    assert got.to_dict() == {"Alice": "senior", "Bruno": "standard"}
    bad = pd.DataFrame({"rep": ["Alice"], "plan": ["gold"]})
    with pytest.raises(ConfigError, match="gold"):
        plan_of(["Alice"], bad, plans, cfg)


def test_only_plan_is_the_default():
    cfg = parse_config(BRIEF)
    assert plan_of(["Alice"], None, load_plans(cfg), cfg).to_dict() == {"Alice": "standard"}
