"""``kpis forecast``: where the period will land -- won so far, weighted pipeline, the probability of
reaching the quota and the P10/P50/P90 of the final amount (:mod:`kpis.forecast`).

Exit codes: 0 when the forecast was computed; 2 for usage or file errors.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Optional

import typer

from .common import (
    EXIT_OK,
    ConfigOpt,
    ForceOpt,
    FormatOpt,
    OutputOpt,
    LangOpt,
    PeriodOpt,
    UserError,
    WorkbookArg,
    check_format,
    check_text_output,
    console,
    write_text,
    load_cfg,
    parse_as_of,
    read_data,
    resolve_period,
    run,
)

AsOfOpt = typer.Option(None, "--as-of", help="Date of the forecast, YYYY-MM-DD (default: the data's date). / Date de la prévision.")
QuotaOpt = typer.Option(None, "--quota", help="Quota to reach (default: the team's target for the period). / Objectif à atteindre.")
ByRepOpt = typer.Option(None, "--by", "-b", help="rep: one forecast per rep too. / rep : une prévision par commercial en plus.")


def register(app: typer.Typer) -> None:
    app.command("forecast", help="Where the period will land, and the chance of reaching the quota. / Où atterrira la période, et la probabilité d'atteindre l'objectif.")(forecast_cmd)


def parse_quota(value: str | None, lang: str) -> float | None:
    from ..i18n import message

    if value is None or not str(value).strip():
        return None
    text = str(value).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace("€", "")
    try:
        q = float(text.replace(",", "."))
    except ValueError:
        raise UserError(message("fc_bad_quota", lang, value=value)) from None
    if not q > 0 or q != q or q == float("inf"):
        raise UserError(message("fc_bad_quota", lang, value=value))
    return q


def forecast_cmd(
    workbook: Path = WorkbookArg,
    period: Optional[str] = PeriodOpt,
    as_of: Optional[str] = AsOfOpt,
    quota: Optional[str] = QuotaOpt,
    by: Optional[str] = ByRepOpt,
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = FormatOpt,
    output: Optional[Path] = OutputOpt,
    force: bool = ForceOpt,
) -> None:
    """The forecast of a period (default: the month of the data's date)."""

    def body() -> int:
        from ..engine import reference_date
        from ..forecast import forecast
        from ..i18n import message
        from ..periods import month

        from ..jsonout import dumps

        f = check_format(fmt)
        cfg = load_cfg(config, workbook, lang)
        out = check_text_output(output, f, ("table", "json"), lang=cfg.lang, force=force, reads=(workbook,), config=cfg.path)
        day = parse_as_of(as_of, cfg.lang)
        q = parse_quota(quota, cfg.lang)
        dim = (by or "").strip().lower() or None
        if dim not in (None, "rep", "commercial"):
            raise UserError(message("fc_bad_by", cfg.lang))
        ds = read_data(workbook, cfg)  # every table: the data's date is the same as the report's

        def current() -> Any:
            ref = day or reference_date(ds) or date.today()
            return month(ref.year, ref.month)

        p = resolve_period(period, None, None, cfg, default=current)
        result = forecast(ds, p, cfg, as_of=day, quota=q, by="rep" if dim else None)
        if f == "json":
            write_text(dumps(result) + "\n", out)
        else:
            print_forecast(result, cfg.lang)
        return EXIT_OK

    raise typer.Exit(run(body))


ROWS = (("won", "money"), ("open_count", "count"), ("open_amount", "money"), ("weighted", "money"),
        ("forecast", "money"), ("run_rate", "money"), ("quota", "money"), ("p_hit_quota", "ratio"),
        ("p10", "money"), ("p50", "money"), ("p90", "money"), ("commit", "money"), ("best_case", "money"))
_LABELS = {"p_hit_quota": "fc_p_hit"}


def print_forecast(result: dict[str, Any], lang: str) -> None:
    """The team's figures as a two-column table, then one row per rep when asked."""
    from rich.table import Table

    from ..forecast.messages import method_text
    from ..i18n import message

    cur = result.get("currency", "EUR")
    con = console(120)
    t = Table(title=message("fc_title", lang, period=result["period"], as_of=result["as_of"]))
    t.add_column(message("fc_h_figure", lang))
    t.add_column(message("fc_h_value", lang), justify="right")
    for key, unit in ROWS:
        if key in ("commit", "best_case") and result.get(key) is None:
            continue
        t.add_row(message(_LABELS.get(key, f"fc_{key}"), lang), _value(result.get(key), unit, lang, cur))
    for key in ("previous", "year_ago"):
        pc = result["pacing"][key]
        t.add_row(message(f"fc_pacing_{key}", lang, period=pc["period"]), _value(pc["won_to_date"], "money", lang, cur))
    t.add_row(message("fc_method", lang), method_text(result, lang))
    con.print(t)
    if result.get("unweighted_count"):
        con.print(f"[dim]* {message('fc_unweighted', lang, n=result['unweighted_count'])}[/dim]")
    reps = (result.get("by") or {}).get("rep")
    if reps:
        cols = ("won", "open_count", "weighted", "forecast", "quota", "p_hit_quota", "p10", "p50", "p90")
        units = dict(ROWS)
        rt = Table()
        rt.add_column(message("fc_h_rep", lang))
        for c in cols:
            rt.add_column(message(f"fc_s_{c}", lang), justify="right")
        for name, r in reps.items():
            rt.add_row(name, *[_value(r.get(c), units[c], lang, cur) for c in cols])
        con.print(rt)


def _value(value: Any, unit: str, lang: str, currency: str) -> str:
    """Money in whole units (as the report shows it), the rest as the engine formats it."""
    from ..engine.format import format_value
    from ..i18n import format_money

    if unit == "money" and value is not None:
        return format_money(value, lang, currency, 0)
    return format_value(value, unit, lang, currency)
