"""``kpis commissions``, ``kpis quota`` and ``kpis score``: the calculators from the command line.

Exit codes: 0 ok; 1 data problems (a deal nobody is credited with, a rep without a plan or a quota);
2 usage or file errors (bad period, configuration mistake, unreadable workbook).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, cast

import typer

from ..i18n import format_money, format_number, format_percent, message
if TYPE_CHECKING:
    from ..calculators.quota import Method
from .common import (
    check_format,
    console,
    EXIT_DATA,
    EXIT_OK,
    ConfigOpt,
    ForceOpt,
    FormatOpt,
    LangOpt,
    PeriodOpt,
    UserError,
    WorkbookArg,
    emit_json,
    load_cfg,
    read_data,
    resolve_period,
    run,
)


def register(app: typer.Typer) -> None:
    app.command("commissions", help="Commission statements per rep. / Relevés de commissions par commercial.")(commissions_cmd)
    app.command("quota", help="Quota planner and reverse funnel. / Planificateur d'objectifs et entonnoir inversé.")(quota_cmd)
    app.command("score", help="Lead or customer scoring. / Score des prospects ou des clients.")(score_cmd)


def _calc(fn, lang: str):
    """Run a calculator, turning its refusals (a :class:`~kpis.errors.KpisError`, said in the verb's
    language by :func:`kpis.errors.user_message`, or a bad value) into one readable line (exit 2)."""
    from ..errors import KpisError, user_message

    try:
        return fn()
    except KpisError as e:
        raise UserError(user_message(e, lang)) from None
    except ValueError as e:
        raise UserError(str(e)) from None


# -- commissions -------------------------------------------------------------------------------
def commissions_cmd(
    workbook: Path = WorkbookArg,
    period: Optional[str] = PeriodOpt,
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = FormatOpt,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the statements workbook (.xlsx) here, never over a file read. / Classeur des relevés."),
    force: bool = ForceOpt,
    rep: Optional[str] = typer.Option(None, "--rep", help="Only this rep's statement. / Le relevé d'un seul commercial."),
    lines: bool = typer.Option(False, "--lines", help="Show every statement line (table format). / Afficher les lignes."),
) -> None:
    """Commission statements: credited revenue, attainment, commission per deal, SPIFFs, clawbacks, draws."""

    def body() -> int:
        from ..calculators import commission_statements

        f = check_format(fmt)
        cfg = load_cfg(config, workbook, lang)
        out = _check_statements_output(output, workbook, cfg, force)
        ds = read_data(workbook, cfg)
        p = resolve_period(period, None, None, cfg, default=lambda: _default_period(ds))
        st = _calc(lambda: commission_statements(ds, p, cfg), cfg.lang)
        if rep is not None:
            keep = {k: v for k, v in st.reps.items() if k.casefold() == rep.strip().casefold()}
            if not keep:
                raise UserError(message("stmt_unknown_rep", cfg.lang, rep=rep, reps=", ".join(st.reps) or "—"))
            st.reps = keep
        if out is not None:  # rendered from the statements template (kpis/report), like the report
            from ..report import save, statements_workbook

            save(statements_workbook(ds, st, p, cfg, source=Path(workbook).name), out)
        if f == "json":
            emit_json(st.to_dict(cfg.lang))
        else:
            _print_statements(st, cfg, lines or rep is not None)
        return EXIT_DATA if st.has_problems else EXIT_OK

    raise typer.Exit(run(body))


def _check_statements_output(output: Optional[Path], workbook: Path, cfg, force: bool) -> Optional[Path]:
    """``-o`` of ``kpis commissions``, checked before any work (:func:`kpis.report.check_output`)."""
    if output is None:
        return None
    from ..report import check_output

    return check_output(output, lang=cfg.lang, source=workbook, config=cfg.path, force=force)


def _default_period(ds):
    """Default period: the last complete month of the data (the engine's rule, for every verb)."""
    from ..engine import default_period

    return default_period(ds)


def _print_statements(st, cfg, show_lines: bool) -> None:
    from rich.table import Table

    lg, cur = cfg.lang, cfg.currency
    con = console(160)

    def money(x: Any) -> str:
        return format_money(x, lg, cur, 2) if x is not None else format_number(None, lg)

    t = Table(title=f"{message('stmt_title', lg)} — {st.period.label}")
    cols = ("stmt_rep", "stmt_plan", "stmt_credited", "stmt_quota", "stmt_attainment", "stmt_commission", "stmt_spiffs",
            "stmt_clawbacks", "stmt_draw", "stmt_recovered", "stmt_payable")
    for i, c in enumerate(cols):
        t.add_column(message(c, lg), justify="left" if i < 2 else "right")
    for rep, s in st.reps.items():
        t.add_row(rep, s.plan_name, money(s.credited), money(s.quota), format_percent(s.attainment, lg), money(s.commission),
                  money(s.spiffs), money(-s.clawbacks if s.clawbacks else 0.0), money(s.draw),
                  money(-s.recovered if s.recovered else 0.0), money(s.payable))
    con.print(t)
    if show_lines:
        for rep, s in st.reps.items():
            lt = Table(title=f"{rep} — {s.period.label}")
            for c in ("stmt_kind", "stmt_deal", "stmt_account", "stmt_close_date", "stmt_amount", "stmt_share", "stmt_weight",
                      "stmt_credited", "stmt_rate", "stmt_commission"):
                lt.add_column(message(c, lg), justify="right" if c not in ("stmt_kind", "stmt_deal", "stmt_account", "stmt_close_date") else "left")
            for r in s.lines.itertuples(index=False):  # a statement's lines: tens, not a table scan
                lt.add_row(message(f"stmt_kind_{r.kind}", lg), str(r.deal_id if r.deal_id is not None else ""), str(r.account or ""),
                           "" if r.close_date is None else str(r.close_date)[:10], money(r.amount), format_percent(r.share, lg, 0),
                           format_percent(r.weight, lg, 0), money(r.credited), format_percent(None if r.rate != r.rate else r.rate, lg, 2),
                           money(r.commission))
            for r in s.spiff_lines.itertuples(index=False):
                lt.add_row(message("stmt_spiff", lg), str(r.deal_id), str(r.account or ""), str(r.close_date)[:10], "", format_percent(r.share, lg, 0),
                           "", "", str(r.spiff), money(r.amount))
            for r in s.clawback_lines.itertuples(index=False):
                lt.add_row(message("stmt_clawbacks", lg), str(r.deal_id), str(r.account or ""), str(r.close_date)[:10], "", "", "",
                           money(r.credited), format_percent(None if r.rate != r.rate else r.rate, lg, 2), money(-r.amount))
            con.print(lt)
            for n in s.notes:
                con.print(f"  • {n.message(lg)}")
    else:
        for rep, s in st.reps.items():
            for n in s.notes:
                con.print(f"  • {rep}: {n.message(lg)}")
    for n in st.warnings:
        con.print(f"[yellow]⚠ {n.message(lg)}[/yellow]")


# -- quota -------------------------------------------------------------------------------------
def quota_cmd(
    workbook: Path = WorkbookArg,
    period: Optional[str] = PeriodOpt,
    target: Optional[float] = typer.Option(None, "--target", "-t", help="Team target for the period. / Objectif de l'équipe."),
    method: str = typer.Option("equal", "--method", "-m", help="equal, history or growth."),
    growth: float = typer.Option(0.0, "--growth", help="Growth for the growth method (0.1 = +10 %)."),
    no_redistribute: bool = typer.Option(False, "--no-redistribute", help="Leave the ramp shortfall unassigned. / Ne pas répartir le manque dû aux nouveaux."),
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = FormatOpt,
) -> None:
    """Quota per rep for a target (ramped and prorated for days employed) and the funnel each needs."""

    def body() -> int:
        from ..calculators.quota import METHODS, plan_quotas

        f = check_format(fmt)
        cfg = load_cfg(config, workbook, lang)
        if method not in METHODS:
            raise UserError(message("quota_bad_method", cfg.lang, methods=" / ".join(METHODS)))
        if target is None and method != "growth":
            raise UserError(message("quota_target_required", cfg.lang))
        ds = read_data(workbook, cfg)
        p = resolve_period(period, None, None, cfg)
        qp = _calc(lambda: plan_quotas(ds, p, target, method=cast("Method", method), growth=growth, config=cfg,
                                       redistribute=not no_redistribute), cfg.lang)
        if f == "json":
            emit_json(qp.to_dict())
        else:
            _print_quota(qp, cfg)
        return EXIT_OK

    raise typer.Exit(run(body))


def _print_quota(qp, cfg) -> None:
    """Two tables: the quotas (capacity, full quota, quota), then each rep's funnel and its rates."""
    from rich.table import Table

    lg, cur = cfg.lang, cfg.currency
    con = console(160)

    def nan(x):
        return None if x is None or x != x else float(x)

    def num(x, d=0):
        return format_number(nan(x), lg, d)

    t = Table(title=f"{message('quota_title', lg)} — {qp.period.label} ({message('quota_method_' + qp.method, lg)})")
    for i, h in enumerate(("stmt_rep", "quota_capacity", "quota_full", "stmt_quota")):
        t.add_column(message(h, lg), justify="left" if i == 0 else "right")
    rows = qp.table.to_dict(orient="records")  # one row per rep
    for r in rows:
        t.add_row(r["rep"], format_percent(r["capacity"], lg, 0), format_money(r["full_quota"], lg, cur), format_money(r["quota"], lg, cur))
    total = format_money(qp.total, lg, cur) + (f" / {format_money(qp.target, lg, cur)}" if qp.target is not None else "")
    t.add_row(message("stmt_total", lg), "", "", total)
    con.print(t)
    if "deals_needed" not in qp.table.columns:
        return
    f = Table(title=f"{message('funnel_title', lg)} — {qp.rates_window.start:%Y-%m} → {qp.rates_window.end:%Y-%m}")
    heads = ("stmt_rep", "funnel_avg_deal", "funnel_win_rate", "funnel_opps_per_meeting", "funnel_meetings_per_call",
             "funnel_rates_from", "funnel_deals", "funnel_pipeline", "funnel_opportunities", "funnel_meetings", "funnel_calls")
    for i, h in enumerate(heads):
        f.add_column(message(h, lg), justify="left" if i in (0, 5) else "right")
    for r in rows:
        g = r.get
        f.add_row(
            r["rep"], format_money(nan(g("average_deal_size")), lg, cur), format_percent(nan(g("win_rate")), lg),
            num(g("opportunities_per_meeting"), 2), num(g("meetings_per_call"), 2),
            message(f"funnel_rates_{g('rates_from')}", lg) if g("rates_from") else "",
            num(g("deals_needed")), format_money(nan(g("pipeline_needed")), lg, cur),
            num(g("opportunities_needed")), num(g("meetings_needed")), num(g("calls_needed")),
        )
    con.print(f)
    for n in qp.notes:
        con.print(f"  • {n.message(lg)}")


# -- score -------------------------------------------------------------------------------------
def score_cmd(
    workbook: Path = WorkbookArg,
    customers: bool = typer.Option(False, "--customers/--leads", help="Score customers instead of leads. / Scorer les clients."),
    top: Optional[int] = typer.Option(None, "--top", "-n", help="Only the N best. / Seulement les N meilleurs."),
    period: Optional[str] = PeriodOpt,
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = FormatOpt,
) -> None:
    """A 0-100 score per lead or customer, its hot/warm/cold band and rank, with the points of each rule."""

    def body() -> int:
        from ..calculators.scoring import score

        f = check_format(fmt)
        cfg = load_cfg(config, workbook, lang)
        if top is not None and top <= 0:
            raise UserError(message("score_top", cfg.lang))
        ds = read_data(workbook, cfg)
        as_of = resolve_period(period, None, None, cfg).end if period else None
        sc = _calc(lambda: score(ds, cfg, "customers" if customers else "leads", as_of=as_of), cfg.lang)
        if f == "json":
            emit_json(sc.to_dict(top))
        else:
            _print_scores(sc, cfg, top)
        return EXIT_OK

    raise typer.Exit(run(body))


def _print_scores(sc, cfg, top: int | None) -> None:
    from rich.table import Table

    from ..i18n import has
    from ..vocab import field_label, inputs_label, value_label

    lg = cfg.lang
    t = Table(title=f"{message('score_title_' + sc.entity, lg)} — {sc.as_of.isoformat()}")
    id_col = "lead_id" if sc.entity == "leads" else "customer_id"
    extra = [c for c in (("source", "rep", "stage") if sc.entity == "leads" else ("name", "rep", "segment")) if c in sc.table.columns]
    rule_cols = [f"{k}_points" for k in sc.rules]
    t.add_column(message("score_rank", lg), justify="right")
    t.add_column(field_label(id_col, lg))
    for c in extra:
        t.add_column(field_label(c, lg))

    def rule(name: str) -> str:  # the default rules have words; a rule the user named keeps its name
        return message(f"score_rule_{name}", lg) if has(f"score_rule_{name}") else name

    for c in rule_cols:
        t.add_column(f"{rule(c[:-7])} (/{format_number(sc.rules[c[:-7]]['max'], lg)})", justify="right")
    t.add_column(message("score_score", lg), justify="right")
    t.add_column(message("score_band", lg))
    rows = sc.table if top is None else sc.table.head(top)
    colors = {"hot": "red", "warm": "yellow", "cold": "blue"}
    for r in rows.to_dict(orient="records"):  # displayed rows only
        band = r["band"]
        t.add_row(str(r["rank"]), str(r[id_col]),
                  *[("" if r[c] is None or r[c] != r[c] else value_label(f"{sc.entity}.{c}", r[c], lg)) for c in extra],
                  *[format_number(r[c], lg, 1) for c in rule_cols], format_number(r["score"], lg, 1),
                  f"[{colors.get(band, 'white')}]{message('score_' + band, lg) if band else ''}[/]")
    con = console(160)
    con.print(t)
    for name, what in sc.skipped.items():
        con.print(f"  • {rule(name)} : {message('calc_missing_input', lg, what=inputs_label(what, lg))}" if lg == "fr" else
                  f"  • {rule(name)}: {message('calc_missing_input', lg, what=inputs_label(what, lg))}")
