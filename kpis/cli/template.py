"""``kpis template check TEMPLATE``: the placeholders of a template that match nothing, its syntax
and block mistakes, and what Excel would "repair" in the file (duplicate table names, table headers
that differ from their column names, overlapping merged cells, bad defined names or ranges, repeated
selections in a sheet view, style indexes out of range, bad sheet names), each with its sheet and
cell (and, for Excel's rules, the part of the file) -- without writing anything.

Placeholders are checked down to attributes (``cards.win_rat`` is reported when ``cards`` has no
``win_rat``) against a real report context: the one of ``--workbook`` for ``--period`` when given,
else one built from a small generated sample team (``kpis.demo.sample``), which has every key.

Exit codes: 0 no problem; 1 problems found (listed on stdout); 2 usage or file errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from ..i18n import message
from .common import EXIT_DATA, EXIT_OK, ConfigOpt, LangOpt, PeriodOpt, UserError, load_cfg, resolve_period, run

# A plan for the sample team (its team table names plans Standard, BDR and Junior), so that the
# sample context holds commission statements like a configured workbook's.
SAMPLE_PLANS = """
[plans.standard]
rates = [[0.0, 0.02], [1.0, 0.08]]
[plans.bdr]
rates = [[0.0, 0.01]]
[plans.junior]
rates = [[0.0, 0.03]]
"""


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Report templates. / Modèles de rapport.", no_args_is_help=True)
    group.command("check", help="List placeholders that match nothing, template mistakes and what Excel would repair. / Liste les champs inconnus, les erreurs d'un modèle et ce qu'Excel réparerait.")(check_cmd)
    app.add_typer(group, name="template")


def check_cmd(
    template: Path = typer.Argument(..., help="Template workbook (.xlsx, .xlsm). / Modèle.", show_default=False),
    workbook: Optional[Path] = typer.Option(None, "--workbook", "-w", help="Check against this tracking workbook's context. / Fichier de suivi."),
    period: Optional[str] = PeriodOpt,
    config: Optional[Path] = ConfigOpt,
    lang: Optional[str] = LangOpt,
) -> None:
    """Check a template against the report's context."""

    def body() -> int:
        from ..render import check_template

        cfg = load_cfg(config, workbook, lang)
        if not template.is_file():
            raise UserError(message("report_template_missing", cfg.lang, path=str(template)))
        ctx = context_for_check(cfg, workbook, period)
        try:
            problems = check_template(template, ctx, lang=cfg.lang)
        except Exception as e:  # not a workbook at all
            raise UserError(message("unreadable_file", cfg.lang, path=template, error=e)) from None
        if not problems:
            typer.echo(message("template_check_ok", cfg.lang, path=template))
            return EXIT_OK
        typer.echo(message("template_check_problems", cfg.lang, path=template, n=len(problems)))
        for p in problems:
            typer.echo(f"  {p.format(cfg.lang)}")
        return EXIT_DATA

    raise typer.Exit(run(body))


def context_for_check(cfg, workbook: Optional[Path], period: Optional[str]) -> dict[str, Any]:
    """A full report context: the workbook's, or the sample team's (small, generated, with plans)."""
    import datetime as dt

    from ..config import parse_config
    from ..dataset import Dataset
    from ..engine import default_period
    from ..report import build_context, settings

    if workbook is not None:
        from ..reader import read_workbook

        ds = read_workbook(workbook, cfg)
        p = resolve_period(period, None, None, cfg, default=lambda: default_period(ds))
        return build_context(ds, p, cfg, trend_months=settings(cfg).trend_months)
    from ..demo.sample import build_truth

    ds = Dataset.from_frames(**build_truth(seed=7, reps=3, months=14, scale=0.15))
    sample_cfg = parse_config(SAMPLE_PLANS)
    sample_cfg.lang = cfg.lang
    p = resolve_period(period, None, None, cfg, default=lambda: default_period(ds))
    return build_context(ds, p, sample_cfg, source="sample.xlsx", generated_at=dt.datetime(2026, 1, 1))
