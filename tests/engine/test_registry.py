"""The registry is the catalogue of kpis.md: every id, declared once, with words in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.shared import shared_path

from kpis.config import ConfigError, parse_config
from kpis.engine import REGISTRY
from kpis.engine.catalog import DOC_PATH, document, markdown, records
from kpis.engine.model import SECTIONS, UNITS
from kpis.i18n import has

# The spec's id list, shipped with the tests so that a plain clone checks the registry against it;
# ``test_fixture_equals_the_spec`` keeps it equal to ../shared/spec/kpis.md where that is present.
SPEC_IDS = Path(__file__).resolve().parents[1] / "fixtures" / "spec_kpi_ids.txt"


def spec_ids() -> list[str]:
    """The KPI ids of kpis.md, in order, from the shipped fixture."""
    lines = SPEC_IDS.read_text(encoding="utf-8").splitlines()
    return [x.strip() for x in lines if x.strip() and not x.startswith("#")]


def parse_spec_ids(text: str) -> list[str]:
    """KPI ids of kpis.md: the first column of the KPI tables, "calls, emails, ..." lists split."""
    ids: list[str] = []
    in_kpi_table = False
    for line in text.splitlines():
        if line.startswith("| id |"):
            in_kpi_table = True
            continue
        if not line.startswith("|"):
            in_kpi_table = False
            continue
        if in_kpi_table and not line.startswith("|---"):
            first = line.split("|")[1]
            ids += [x.strip() for x in first.split(",") if x.strip()]
    return ids


def test_spec_is_found_and_parsed():
    ids = spec_ids()
    assert "revenue" in ids and "employee_turnover_rate" in ids
    assert {"calls", "emails", "meetings", "visits", "demos", "mrr", "arr"} <= set(ids)
    assert all(re.fullmatch(r"[a-z_]+", i) for i in ids), ids


@pytest.mark.shared
def test_fixture_equals_the_spec():
    spec = shared_path("spec", "kpis.md").read_text(encoding="utf-8")
    assert parse_spec_ids(spec) == spec_ids(), "tests/fixtures/spec_kpi_ids.txt is stale: regenerate it from kpis.md"


def test_every_spec_id_is_in_the_registry_and_nothing_else():
    ids = spec_ids()
    assert len(ids) == len(set(ids))
    assert sorted(REGISTRY) == sorted(ids)
    assert list(REGISTRY) == ids  # same order as kpis.md: the catalogue reads like the spec


@pytest.mark.parametrize("kpi_id", list(REGISTRY))
def test_declaration_is_complete(kpi_id):
    k = REGISTRY[kpi_id]
    assert k.id == kpi_id
    assert k.section in SECTIONS
    assert k.unit in UNITS
    assert k.direction in ("higher", "lower", "none")
    for text in (k.name_fr, k.name_en, k.formula_fr, k.formula_en):
        assert text and text.strip() == text
    assert has(f"kpi_unit_{k.unit}") and has(f"kpi_direction_{k.direction}")


def test_distributions_are_the_three_of_the_spec():
    assert {k for k, d in REGISTRY.items() if d.unit == "distribution"} == {"lost_reasons", "funnel", "lifecycle_distribution"}


def test_inputs_are_declared_so_missing_input_is_automatic():
    recs = {r["id"]: r for r in records("en")}
    assert "deals.lost_reason" in recs["lost_reasons"]["inputs"]
    assert "customers.mrr" in recs["mrr"]["inputs"]
    assert "activities.type" in recs["calls"]["inputs"]
    assert any("customer_id" in i and "account" in i for i in recs["purchases_per_customer"]["inputs"])
    assert all(recs[k]["inputs"] for k in recs)


def test_catalogue_document_is_up_to_date():
    assert DOC_PATH.read_text(encoding="utf-8") == document(), (
        "docs/catalogue.md is stale: run `python -m kpis.engine.catalog docs/catalogue.md`"
    )


def test_catalogue_in_both_languages():
    fr, en = markdown("fr"), markdown("en")
    assert "Taux de réussite" in fr and "Win rate" in en
    assert "Win rate" not in fr
    for k in REGISTRY:
        assert f"`{k}`" in fr and f"`{k}`" in en


def test_config_targets_are_checked_against_the_registry():
    cfg = parse_config("[targets]\nwin_rate = 0.3\nrevenue = 250000\n", kpi_ids=REGISTRY)
    assert cfg.targets == {"win_rate": 0.3, "revenue": 250000.0}
    with pytest.raises(ConfigError, match="win_rate") as e:
        parse_config("[targets]\nwin_rat = 0.3\n", kpi_ids=REGISTRY)
    assert e.value.line == 2 and e.value.key == "targets.win_rat"
    # the registry is passed, not imported by the configuration: without it, ids are not checked
    assert parse_config("[targets]\nwin_rat = 0.3\n").targets == {"win_rat": 0.3}
