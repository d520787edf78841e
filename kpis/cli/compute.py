"""``kpis compute`` (the KPIs of a workbook for a period) and ``kpis catalog`` (what each KPI means).

Exit codes: 0 when the KPIs were computed (a KPI without data or with a missing input is a result,
shown with its status, not a failure); 2 for usage or file errors (bad period, unknown KPI or
dimension, configuration mistake, unreadable workbook).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List, Optional

import typer

from ..i18n import register as register_messages
from .common import (
    check_format,
    console,
    terminal_width,
    EXIT_OK,
    ConfigOpt,
    ForceOpt,
    FromOpt,
    LangOpt,
    OutputOpt,
    PeriodOpt,
    ToOpt,
    UserError,
    WorkbookArg,
    check_lang,
    check_text_output,
    format_opt,
    flag_period,
    load_cfg,
    read_data,
    resolve_period,
    run,
    write_text,
)

COMPUTE_FORMATS = ("table", "json", "csv")
CATALOG_FORMATS = ("table", "markdown", "json")
ByOpt = typer.Option(None, "--by", "-b", help="Breakdown: rep, team, location, product, source (channel), segment, deal_type. Repeatable. / Axe d'analyse.")
KpiOpt = typer.Option(None, "--kpi", "-k", help="Only these KPI ids (repeatable or comma-separated; see `kpis catalog`). / Seulement ces indicateurs.")


register_messages(
    {
        "period_partial": {
            "fr": "attention : les données s'arrêtent le {last}, la période {period} est incomplète",
            "en": "note: the data stops on {last}: period {period} is incomplete",
        },
        "period_outside_data": {
            "fr": "attention : la période {period} est hors des données (du {first} au {last})",
            "en": "note: period {period} is outside the data ({first} to {last})",
        },
    }
)


def register(app: typer.Typer) -> None:
    app.command("compute", help="Compute the KPIs of a workbook for a period. / Calcule les indicateurs d'un fichier pour une période.")(compute_cmd)
    app.command("catalog", help="The KPI catalogue: ids, names, formulas, inputs. / Le catalogue des indicateurs.")(catalog_cmd)


def compute_cmd(
    workbook: Path = WorkbookArg,
    config: Optional[Path] = ConfigOpt,
    period: Optional[str] = PeriodOpt,
    start: Optional[str] = FromOpt,
    end: Optional[str] = ToOpt,
    by: Optional[List[str]] = ByOpt,
    kpi: Optional[List[str]] = KpiOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = format_opt(*COMPUTE_FORMATS),
    output: Optional[Path] = OutputOpt,
    force: bool = ForceOpt,
) -> None:
    """Compute the KPIs for a period (default: the last complete month of the data)."""

    def body() -> int:
        from ..engine import compute, default_period
        from ..engine.compute import normalise_dims, select_ids
        from ..engine.evaluate import tables_needed

        f = check_format(fmt, COMPUTE_FORMATS)
        cfg = load_cfg(config, workbook, lang)
        out = check_text_output(output, f, COMPUTE_FORMATS, lang=cfg.lang, force=force, reads=(workbook,), config=cfg.path)
        try:
            ids = select_ids(kpi, cfg.lang)
            dims = normalise_dims(by, cfg.lang)
        except (KeyError, ValueError) as e:
            raise UserError(str(e.args[0] if e.args else e)) from None
        from ..engine.compute import FACT_TABLES

        ds = read_data(workbook, cfg, tables=sorted(tables_needed(ids, dims) | FACT_TABLES))
        p = resolve_period(period, start, end, cfg, default=lambda: default_period(ds))
        results = compute(ds, p, config=cfg, kpis=ids, by=dims)
        flag_period(ds, p, cfg.lang, results.as_of)
        if f == "json":
            write_text(json.dumps(results.to_json(), ensure_ascii=False, indent=2) + "\n", out)
        elif f == "csv":
            write_text(results.to_frame().to_csv(index=False), out)
        else:
            print_results(results)
        return EXIT_OK

    raise typer.Exit(run(body))


def catalog_cmd(
    lang: Optional[str] = LangOpt,
    fmt: str = format_opt(*CATALOG_FORMATS),
    output: Optional[Path] = OutputOpt,
    force: bool = ForceOpt,
) -> None:
    """List every KPI with its definition, unit, direction and inputs."""

    def body() -> int:
        from ..engine import catalog

        f = check_format(fmt, CATALOG_FORMATS)
        lg = check_lang(lang) or "fr"
        out = check_text_output(output, f, CATALOG_FORMATS, lang=lg, force=force)
        if f == "json":
            write_text(json.dumps(catalog.records(lg), ensure_ascii=False, indent=2) + "\n", out)
        elif f == "markdown":
            write_text(catalog.markdown(lg) + "\n", out)
        else:
            _print_catalog(catalog.records(lg), lg)
        return EXIT_OK

    raise typer.Exit(run(body))


def print_results(results) -> None:
    """The results as rich tables: one line per KPI, then one table per breakdown."""
    from rich.table import Table

    from ..engine.format import format_change, format_value
    from ..engine.model import SECTIONS
    from ..engine.registry import REGISTRY
    from ..i18n import message

    lg, currency = results.lang, results.currency
    con = console(max(150, terminal_width()))
    t = Table(title=message("kpi_title", lg, period=f"{results.period.label} ({results.period.start} → {results.period.end})"))
    t.add_column(message("kpi_h_kpi", lg), no_wrap=True)
    t.add_column(message("kpi_h_id", lg), style="dim", no_wrap=True)
    for code in ("kpi_h_value", "kpi_h_previous", "kpi_h_change", "kpi_h_target"):
        t.add_column(message(code, lg), justify="right", max_width=34)
    t.add_column(message("kpi_h_status", lg), max_width=40)
    section = None
    notes: list[str] = []
    for r in results:
        s = REGISTRY[r.id].section
        if s != section:
            section = s
            t.add_row(f"[bold]{SECTIONS[s][0 if lg == 'fr' else 1]}[/bold]", "", "", "", "", "", "")
        change = format_change(r.change, r.change_kind, r.unit, lg)
        if r.good is not None and change:
            change = f"[{'green' if r.good else 'red'}]{change}[/]"
        status = message(f"kpi_status_{r.status}", lg) if r.status == "ok" else (r.reason or message(f"kpi_status_{r.status}", lg))
        if r.notes:
            status += " *"
            notes += [f"{r.name}: {n}" for n in r.notes]
        t.add_row(
            r.name,
            r.id,
            format_value(r.value, r.unit, lg, currency, top=3),
            format_value(r.previous, r.unit, lg, currency, top=3) if r.previous is not None else "",
            change,
            format_value(r.target, r.unit, lg, currency) if r.target is not None else "",
            status,
        )
    con.print(t)
    for n in notes:
        con.print(f"[dim]* {n}[/dim]")
    for dim in results.by:
        _print_breakdown(con, results, dim)


def _print_breakdown(con, results, dim: str) -> None:
    """One table per dimension: a row per KPI (distributions left to JSON), a column per key."""
    from rich.table import Table

    from ..engine.format import format_value, key_label
    from ..i18n import message

    lg, currency = results.lang, results.currency
    rows = [r for r in results if r.by and r.by.get(dim) and r.unit != "distribution"]
    keys: list[str] = []
    for r in rows:
        keys += [k for k in r.by[dim] if k not in keys]
    if not rows:
        return
    t = Table(title=message("kpi_title_by", lg, period=results.period.label, dim=message(f"kpi_dim_{dim}", lg)))
    t.add_column(message("kpi_h_kpi", lg))
    for k in keys:
        t.add_column(key_label(k, lg), justify="right")
    for r in rows:
        t.add_row(r.name, *[format_value(r.by[dim].get(k), r.unit, lg, currency) if k in r.by[dim] else "" for k in keys])
    con.print(t)


def _print_catalog(recs: list[dict[str, Any]], lang: str) -> None:
    from rich.table import Table

    from ..i18n import message

    con = console(max(150, terminal_width()))
    t = Table(title=message("kpi_catalogue_title", lang), show_lines=False)
    for code in ("kpi_h_id", "kpi_h_name", "kpi_h_formula", "kpi_h_unit", "kpi_h_direction"):
        t.add_column(message(code, lang), overflow="fold")
    section = None
    for r in recs:
        if r["section"] != section:
            section = r["section"]
            t.add_row("", f"[bold]{r['section_name']}[/bold]", "", "", "")
        t.add_row(r["id"], r["name"], r["formula"], r["unit_name"], r["direction_name"])
    con.print(t)
