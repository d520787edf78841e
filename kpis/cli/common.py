"""What every verb shares: option definitions, loading the workbook and configuration, errors.

A verb never shows a traceback for a user mistake: :class:`UserError` (and configuration or read
errors) become one readable line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import typer

from ..errors import KpisError, user_message
from ..i18n import message, normalise_lang, register

register({
    "cli_bad_date": {"fr": "{option} : date attendue au format AAAA-MM-JJ, reçu « {value} »",
                     "en": "{option}: expected a date as YYYY-MM-DD, got \"{value}\""},
    "cli_bad_period": {"fr": "période non reconnue « {value} » : utilisez 2026-10, octobre 2026, 2026-Q4, T4 2026, 2026, FY2026 ou 2026-10-01:2026-12-31",
                       "en": "unrecognised period \"{value}\": use 2026-10, October 2026, 2026-Q4, Q4 2026, 2026, FY2026 or 2026-10-01:2026-12-31"},
    "cli_period_reversed": {"fr": "la période finit ({end}) avant de commencer ({start})",
                            "en": "the period ends ({end}) before it starts ({start})"},
    "cli_from_to": {"fr": "--from et --to vont ensemble", "en": "--from and --to go together"},
    "cli_period_required": {"fr": "--period est obligatoire", "en": "--period is required"},
    # Said in both languages: the user's language is the very thing that is not known.
    "cli_bad_lang": {"fr": "--lang : langue non prise en charge « {value} » : fr (français) ou en (anglais) / "
                           "unsupported language \"{value}\": fr (French) or en (English)",
                     "en": "--lang: unsupported language \"{value}\": en (English) or fr (French) / "
                           "langue non prise en charge « {value} » : en (anglais) ou fr (français)"},
})

if TYPE_CHECKING:  # the modules themselves are imported when a verb runs: `kpis --help` stays quick
    from datetime import date

    from ..config import Config
    from ..periods import Period

EXIT_OK, EXIT_DATA, EXIT_USAGE = 0, 1, 2

WorkbookArg = typer.Argument(..., help="Tracking workbook (.xlsx, .xlsm) or CSV export. / Fichier de suivi.", show_default=False)
ConfigOpt = typer.Option(None, "--config", "-c", help="Configuration file (default: kpis.toml beside the workbook).")
LangOpt = typer.Option(None, "--lang", "-l", help="fr or en (default: from the configuration, else fr).")
PeriodOpt = typer.Option(None, "--period", "-p", help="2026-10, octobre 2026, 2026-Q4, T4 2026, 2026, FY2026 or 2026-10-01:2026-12-31 (default: last complete month of the data).")
FromOpt = typer.Option(None, "--from", help="Start date of a custom period (YYYY-MM-DD).")
ToOpt = typer.Option(None, "--to", help="End date of a custom period (YYYY-MM-DD).")
OutputOpt = typer.Option(None, "--output", "-o", help="Output file (never one of the files read). / Fichier de sortie.")
ForceOpt = typer.Option(False, "--force", help="Replace an existing output file. / Remplacer un fichier de sortie existant.")


def format_opt(*choices: str) -> Any:
    """The ``--format`` option of a verb, its help listing exactly the formats :func:`check_format`
    will accept for it (pass the same ``choices`` to both)."""
    return typer.Option(choices[0], "--format", "-f", help=f"{', '.join(choices)}.")


FormatOpt = format_opt("table", "json")


class UserError(KpisError):
    """A mistake the user can fix: printed as one line, exit code 2. ``UserError(code, lang, **params)``
    or, as older call sites do, ``UserError(text)`` with the text already in the user's language."""


T = TypeVar("T")


def run(fn: Callable[[], T]) -> T:
    """Run a verb body, turning every :class:`~kpis.errors.KpisError` (a user mistake, a configuration,
    read, output, calculator, history, PDF or template problem) into its message, in the language it
    was raised in (:func:`kpis.errors.user_message`), and its exit code."""
    try:
        return fn()
    except KpisError as e:
        typer.secho(user_message(e, e.lang), err=True, fg="red")
        raise typer.Exit(e.exit_code) from None


def check_lang(lang: str | None) -> str | None:
    """``--lang`` as ``fr`` / ``en`` (``FR``, ``fr-FR``, ``english``… accepted), None when absent; any other
    language is a usage error (exit 2), never a silent fall-back to French."""
    if lang is None:
        return None
    s = str(lang).strip().lower()
    named = {"french": "fr", "francais": "fr", "français": "fr", "english": "en", "anglais": "en"}
    if s in named:
        return named[s]
    if s[:2] not in ("fr", "en") or (len(s) > 2 and s[2] not in "-_"):
        raise UserError(message("cli_bad_lang", "fr", value=lang))
    return normalise_lang(s)


def load_cfg(config: Path | None, workbook: Path | None, lang: str | None) -> Config:
    """``kpis.toml`` (``--config``, else beside the workbook), then the workbook's configuration sheet
    on top, key by key (:mod:`kpis.config_sheet`), then ``--lang``."""
    from ..config import check_targets, load_config
    from ..config_sheet import apply_workbook_sheet

    lang = check_lang(lang)
    cfg = apply_workbook_sheet(load_config(config, workbook=workbook), workbook, lang)
    if cfg.targets:  # the [targets] name KPIs of the registry (passed: config does not import the engine)
        from ..engine.registry import REGISTRY  # heavy (pandas): only when there is something to check

        check_targets(cfg, REGISTRY)
    if lang:
        cfg.lang = lang
    return cfg


def read_data(workbook: Path, cfg: "Config", tables: list[str] | None = None):
    """The workbook read for a verb that computes: exit 2 with what was looked for when no tracking
    table at all was found (never a page of "n/a" and exit 0 on a file kpis did not understand)."""
    import gc

    from ..reader import read_workbook, require_tables

    ds = read_workbook(workbook, cfg, tables=tables)
    require_tables(ds, cfg.lang)
    # A verb runs once and exits: what it has read stays until then. Frozen, those objects are no
    # longer walked by each of the cyclic collector's full passes while the verb computes and
    # writes (0.2-0.3 s of a 400,000-row report). (Not in the add-in: a process that lives for
    # many reads would keep every frozen one.)
    gc.freeze()
    return ds


def flag_period(ds: Any, p: "Period", lang: str, as_of: Any = None) -> list[str]:
    """Say on stderr when the data stops inside the period (a partial month) or the period is
    outside the data (``kpis.engine.compute.period_flags``), and keep it in the data-quality report
    (the report's "Data quality" sheet shows it). The lines said, in order."""
    from ..engine.compute import period_flags
    from ..quality import Issue

    said = []
    for code, params in period_flags(ds, p, as_of):
        said.append(message(code, lang, **params))
        typer.secho(said[-1], err=True, fg="yellow")
        name = ds.path.name if getattr(ds, "path", None) else ""
        ds.quality.add(Issue(name, None, None, p.label, "info", code, params))
    return said


def resolve_period(period: str | None, start: str | None, end: str | None, cfg: Config, default: Callable[[], Period] | None = None) -> Period:
    """The period a verb works on: --period, or --from/--to, or the default given by the verb."""
    from ..periods import custom, parse_period

    lg = cfg.lang
    if start or end:
        if not (start and end):
            raise UserError(message("cli_from_to", lg))
        a, b = parse_date(start, lg, "--from"), parse_date(end, lg, "--to")
        if b < a:
            raise UserError(message("cli_period_reversed", lg, start=a.isoformat(), end=b.isoformat()))
        return custom(a, b)
    if period:
        try:
            return parse_period(period, cfg.fiscal_year_start)
        except ValueError:  # also a range whose dates do not exist or end before they start
            raise UserError(message("cli_bad_period", lg, value=period)) from None
    if default is None:
        raise UserError(message("cli_period_required", lg))
    return default()


def parse_date(value: str, lang: str, option: str = "--as-of") -> "date":
    """A date option (``--as-of``, ``--from``…) typed as YYYY-MM-DD, or a usage error in ``lang``
    naming the option."""
    from datetime import date

    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserError(message("cli_bad_date", lang, option=option, value=value)) from None


def parse_as_of(value: str | None, lang: str, option: str = "--as-of") -> "date | None":
    """:func:`parse_date`, None when the option is absent or blank."""
    if value is None or not str(value).strip():
        return None
    return parse_date(value, lang, option)


def emit_json(data: Any) -> None:
    from ..jsonout import dumps  # late: pandas is not needed to start the command

    sys.stdout.write(dumps(data) + "\n")


def check_format(fmt: str | None, allowed: tuple[str, ...] = ("table", "json")) -> str:
    """The ``--format`` value, lower-cased, or a usage error listing the accepted ones."""
    f = (fmt or "").strip().lower()
    if f not in allowed:
        raise UserError(f"--format: {' / '.join(allowed)}")
    return f


# Where each file format may be written, and the endings its files take.
OUTPUT_SUFFIXES = {"json": (".json",), "csv": (".csv", ".txt"), "markdown": (".md", ".markdown", ".txt"),
                   "text": (".txt", ".md")}


def check_text_output(output: Path | None, fmt: str, offered: tuple[str, ...], *, lang: str, force: bool,
                      reads: tuple[Path | None, ...] = (), config: Path | None = None) -> Path | None:
    """Check ``-o`` of a verb printing ``fmt`` before any work: a screen format cannot go to a file,
    the file takes the format's ending, is never one of ``reads`` (the workbook...) nor the
    configuration, and replaces an existing file only with ``--force``. ``None`` when printing.
    ``offered`` are the verb's formats (named in the message when a screen format is given)."""
    from ..outputs import check_output

    if output is None:
        return None
    if fmt not in OUTPUT_SUFFIXES:
        formats = [f for f in offered if f in OUTPUT_SUFFIXES]
        raise UserError(message("output_needs_format", lang, formats=" / ".join(formats), first=formats[0]))
    inputs = [(r, "input_workbook") for r in reads] + [(config, "input_config")]
    return check_output(output, lang=lang, inputs=inputs, suffixes=OUTPUT_SUFFIXES[fmt], force=force)


def write_text(text: str, output: Path | None) -> None:
    """Print ``text``, or write it atomically to the (already checked) ``output``."""
    if output is None:
        sys.stdout.write(text)
        return
    from ..atomic import write_atomic

    write_atomic(output, text)


def console(width: int | None = None):
    """A rich console for tables: no syntax highlighting, no soft wrapping, a fixed width when asked
    (so piped output is not cut at 80 columns)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=width)


def terminal_width(default: int = 120) -> int:
    import shutil

    return shutil.get_terminal_size((default, 40)).columns
