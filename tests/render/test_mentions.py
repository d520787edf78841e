"""Which optional parts of the report's context a template reads (kpis.render.mentions), and that
building only those parts renders the same sheets as building them all."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from kpis.render.mentions import mentioned
from kpis.report.context import OPTIONAL_PARTS

TEMPLATES = Path(__file__).resolve().parents[2] / "kpis" / "templates"


def _package(xml: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/sharedStrings.xml", xml)
    return buf.getvalue()


@pytest.mark.parametrize("text, found", [
    ("<t>{{ trend | columns([&quot;month&quot;]) }}</t>", {"trend"}),
    ("<r><t>{{ tr</t></r><r><t>end }}</t></r>", {"trend"}),  # one placeholder in two rich-text runs
    ("<t>{% for r in reps %}</t>", {"reps"}),
    ("<t>{{ cards.forecast.value }} {{ kpi.trend }}</t>", set()),  # attributes, not the parts
    ("<t>{{ reps_table | columns([&quot;rep&quot;, &quot;forecast&quot;]) }}</t>", set()),  # a quoted word
    ("<t>Forecast and trend of the reps</t>", set()),  # plain text is not read by the template language
    # a part of a key: read by name, or reachable through the key used whole or with a computed key
    ("<t>{{ top.pipeline_by_rep }}</t>", {"top"}),
    ("<t>{{ top.watch_deals | noheader }}</t>", {"top", "top.watch_deals"}),
    ("<t>{{ top[&quot;movement_chart&quot;] }}</t>", {"top", "top.movement_chart"}),
    ("<t>{{ top.watch_deals_note }}</t>", {"top"}),  # another part whose name starts the same
    ("<t>{% for k, v in top.items() %}</t>", {"top", "top.watch_deals", "top.movement_chart", "top.movement_chart_note"}),
    ("<t>{{ top[name] }}</t>", {"top", "top.watch_deals", "top.movement_chart", "top.movement_chart_note"}),
    ("<t>{{ top.get(&quot;watch_deals&quot;) }}</t>", {"top", "top.watch_deals", "top.movement_chart", "top.movement_chart_note"}),
])
def test_a_name_counts_where_the_template_language_reads_it(text, found):
    assert mentioned(_package(text), OPTIONAL_PARTS) == found


def test_the_kpi_sheets_read_no_costly_part_but_the_top_views_and_the_report_reads_them_all():
    for name in ("feuilles_kpi_fr.xlsx", "kpi_sheets_en.xlsx"):
        assert mentioned(TEMPLATES / name, OPTIONAL_PARTS) == {"top"}, name  # no watch list: no history
    for name in ("rapport_mensuel_fr.xlsx", "monthly_report_en.xlsx"):
        assert mentioned(TEMPLATES / name, OPTIONAL_PARTS) == set(OPTIONAL_PARTS), name


@pytest.mark.parametrize("lang, name", [("fr", "feuilles_kpi_fr.xlsx"), ("en", "kpi_sheets_en.xlsx")])
def test_the_kpi_sheets_from_the_parts_they_read_equal_those_from_the_whole_context(lang, name):
    import datetime as dt

    from kpis.config import Config
    from kpis.dataset import Dataset
    from kpis.demo.sample import build_truth
    from kpis.engine import default_period
    from kpis.report.context import build_context
    from kpis.xl.templates import render_contents

    ds = Dataset.from_frames(**build_truth())
    period, cfg, at = default_period(ds), Config(lang=lang), dt.datetime(2026, 11, 30, 9, 0)
    template = TEMPLATES / name
    whole = build_context(ds, period, cfg, generated_at=at)
    parts = build_context(ds, period, cfg, generated_at=at, needs=mentioned(template, OPTIONAL_PARTS))
    assert not {"trend", "reps", "commentary", "forecast", "history", "watch"} & set(parts)  # not built
    assert render_contents(template, parts, lang) == render_contents(template, whole, lang)
