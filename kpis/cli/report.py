"""``kpis report``: the monthly report workbook of a tracking workbook, from an Excel template.

Exit codes: 0 when the report was written (data problems are listed in its "Data quality" sheet,
and counted on stderr); 2 for usage or file errors: an output that exists (without ``--force``) or is
the source workbook, a template with mistakes (each named with its sheet and cell), a bad period or
configuration, an unreadable workbook.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import typer

from ..i18n import message, register as register_messages
from .common import (
    EXIT_OK,
    ConfigOpt,
    ForceOpt,
    FromOpt,
    LangOpt,
    PeriodOpt,
    ToOpt,
    UserError,
    WorkbookArg,
    flag_period,
    load_cfg,
    read_data,
    resolve_period,
    run,
)

OutputOpt = typer.Option(None, "--output", "-o", help="Report file (default: out/rapport_PERIOD.xlsx, or out/report_PERIOD.xlsx in English). / Fichier du rapport.")
TemplateOpt = typer.Option(None, "--template", "-t", help="Template workbook (default: \\[report] template of the configuration, else the built-in one). / Modèle.")
NoSnapshotOpt = typer.Option(False, "--no-snapshot", help="Don't record the deals' state in the pipeline history (see also [history] snapshot). / Ne pas enregistrer l'état des affaires dans l'historique.")
PdfOpt = typer.Option(False, "--pdf", help="Also print the report (and each rep's workbook) to PDF with LibreOffice. / Imprime aussi le rapport (et chaque fiche) en PDF avec LibreOffice.")
PerRepOpt = typer.Option(None, "--per-rep", help="Also write one workbook per rep (their own numbers only) into this folder. / Une fiche par commercial dans ce dossier.")
NoCacheOpt = typer.Option(False, "--no-cache", help="Compute the report even when an unchanged workbook's report is in the cache (KPIS_CACHE_DIR). / Recalcule même si le rapport d'un classeur inchangé est en cache.")


def register(app: typer.Typer) -> None:
    app.command("report", help="Write the monthly report workbook. / Écrit le rapport mensuel (classeur Excel).")(report_cmd)


def report_cmd(
    workbook: Path = WorkbookArg,
    period: Optional[str] = PeriodOpt,
    start: Optional[str] = FromOpt,
    end: Optional[str] = ToOpt,
    output: Optional[Path] = OutputOpt,
    template: Optional[Path] = TemplateOpt,
    lang: Optional[str] = LangOpt,
    config: Optional[Path] = ConfigOpt,
    force: bool = ForceOpt,
    per_rep: Optional[Path] = PerRepOpt,
    no_snapshot: bool = NoSnapshotOpt,
    pdf: bool = PdfOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """The monthly report: KPI cards, leaderboard, pipeline, activities, funnel, customers,
    acquisition, 13-month trends, commissions, one sheet per rep, data quality."""

    def body() -> int:
        cfg = load_cfg(config, workbook, lang)
        lg = cfg.lang
        # A report of unchanged inputs is served from the content cache (docs/cache.md) before
        # anything heavy is even imported; --per-rep and --pdf always run in full.
        key = None
        if not (no_cache or pdf or per_rep is not None) and Path(workbook).is_file():
            key = _cache_key(workbook, cfg, template, (period, start, end), no_snapshot)
            if key is not None and _from_cache(key, workbook, cfg, template, output, force):
                return EXIT_OK

        from ..engine import default_period
        from ..report import (
            build_context,
            check_output,
            default_output,
            render_report,
            resolve_template,
            rep_outputs,
            save,
            settings,
            write_per_rep,
        )

        s = settings(cfg)
        if pdf:
            _pdf_ready(lg)
        tpl = resolve_template("report", lg, cfg, template)
        rep_tpl = resolve_template("rep", lg, cfg, None) if per_rep is not None else None
        for t in (tpl, rep_tpl):
            if t is not None and not Path(t).is_file():
                raise UserError(message("report_template_missing", lg, path=t))
        if not Path(workbook).is_file():
            raise UserError(message("file_not_found", lg, path=workbook))
        # Refuse a bad output before any work; the period (and the default name) needs the data.
        explicit = None
        if output is not None:
            explicit = check_output(output, lang=lg, source=workbook, template=tpl, config=cfg.path, force=force)

        with _progress() as step:
            with step(message("report_step_read", lg, name=Path(workbook).name)):
                ds = read_data(workbook, cfg)
            p = resolve_period(period, start, end, cfg, default=lambda: default_period(ds))
            warnings = flag_period(ds, p, lg)  # a partial or out-of-data period: said, and on the Data quality sheet
            out = explicit or check_output(default_output(p, lg), lang=lg, source=workbook, template=tpl, config=cfg.path,
                                            force=force)
            pairs = rep_outputs({"period": {"code": p.label}, "reps": []}, per_rep, lang=lg) if per_rep else []  # a folder?
            if pdf:
                check_pdf_outputs([out], lang=lg, source=workbook, config=cfg.path, template=tpl, force=force)
            # Once the period and the outputs are known good (a refused report records nothing);
            # before the context: its movement uses it.
            snapshot = _snapshot(ds, cfg, workbook, not no_snapshot, lg)
            with step(message("report_step_compute", lg)):
                ctx = build_context(ds, p, cfg, lang=lg, source=Path(workbook).name, trend_months=s.trend_months)
            if per_rep is not None:
                pairs = rep_outputs(ctx, per_rep, lang=lg, force=force, template=rep_tpl, source=workbook)
                if pdf:
                    check_pdf_outputs([p_ for p_, _ in pairs], lang=lg, source=workbook, config=cfg.path,
                                      template=rep_tpl, force=force)
            with step(message("report_step_render", lg)):
                report = _render(render_report, tpl, ctx, lg)
            with step(message("report_step_write", lg, name=out.name)):
                save(report, out)
                written = _render(write_per_rep, rep_tpl, ctx, lg, pairs) if pairs else []
            if pdf:
                with step(message("pdf_step", lg, n=1 + len(written))):
                    pdfs = _print_pdfs([out, *written], lg)
        typer.echo(message("report_written", lg, path=out))
        if snapshot:
            typer.secho(snapshot, err=True, fg="yellow" if snapshot.startswith("!") else None)
        if pdf:
            typer.echo(message("pdf_written", lg, n=len(pdfs), path=pdfs[0]))
        if per_rep is not None:
            typer.echo(message("report_rep_written", lg, n=len(written), path=per_rep))
        if ds.quality.rows_skipped:
            warnings.append(message("report_rows_skipped", lg, n=ds.quality.rows_skipped))
            typer.secho(warnings[-1], err=True, fg="yellow")
        if key is not None and (snapshot is None or not snapshot.startswith("!")):
            _to_cache(key, out, workbook, cfg, default_output(p, lg), warnings, snapshot is not None)
        return EXIT_OK

    raise typer.Exit(run(body))


# -- the content cache (kpis/cache.py, docs/cache.md) --------------------------------------------------
def _cache_key(workbook: Path, cfg, template: Path | None, period: tuple, no_snapshot: bool) -> str | None:
    """blake2b of what the report is made of: the workbook's and the template's bytes, the whole
    configuration (its file's bytes and the values read), the period asked, the language, the day
    (the report says when it was written) and kpis' version (in every key)."""
    import datetime as dt

    from .. import cache

    try:
        h = cache.Hasher("report").add_file(workbook).add_file(cfg.path)
        for read in _templates_read(template, cfg):
            h.add_file(read)
        return h.add(repr(cfg), repr(period), cfg.lang, no_snapshot, dt.date.today().isoformat()).hexdigest()
    except OSError:
        return None


def _template_chosen(template: Path | None, cfg) -> Path | None:
    """``--template``, else ``[report] template`` (relative to the configuration), else None (the
    built-in one): :func:`kpis.report.templates.resolve_template` without importing :mod:`kpis.report`
    (pandas), which the cached path must not pay for."""
    if template is not None:
        return Path(template)
    chosen = (cfg.report or {}).get("template")
    if isinstance(chosen, str) and chosen.strip():
        return (cfg.path.parent if cfg.path else Path.cwd()) / Path(chosen).expanduser()
    return None


def _templates_read(template: Path | None, cfg) -> list[Path]:
    """The templates a report of ``cfg`` may read: the chosen one, then the built-in ones. The cache's
    key hashes them; a cached report is never written over one of them."""
    chosen = _template_chosen(template, cfg)
    built_in = sorted((Path(__file__).resolve().parents[1] / "templates").glob("*.xlsx"))
    return built_in if chosen is None else [chosen, *built_in]


def _history_state(workbook: Path, cfg) -> str:
    from ..history.settings import history_state

    return history_state(cfg, workbook)


def _from_cache(key: str, workbook: Path, cfg, template: Path | None, output: Path | None, force: bool) -> bool:
    """Serve the report from the cache: True when it was written (the same checks on the output as
    a full run); False to compute it."""
    from .. import cache
    from ..atomic import write_atomic
    from ..outputs import check_output

    hit = cache.load("report", key)
    if hit is None or hit.meta.get("history") != _history_state(workbook, cfg):
        return False
    lg = cfg.lang
    target = Path(output) if output is not None else Path(str(hit.meta.get("output", "")))
    if not target.name:
        return False
    # the same refusals as a full run (kpis.report.write.check_output): never over the workbook, the
    # configuration or a template, and the template's own type
    inputs = [(workbook, "report_over_source"), (cfg.path, "input_config"),
              *((t, "report_over_template") for t in _templates_read(template, cfg))]
    chosen = _template_chosen(template, cfg)
    suffix = chosen.suffix.lower() if chosen is not None else ".xlsx"
    suffix = suffix if suffix in (".xlsx", ".xlsm") else ".xlsx"
    out = check_output(target, lang=lg, inputs=inputs, suffixes=(suffix,), force=force)
    write_atomic(out, hit.payload)
    typer.echo(message("report_cached", lg, path=out))
    if hit.meta.get("snapshot"):
        typer.secho(message("report_cached_snapshot", lg), err=True)
    for line in hit.meta.get("warnings") or []:
        typer.secho(str(line), err=True, fg="yellow")
    return True


def _to_cache(key: str, out: Path, workbook: Path, cfg, default: Path, warnings: list[str], snapshot: bool) -> None:
    from .. import cache

    try:
        payload = Path(out).read_bytes()
    except OSError:
        return
    cache.store("report", key, payload, {"output": str(default), "warnings": warnings, "snapshot": snapshot,
                                         "history": _history_state(workbook, cfg)})


def _snapshot(ds, cfg, workbook: Path, enabled: bool, lang: str) -> str | None:
    """Record the deals' state of the data date in the pipeline history (``docs/history.md``); the
    line to show, or None when turned off. A failure never stops the report (it is said)."""
    from ..history.service import auto_snapshot, recorded_notes

    rec, path, problem = auto_snapshot(ds, cfg, Path(workbook), enabled=enabled, lang=lang)
    if problem:
        return "! " + problem
    if rec is None:
        return None
    code = "snapshot_replaced" if rec.replaced else "snapshot_recorded"
    line = message(code, lang, date=rec.snapshot.as_of.isoformat(), n=rec.snapshot.deals, path=path)
    return "\n".join([line, *recorded_notes(rec, lang)])  # what it left out, said as the verb says it


def _pdf_ready(lang: str) -> None:
    from ..report.pdf import require_soffice

    require_soffice(lang)  # a PdfError is said by run(), like every KpisError


def check_pdf_outputs(workbooks, *, lang: str, source: Path, config: Path | None = None, template: Path | None = None,
                      force: bool) -> None:
    """The PDF beside each workbook (:func:`kpis.outputs.check_output`): never an input, never an
    existing file without --force."""
    from ..outputs import check_output
    from ..report.pdf import pdf_path

    inputs = ((source, "input_workbook"), (config, "input_config"), (template, "input_template"))
    for w in workbooks:
        check_output(pdf_path(w), lang=lang, inputs=inputs, suffixes=(".pdf",), force=force)


def _print_pdfs(workbooks, lang: str) -> list[Path]:
    from ..report.pdf import pdf_path, to_pdfs

    return to_pdfs([(w, pdf_path(w)) for w in workbooks], lang=lang)


def _render(fn, template, ctx, lang, *args):
    """Render, turning template mistakes into one readable message listing each (sheet and cell)."""
    from ..render import TemplateError

    try:
        if args:
            return fn(template, ctx, *args, lang=lang)
        return fn(template, ctx, lang=lang)
    except TemplateError as e:
        lines = [message("report_template_errors", lang, path=template, n=len(e.problems))]
        lines += [f"  {p.format(lang)}" for p in e.problems]
        raise UserError("\n".join(lines)) from None


@contextmanager
def _progress() -> Iterator:
    """Steps shown on stderr with rich (a spinner on a terminal, one line per step otherwise)."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, highlight=False)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console,
                  transient=False) as progress:

        @contextmanager
        def step(text: str) -> Iterator[None]:
            task = progress.add_task(text, total=1)
            yield
            progress.update(task, completed=1)

        yield step


register_messages({
    "report_cached": {
        "fr": "Rapport écrit (classeur inchangé : repris du cache, --no-cache pour le recalculer) : {path}",
        "en": "Report written (unchanged workbook: taken from the cache, --no-cache to compute it again): {path}",
    },
    "report_cached_snapshot": {
        "fr": "historique du pipeline : l'état de ces données y est déjà enregistré (historique inchangé depuis)",
        "en": "pipeline history: the state of this data is already recorded there (history unchanged since)",
    },
})
