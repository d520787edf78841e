"""The ``kpis`` command line: verbs as subcommands, the same options everywhere.

Exit codes scripts can rely on: 0 ok, 1 data problems (rows skipped, KPIs without data where asked),
2 usage or file errors. Each verb lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="kpis",
    help="Sales KPIs from your Excel tracking workbook. / Les KPI commerciaux de votre fichier de suivi Excel.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# Modules that define verbs; each has ``register(app)``. Missing ones (work in progress) are skipped.
_VERB_MODULES = (
    "kpis.cli.validate",
    "kpis.cli.init",
    "kpis.cli.compute",
    "kpis.cli.calculators",
    "kpis.cli.report",
    "kpis.cli.template",
    "kpis.cli.addin",
    "kpis.cli.history",
    "kpis.cli.forecast",
    "kpis.cli.commentary",
)


def _register_all() -> None:
    for name in _VERB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue
            raise
        module.register(app)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Show the version and exit."),
) -> None:
    if version:
        from kpis import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


_register_all()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: returns the exit code instead of raising."""
    try:
        # With standalone_mode=False click *returns* the code of a typer.Exit raised by a verb.
        rc = app(args=argv, standalone_mode=False)
    except typer.Exit as e:
        return e.exit_code
    except SystemExit as e:  # click may still raise it
        return int(e.code or 0)
    except Exception as e:
        # Usage errors (unknown option, bad value): click's ClickException, which recent typer
        # releases vendor as typer._click -- recognised by its interface, not by importing click.
        show = getattr(e, "show", None)
        if callable(show) and isinstance(getattr(e, "exit_code", None), int):
            show()
            return 2
        raise
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
