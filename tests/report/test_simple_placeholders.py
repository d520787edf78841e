"""Simple placeholders built without Jinja's code generation give Jinja's results and errors.

``kpis.render.simple`` builds ``cards.revenue.value | default('n.d.') | fill(...)`` directly from the
environment's own calls; anything else goes through Jinja. Here every shipped template (the report,
the KPI sheets, in French and English) is rendered both ways on the example team's context and the
written cells must be equal, and the edge cases (undefined names, refused attributes, unknown
filters, operators, keywords, odd literals) give the same value or the same error either way.
"""

from __future__ import annotations

import pytest

import kpis.render.evaluate as render_evaluate
from kpis.render import codecache
from kpis.render.sandbox import environment
from kpis.render.simple import simple_expression
from kpis.report import default_template, render_report


def _cells(report) -> dict[tuple[str, str], object]:
    return {(ws.title, c.coordinate): c.value for ws in report.workbook.worksheets for row in ws.iter_rows() for c in row}


@pytest.mark.parametrize("kind", ["report", "sheets"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_shipped_templates_render_the_same_both_ways(kind, lang, fr, en, monkeypatch):
    example = fr if lang == "fr" else en
    template = default_template(kind, lang)
    render_evaluate._compile_expression.cache_clear()
    fast = _cells(render_report(template, example.ctx, lang=lang))
    monkeypatch.setattr(render_evaluate, "simple_expression", lambda env, source: None)
    render_evaluate._compile_expression.cache_clear()
    try:
        slow = _cells(render_report(template, example.ctx, lang=lang))
    finally:
        render_evaluate._compile_expression.cache_clear()
    assert fast == slow


def test_most_placeholders_of_the_kpi_sheets_take_the_fast_path(fr, monkeypatch):
    taken, seen = [], []

    def counting(env, source):
        fn = simple_expression(env, source)
        seen.append(source)
        if fn is not None:
            taken.append(source)
        return fn

    monkeypatch.setattr(render_evaluate, "simple_expression", counting)
    render_evaluate._compile_expression.cache_clear()
    try:
        render_report(default_template("sheets", "fr"), fr.ctx, lang="fr")
    finally:
        render_evaluate._compile_expression.cache_clear()
    assert len(seen) > 300
    assert len(taken) >= 0.95 * len(seen), sorted(set(seen) - set(taken))


class Card:
    def __init__(self):
        self.value = 1234.5
        self.status = "ok"
        self._private = "secret"

    def delete(self):  # a method is an attribute like any other
        return "called"


SCOPE = {
    "cards": {"revenue": Card(), "empty": None},
    "kpi": {"revenue": 1234.5},
    "rows": [{"rep": "Alice", "n": 3}],
    "text": "Bonjour",
    "none_value": None,
}

CASES = [
    "cards.revenue.value",
    "cards.revenue.status",
    "kpi.revenue",
    "cards.revenue.value | default('n.d.')",
    "cards.missing.value | default('n.d.')",
    "cards.empty | default('n.d.')",
    "none_value | default('n.d.', true)",
    'cards.revenue.value | default("x") | fill(cards.revenue.status)',
    "cards.revenue.value | fill(none, cards.revenue.status)",
    'rows | columns(["rep", "n"]) | noheader',
    "rows | columns(['rep']) | noheader",
    "text | upper",
    "text | length",
    "text | truncate(3)",
    "text|upper|lower",
    "  text | upper  ",
    "unknown_name",
    "unknown_name.value",
    "unknown_name | default(0)",
    "cards.revenue._private",
    "cards.revenue.__class__",
    "cards.revenue.delete",
    "cards.revenue.nothing",
    "text | no_such_filter",
    "text | upper(",
    "text |",
    "cards.revenue.value * 2",
    "cards.revenue.value if text else 0",
    "cards['revenue'].value",
    "cards.revenue.delete()",
    "text | truncate(3, end='')",
    "text | replace('B', 'b')",
    "text | replace('B', \"\\n\")",
    "rows | columns(['rep',])",
    "text | truncate(007)",
    "text | truncate(1_0)",
    "text | truncate(3.5)",
    "kpi.revenue | round(1)",
    "True",
    "none",
    "not text",
    "text.0",
    "text | default(none) | string",
    "cards.revenue | attr('value')",
]


def _outcome(fn, scope):
    try:
        return ("value", repr(fn(**scope)))
    except Exception as exc:  # the error itself must match
        return ("error", type(exc).__name__, str(exc))


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("source", CASES)
def test_same_value_or_error_as_jinja(source, lang):
    env = environment(lang)
    fast = simple_expression(env, source)
    try:
        slow = codecache.compile_expression(env, source)
    except Exception as exc:  # a syntax error: the fast path must not have accepted it
        assert fast is None, (source, exc)
        return
    if fast is not None:
        assert _outcome(fast, SCOPE) == _outcome(slow, SCOPE)


@pytest.mark.parametrize("source", [
    "cards.revenue.value * 2", "cards['revenue']", "cards.revenue.delete()", "text | truncate(3, end='')",
    "text | replace('B', \"\\n\")", "text | truncate(007)", "text | truncate(3.5)", "not text", "text.0",
    "text | no_such_filter", "x | y.z", "a | f(,)", "", "True and text", "text | default",
])
def test_what_is_left_to_jinja(source):
    """Operators, calls, subscripts, keywords, escapes, odd numbers, unknown filters: not simple."""
    if source == "text | default":
        assert simple_expression(environment("fr"), source) is not None  # a filter without arguments is
        return
    assert simple_expression(environment("fr"), source) is None
