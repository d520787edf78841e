"""Mistakes in templates are reported with sheet and cell, all at once
(examples/templates/mistakes.xlsx)."""

from __future__ import annotations

import openpyxl
import pytest

from kpis.render import TemplateError, check_template, render

EXPECTED_EN = [
    "Résumé!C4: undefined 'kpi.win_rat'",
    "Résumé!C5: syntax error: expected name or number",
    "Résumé!C6: undefined 'totl'",
    "Résumé!A8: {% for %} is never closed",
    "Résumé!A10: {% endif %} without a matching opening tag",
    "Résumé!A11: unknown directive {% repeat 3 %}",
]


def test_render_raises_one_error_listing_every_problem(templates):
    with pytest.raises(TemplateError) as info:
        render(templates / "mistakes.xlsx", {"kpi": {"win_rate": 0.3}, "rows": []}, lang="en")
    assert [str(p) for p in info.value.problems] == EXPECTED_EN
    assert str(info.value).splitlines() == EXPECTED_EN


def test_messages_in_french(templates):
    with pytest.raises(TemplateError) as info:
        render(templates / "mistakes.xlsx", {"kpi": {"win_rate": 0.3}, "rows": []})
    assert str(info.value).splitlines()[0] == "Résumé!C4: indéfini : 'kpi.win_rat'"
    assert info.value.problems[0].format("en") == "Résumé!C4: undefined 'kpi.win_rat'"


def test_check_template_with_a_sample_context(templates):
    problems = check_template(templates / "mistakes.xlsx", {"kpi": {"win_rate": 0.3}, "rows": [{"nom": "x"}]})
    assert [str(p) for p in problems] == EXPECTED_EN[:4] + [
        "Résumé!B9: undefined 'r.name'",  # checked against the loop's first item
    ] + EXPECTED_EN[4:]


def test_check_template_with_context_keys_only(templates):
    problems = check_template(templates / "mistakes.xlsx", ["kpi", "rows"])
    assert "Résumé!C6: undefined 'totl'" in [str(p) for p in problems]
    assert not any("win_rat" in str(p) for p in problems)  # attributes can't be checked from keys


@pytest.mark.parametrize("name", ["placeholders", "table", "table_filters", "growth", "loops",
                                  "sheet_per_rep", "status", "monthly_report"])
def test_example_templates_check_clean_against_their_sample_contexts(templates, samples, name):
    context = getattr(samples, name)()
    assert check_template(templates / f"{name}.xlsx", context) == []
    assert check_template(templates / f"{name}.xlsx", list(context)) == []


def test_problems_inside_loops_are_reported_once_per_cell():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"], ws["B2"], ws["C2"], ws["A3"] = "{% for r in rows %}", "{{ r.nme }}", "{{ r.x | pct }}", "{% endfor %}"
    with pytest.raises(TemplateError) as info:
        render(wb, {"rows": [{"name": "a", "x": "?"}, {"name": "b", "x": 1}]}, lang="en")
    assert [str(p) for p in info.value.problems] == ["Data!B2: undefined 'r.nme'"]


def test_errors_in_filters_and_conditions_name_the_cell():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"] = "{{ rows | sort_by('nope') }}"
    ws["A3"] = "{% if df %}"
    ws["A4"] = "x"
    ws["A5"] = "{% endif %}"
    ws["B7"] = "{{ 1 / 0 }}"
    import pandas as pd

    with pytest.raises(TemplateError) as info:
        render(wb, {"rows": [{"a": 1}], "df": pd.DataFrame({"a": [1]})}, lang="en")
    cells = [(p.cell, p.code) for p in info.value.problems]
    assert cells == [("A1", "eval"), ("A3", "eval"), ("B7", "eval")]
    assert "no column 'nope'" in str(info.value.problems[0])
