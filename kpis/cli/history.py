"""``kpis snapshot``, ``kpis history``, ``kpis movement`` and ``kpis alerts``: the pipeline history
(``docs/history.md``).

The history is an SQLite file beside the workbook (``<workbook stem>.kpis-history.sqlite``, or
``--history``, or ``[history] file``); it is never the workbook nor any other input (refused).
Exit codes: 0 ok; 2 for usage or file errors (bad date or period, no snapshot to start from, a
history file that is an input or not a kpis history, an unreadable workbook).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

import typer

from ..i18n import format_money, message
from .common import (
    EXIT_OK,
    ConfigOpt,
    FormatOpt,
    LangOpt,
    PeriodOpt,
    UserError,
    WorkbookArg,
    check_format,
    console,
    emit_json,
    load_cfg,
    parse_as_of,
    parse_date,
    read_data,
    resolve_period,
    run,
    terminal_width,
)

HistoryOpt = typer.Option(None, "--history", help="History file (default: <workbook>.kpis-history.sqlite beside the workbook). / Fichier d'historique.")
AsOfOpt = typer.Option(None, "--as-of", help="Date YYYY-MM-DD (default: the data date of the workbook). / Date (par défaut : date des données).")


def register(app: typer.Typer) -> None:
    app.command("snapshot", help="Record the deals as they are on a date into the history. / Enregistre l'état des affaires à une date dans l'historique.")(snapshot_cmd)
    app.command("history", help="List (or delete) the snapshots of the history. / Liste (ou supprime) les instantanés de l'historique.")(history_cmd)
    app.command("movement", help="Pipeline movement of a period: created, won, lost, slipped… / Mouvement du pipeline sur une période.")(movement_cmd)
    app.command("alerts", help="Deals to watch: overdue, stale, pushed, stuck, no amount. / Affaires à surveiller.")(alerts_cmd)


# -- shared ----------------------------------------------------------------------------------------
def _history_path(cfg, workbook: Path, history: Path | None) -> Path:
    from ..history.settings import history_file
    from ..history.store import check_path

    return _guarded(lambda: check_path(history_file(cfg, workbook, history), [workbook, cfg.path], cfg.lang))


def _guarded(fn, lang: str = "en"):
    """Run a history call; a history problem (or a locked, unreadable, unwritable file) becomes one
    readable line and exit code 2."""
    import sqlite3

    try:
        return fn()  # a HistoryError is a KpisError: run() says it
    except (sqlite3.Error, OSError) as e:
        raise UserError(message("history_cannot_open", lang, path="", error=e)) from None


def _read(workbook: Path, cfg):
    from ..history.service import TABLES

    if not Path(workbook).is_file():
        raise UserError(message("file_not_found", cfg.lang, path=workbook))
    return read_data(workbook, cfg, tables=list(TABLES))


def _echo_notes(notes: list[str]) -> None:
    for n in notes:
        typer.secho(n, err=True, fg="yellow")


# -- snapshot / history ----------------------------------------------------------------------------
def snapshot_cmd(
    workbook: Path = WorkbookArg,
    as_of: Optional[str] = AsOfOpt,
    history: Optional[Path] = HistoryOpt,
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
) -> None:
    """Record the deals of WORKBOOK as their state on --as-of (default: the data date); recording the
    same date again replaces that snapshot. Use --as-of to load old dated copies of the file."""

    def body() -> int:
        from ..history.service import record_dataset, recorded_notes

        cfg = load_cfg(config, workbook, lang)
        lg = cfg.lang
        day = parse_as_of(as_of, lg)
        path = _history_path(cfg, workbook, history)
        ds = _read(workbook, cfg)
        rec = _guarded(lambda: record_dataset(ds, path, day, lang=lg, source=Path(workbook).name))
        code = "snapshot_replaced" if rec.replaced else "snapshot_recorded"
        typer.echo(message(code, lg, date=rec.snapshot.as_of.isoformat(), n=rec.snapshot.deals, path=path))
        _echo_notes(recorded_notes(rec, lg))
        return EXIT_OK

    raise typer.Exit(run(body))


def history_cmd(
    workbook: Path = WorkbookArg,
    history: Optional[Path] = HistoryOpt,
    delete: Optional[str] = typer.Option(None, "--delete", help="Delete the snapshot of this date (YYYY-MM-DD). / Supprime l'instantané de cette date."),
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = FormatOpt,
) -> None:
    """List the snapshots of the history of WORKBOOK (date, deals, source file, when recorded)."""

    def body() -> int:
        from ..history import store

        f = check_format(fmt)
        cfg = load_cfg(config, workbook, lang)
        lg = cfg.lang
        if history is None and not Path(workbook).is_file():  # a mistyped name is not "no snapshot"
            raise UserError(message("file_not_found", lg, path=workbook))
        path = _history_path(cfg, workbook, history)
        if delete is not None:
            day = parse_date(delete, lg, "--delete")
            if not _guarded(lambda: store.delete(path, day, lg)):
                raise UserError(message("history_not_found", lg, date=day.isoformat(), path=path))
            typer.echo(message("history_deleted", lg, date=day.isoformat(), path=path))
            return EXIT_OK
        snaps = _guarded(lambda: store.list_snapshots(path, lg))
        if f == "json":
            emit_json({"file": str(path), "snapshots": [
                {"as_of": s.as_of, "deals": s.deals, "source": s.source, "recorded_at": s.recorded_at} for s in snaps]})
            return EXIT_OK
        if not snaps:
            typer.echo(message("history_empty", lg, path=path))
            return EXIT_OK
        from rich.table import Table

        t = Table(title=message("history_title", lg, path=path))
        for code, just in (("history_h_date", "left"), ("history_h_deals", "right"), ("history_h_source", "left"),
                           ("history_h_recorded", "left")):
            t.add_column(message(code, lg), justify="right" if just == "right" else "left")
        for s in snaps:
            t.add_row(s.as_of.isoformat(), str(s.deals), s.source or "", s.recorded_at)
        console(max(100, terminal_width())).print(t)
        return EXIT_OK

    raise typer.Exit(run(body))


# -- movement --------------------------------------------------------------------------------------
def movement_cmd(
    workbook: Path = WorkbookArg,
    period: Optional[str] = PeriodOpt,
    history: Optional[Path] = HistoryOpt,
    by: Optional[str] = typer.Option(None, "--by", "-b", help="rep or team. / Par commercial ou par équipe."),
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = FormatOpt,
) -> None:
    """What moved in the open pipeline during a period: start + created + reopened + increased −
    decreased − won − lost − removed = end, slipped deals, and how often each open deal was pushed."""

    def body() -> int:
        from ..engine import default_period
        from ..history.service import data_date, period_movement, team_keys

        f = check_format(fmt)
        cfg = load_cfg(config, workbook, lang)
        lg = cfg.lang
        dim = (by or "").strip().lower() or None
        if dim in ("commercial",):
            dim = "rep"
        if dim in ("equipe", "équipe"):
            dim = "team"
        if dim not in (None, "rep", "team"):
            raise UserError(message("movement_bad_by", lg))
        path = _history_path(cfg, workbook, history)
        ds = _read(workbook, cfg)
        p = resolve_period(period, None, None, cfg, default=lambda: default_period(ds))
        wdate = data_date(ds)
        pm = _guarded(lambda: period_movement(ds, wdate, path, p, lang=lg))
        groups = {}
        if dim == "rep":
            groups["rep"] = pm.by(pm.classified["rep"])
        elif dim == "team":
            keys = team_keys(ds, pm.classified)
            if keys is None:
                raise UserError(message("movement_no_team", lg))
            groups["team"] = pm.by(keys)
        notes = []
        if pm.b_after_period:
            notes.append(message("movement_b_after", lg, a=pm.a_date.isoformat(), end=p.end.isoformat(), date=pm.b_date.isoformat()))
        if f == "json":
            emit_json(pm.to_json(groups))
        else:
            _print_movement(pm, groups, lg, cfg.currency)
        _echo_notes(notes)
        return EXIT_OK

    raise typer.Exit(run(body))


def _print_movement(pm, groups, lg: str, currency: str) -> None:
    from rich.table import Table

    from ..history.movement import FLOW_KEYS, SIGNS

    con = console(max(110, terminal_width()))
    title = message("movement_title", lg, period=pm.period.label, a=pm.a_date.isoformat(), b=pm.b_date.isoformat())
    t = Table(title=title, min_width=min(len(title) + 4, 100))
    t.add_column(message("movement_h_flow", lg))
    t.add_column(message("movement_h_amount", lg), justify="right")
    t.add_column(message("movement_h_deals", lg), justify="right")
    for k in FLOW_KEYS:
        sign = {1: "+ ", -1: "− "}.get(SIGNS.get(k, 0), "")
        label = f"[bold]{message('flow_' + k, lg)}[/bold]" if k in ("start", "end") else sign + message("flow_" + k, lg)
        t.add_row(label, format_money(pm.total.flows[k] / 100, lg, currency), str(pm.total.counts[k]))
    con.print(t)
    if pm.b_source == "workbook":
        con.print(f"[dim]{message('movement_b_workbook', lg, date=pm.b_date.isoformat())}[/dim]")
    con.print(message("movement_slipped", lg, n=pm.total.slipped_count, amount=format_money(pm.total.slipped_cents / 100, lg, currency)))
    for dim, by in groups.items():
        bt = Table(title=f"{title} — {message('alerts_h_rep' if dim == 'rep' else 'movement_h_team', lg)}")
        bt.add_column("")
        for k in FLOW_KEYS:
            bt.add_column(message("flow_" + k, lg), justify="right")
        for key, mv in by.items():
            bt.add_row(key or message("flow_none_key", lg), *[format_money(mv.flows[k] / 100, lg, currency) for k in FLOW_KEYS])
        con.print(bt)
    pushed = pm.pushes[pm.pushes > 0].sort_values(ascending=False, kind="stable")
    if len(pushed):
        pt = Table(title=message("movement_pushes_title", lg), min_width=60)
        for code in ("alerts_h_deal", "alerts_h_rep", "alerts_h_account", "movement_h_pushes"):
            pt.add_column(message(code, lg))
        c = pm.classified
        for deal, n in pushed.head(30).items():
            pt.add_row(str(deal), str(c.at[deal, "rep"] or ""), str(c.at[deal, "account"] or ""), str(n))
        con.print(pt)


# -- alerts ----------------------------------------------------------------------------------------
def alerts_cmd(
    workbook: Path = WorkbookArg,
    as_of: Optional[str] = AsOfOpt,
    history: Optional[Path] = HistoryOpt,
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = FormatOpt,
) -> None:
    """The open deals to watch, each with its reasons: overdue, stale (no linked activity for
    [history] stale_days, default 14), pushed (3 times or more), stuck (in its stage longer than 1.5 ×
    the stage's median time, from the history), no_amount."""

    def body() -> int:
        from ..history.alerts import MIN_STAYS
        from ..history.service import data_date, workbook_alerts

        f = check_format(fmt)
        cfg = load_cfg(config, workbook, lang)
        lg = cfg.lang
        day = parse_as_of(as_of, lg)
        path = _history_path(cfg, workbook, history)
        ds = _read(workbook, cfg)
        day = day or data_date(ds) or dt.date.today()
        al = _guarded(lambda: workbook_alerts(ds, cfg, path, day, lang=lg))
        notes = [message(code, lg, n=MIN_STAYS) for code in al.unchecked.values()]
        if f == "json":
            emit_json(al.to_json())
        else:
            _print_alerts(al, day, lg, cfg.currency)
        _echo_notes(notes)
        return EXIT_OK

    raise typer.Exit(run(body))


def _print_alerts(al, day: dt.date, lg: str, currency: str) -> None:
    import pandas as pd
    from rich.table import Table

    con = console(max(120, terminal_width()))
    if al.rows.empty:
        con.print(message("alerts_none", lg, date=day.isoformat()))
        return
    t = Table(title=message("alerts_title", lg, date=day.isoformat()))
    for code, just in (("alerts_h_deal", "left"), ("alerts_h_rep", "left"), ("alerts_h_account", "left"),
                       ("alerts_h_amount", "right"), ("alerts_h_stage", "left"), ("alerts_h_expected", "left"),
                       ("alerts_h_reasons", "left")):
        t.add_column(message(code, lg), justify="right" if just == "right" else "left")

    def txt(v) -> str:
        return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)

    for r in al.rows.itertuples(index=False):
        exp = "" if pd.isna(r.expected_close_date) else pd.Timestamp(r.expected_close_date).date().isoformat()
        amount = "" if pd.isna(r.amount) else format_money(float(r.amount), lg, currency)
        t.add_row(txt(r.deal_id), txt(r.rep), txt(r.account), amount, txt(r.stage), exp,
                  ", ".join(message("reason_" + x, lg) for x in r.reasons))
    con.print(t)
