"""Templates render in a sandbox; data is never a template, never a formula."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from kpis.render import TemplateError, render


def _one(expr: str, ctx: dict, lang: str = "en"):
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.active["A1"] = expr
    return render(wb, ctx, lang=lang).workbook.active["A1"]


def test_data_values_are_never_evaluated_as_templates():
    cell = _one("{{ name }}", {"name": "{{ 7 * 7 }}{% for x in y %}"})
    assert cell.value == "{{ 7 * 7 }}{% for x in y %}"
    cell = _one("Bonjour {{ name }}", {"name": "{{ secret }}"})
    assert cell.value == "Bonjour {{ secret }}"


@pytest.mark.parametrize("text", ["=1+1", "+33 6 12", "-cmd", "@SUM(A1)", "=HYPERLINK(\"http://x\")"])
def test_formula_like_data_is_written_as_text(text, tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "{{ v }}"
    wb.active["A2"] = "{{ rows }}"
    path = render(wb, {"v": text, "rows": [{"c": text}]}).save(tmp_path / "x.xlsx")
    ws = openpyxl.load_workbook(path).active
    for ref in ("A1", "A3"):
        assert ws[ref].value == text and ws[ref].data_type == "s"


@pytest.mark.parametrize(
    "expr",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ df.to_csv('/tmp/kpis_should_not_exist.csv') }}",
        "{{ path.write_text('x') }}",
        "{{ items.append(1) }}",
    ],
)
def test_the_sandbox_refuses_unsafe_access(expr, tmp_path):
    target = tmp_path / "nope.txt"
    ctx = {"df": pd.DataFrame({"a": [1]}), "path": target, "items": [1]}
    with pytest.raises(TemplateError) as info:
        _one(expr, ctx)
    assert info.value.problems[0].cell == "A1"
    assert not target.exists()
    import os

    assert not os.path.exists("/tmp/kpis_should_not_exist.csv")


def test_safe_data_methods_still_work():
    df = pd.DataFrame({"a": [1, 2, 3]})
    assert _one("{{ df.a.sum() }}", {"df": df}).value == 6
    assert _one("{{ name.upper() }}", {"name": "alice"}).value == "ALICE"
    assert _one("{{ items | length }}", {"items": [1, 2]}).value == 2
