"""``kpis commentary``: the sentences on the period the report puts at the top of its summary and of
each rep's page (:mod:`kpis.commentary`), printed.

Exit codes: 0 when printed; 2 for usage or file errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import (
    EXIT_OK,
    ConfigOpt,
    ForceOpt,
    OutputOpt,
    LangOpt,
    PeriodOpt,
    UserError,
    WorkbookArg,
    check_format,
    check_text_output,
    format_opt,
    write_text,
    load_cfg,
    parse_as_of,
    read_data,
    resolve_period,
    run,
)
from .forecast import AsOfOpt

RepOpt = typer.Option(None, "--rep", help="Only this rep's sentences. / Seulement ce commercial.")


def register(app: typer.Typer) -> None:
    app.command("commentary", help="Sentences on the period for the team and each rep. / Le commentaire de la période, pour l'équipe et chaque commercial.")(commentary_cmd)


def commentary_cmd(
    workbook: Path = WorkbookArg,
    period: Optional[str] = PeriodOpt,
    as_of: Optional[str] = AsOfOpt,
    rep: Optional[str] = RepOpt,
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
    fmt: str = format_opt("text", "json"),
    output: Optional[Path] = OutputOpt,
    force: bool = ForceOpt,
) -> None:
    """The team's sentences, then each rep's (default period: the last complete month)."""

    def body() -> int:
        from ..commentary import build_commentary
        from ..engine import default_period
        from ..i18n import message
        from ..report.labels import period_label

        from ..jsonout import dumps

        f = check_format(fmt, ("text", "json"))
        cfg = load_cfg(config, workbook, lang)
        out = check_text_output(output, f, ("text", "json"), lang=cfg.lang, force=force, reads=(workbook,), config=cfg.path)
        day = parse_as_of(as_of, cfg.lang)
        ds = read_data(workbook, cfg)
        p = resolve_period(period, None, None, cfg, default=lambda: default_period(ds))
        c = build_commentary(ds, p, cfg, as_of=day)
        if rep:
            from ..text import fold

            c.reps = {k: v for k, v in c.reps.items() if fold(k) == fold(rep)}
            if not c.reps:
                raise UserError(message("cm_unknown_rep", cfg.lang, rep=rep))
        if f == "json":
            write_text(dumps(c.to_json()) + "\n", out)
            return EXIT_OK
        lines = [message("cm_heading_team", cfg.lang, period=period_label(p, cfg.lang)), c.text()] if not rep else []
        for name in c.reps:
            lines += ["", name, c.text(name)]
        write_text("\n".join(lines) + "\n", out)  # printed, or written to -o (text format too)
        return EXIT_OK

    raise typer.Exit(run(body))
