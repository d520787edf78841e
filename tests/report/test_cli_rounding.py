"""The CLI's text rounds like the report: ``kpis compute``'s table shows, for every KPI, the text the
report's KPIs page shows (its cell's value formatted with its number format) -- one rounding, half
away from zero, as Excel (the CLI once printed 115 604 € where the report showed 115 605 €)."""

from __future__ import annotations

import pytest

from kpis.cli import main
from kpis.engine.registry import REGISTRY
from kpis.present.formats import apply_format

from .conftest import PERIOD


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_compute_table_shows_the_reports_texts(lang, fr, en, capsys, monkeypatch):
    ex = fr if lang == "fr" else en
    monkeypatch.setenv("COLUMNS", "400")
    capsys.readouterr()
    assert main(["compute", str(ex.path), "--period", PERIOD.label, "--lang", lang]) == 0
    out = capsys.readouterr().out
    cli: dict[str, list[str]] = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) >= 5 and cells[1] in REGISTRY:
            cli[cells[1]] = cells
    ws = ex.report["Indicateurs" if lang == "fr" else "KPIs"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    compared = 0
    for kid, k in REGISTRY.items():
        if k.unit == "distribution" or kid not in cli or k.name(lang) not in rows:
            continue
        value, previous = ws.cell(rows[k.name(lang)], 2), ws.cell(rows[k.name(lang)], 3)
        if isinstance(value.value, (int, float)):
            assert cli[kid][2] == apply_format(value.value, value.number_format, lang), kid
            compared += 1
        if isinstance(previous.value, (int, float)):
            assert cli[kid][3] == apply_format(previous.value, previous.number_format, lang), kid
    assert compared > 40
