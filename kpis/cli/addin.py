"""``kpis addin build`` and ``kpis addin install``: the ribbon add-in for desktop Excel.

``build`` writes ``kpis/xl/kpis.xlam`` from the sources in ``addin/`` (any system, no Excel).
``install`` sets it up where Excel exists (Windows, macOS): the xlwings add-in, the kpis add-in in
Excel's start-up folder, and the Python interpreter xlwings must use (this one, where kpis is
installed). Elsewhere it explains what to do instead (xlwings Lite in Excel on the web).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import typer

from ..i18n import message, normalise_lang
from ..i18n import register as register_messages
from .common import EXIT_OK, EXIT_USAGE

addin_app = typer.Typer(
    name="addin",
    help="The Excel ribbon add-in: build it, install it. / Le complément du ruban Excel : le construire, l'installer.",
    no_args_is_help=True,
)

UDF_MODULE = "kpis.xl.udfs"


def register(app: typer.Typer) -> None:
    app.add_typer(addin_app, name="addin")


def _lang(lang: str | None) -> str:
    return normalise_lang(lang or os.environ.get("LC_ALL") or os.environ.get("LANG"))


@addin_app.command("build")
def build_cmd(
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Output file (default: kpis/xl/kpis.xlam)."),
    source: Optional[Path] = typer.Option(None, "--source", help="Sources folder (default: addin/)."),
    check: bool = typer.Option(False, "--check", help="Only check that the output is up to date with the sources (exit 1 if not)."),
    lang: Optional[str] = typer.Option(None, "--lang", "-l", help="fr or en."),
) -> None:
    """Build the .xlam add-in from addin/ribbon.xml and addin/vba/ (no Excel needed)."""
    from ..xl.build import DEFAULT_OUTPUT, BuildError, build_addin, is_up_to_date

    lg = _lang(lang)
    out = output or DEFAULT_OUTPUT
    try:
        if check:
            ok = is_up_to_date(out, source)
            typer.echo(message("addin_up_to_date" if ok else "addin_outdated", lg, path=out))
            raise typer.Exit(EXIT_OK if ok else 1)
        path = build_addin(out, source)
    except BuildError as e:
        typer.secho(str(e), err=True, fg="red")
        raise typer.Exit(EXIT_USAGE) from None
    typer.echo(message("addin_built", lg, path=path))


def find_addin_file() -> Path | None:
    """The add-in to install: ``kpis/xl/kpis.xlam``, shipped in the package (built from ``addin/``)."""
    from ..xl.build import DEFAULT_OUTPUT

    return DEFAULT_OUTPUT if DEFAULT_OUTPUT.is_file() else None


def install_plan(addin: Path, platform: str = sys.platform, python: str = sys.executable) -> list[tuple[str, list[str] | None]]:
    """The steps of ``kpis addin install``: (description code, command or None for a config edit)."""
    xlwings_cli = [python, "-c", "import sys; from xlwings.cli import main; sys.argv[0] = 'xlwings'; main()"]
    steps: list[tuple[str, list[str] | None]] = [
        ("addin_step_xlwings", xlwings_cli + ["addin", "install"]),
        ("addin_step_kpis", xlwings_cli + ["addin", "install", "--file", str(addin)]),
        ("addin_step_interpreter", None),
    ]
    if platform.startswith("win"):
        steps.append(("addin_step_udfs", None))
    return steps


def configure_xlwings(platform: str = sys.platform, python: str = sys.executable) -> list[str]:
    """Point xlwings at this interpreter (and, on Windows, at the kpis UDF module); returns what changed.

    Written to xlwings' user configuration file (``~/.xlwings/xlwings.conf``, or the Excel container
    on macOS), which every workbook reads unless it has its own ``xlwings.conf`` sheet.
    """
    import xlwings as xw
    from xlwings.cli import update_user_config

    changed = []
    key = "INTERPRETER_MAC" if platform.startswith("darwin") else "INTERPRETER_WIN"
    update_user_config(key, python)
    changed.append(f"{key}={python}")
    if platform.startswith("win"):
        current = ""
        if os.path.exists(xw.USER_CONFIG_FILE):
            for line in Path(xw.USER_CONFIG_FILE).read_text(encoding="utf-8").splitlines():
                k, _, v = line.partition(",")
                if k.strip('"').upper() == "UDF MODULES":
                    current = v.strip().strip('"')
        modules = [m for m in current.split(";") if m]
        if UDF_MODULE not in modules:
            modules.append(UDF_MODULE)
            update_user_config("UDF MODULES", ";".join(modules))
            changed.append(f"UDF MODULES={';'.join(modules)}")
    return changed


@addin_app.command("install")
def install_cmd(
    file: Optional[Path] = typer.Option(None, "--file", "-f", help="The .xlam to install (default: kpis/xl/kpis.xlam)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the steps without running them."),
    lang: Optional[str] = typer.Option(None, "--lang", "-l", help="fr or en."),
) -> None:
    """Install the xlwings add-in and the kpis ribbon add-in in Excel, and point xlwings at this Python."""
    lg = _lang(lang)
    supported = sys.platform.startswith(("win", "darwin"))
    if not supported and not dry_run:
        typer.echo(message("addin_no_excel", lg, platform=sys.platform))
        raise typer.Exit(EXIT_USAGE)
    addin = file or find_addin_file()
    if addin is None or not Path(addin).is_file():
        typer.secho(message("addin_missing", lg, path=addin or "kpis/xl/kpis.xlam"), err=True, fg="red")
        raise typer.Exit(EXIT_USAGE)
    steps = install_plan(Path(addin).resolve(), sys.platform if supported else "win32")
    for code, command in steps:
        typer.echo(message(code, lg, python=sys.executable, module=UDF_MODULE, path=addin))
        if dry_run:
            if command:
                typer.echo("  $ xlwings " + " ".join(command[3:]))
            continue
        if command:
            done = subprocess.run(command, check=False)
            if done.returncode != 0:
                typer.secho(message("addin_step_failed", lg, code=done.returncode), err=True, fg="red")
                raise typer.Exit(EXIT_USAGE)
    if not dry_run:
        for change in configure_xlwings():
            typer.echo(f"  {change}")
    typer.echo(message("addin_installed" if not dry_run else "addin_dry_run", lg))


register_messages(
    {
        "addin_built": {"fr": "Complément écrit : {path}", "en": "Add-in written: {path}"},
        "addin_up_to_date": {"fr": "{path} est à jour.", "en": "{path} is up to date."},
        "addin_outdated": {
            "fr": "{path} n'est pas à jour : lancez « kpis addin build ».",
            "en": "{path} is out of date: run `kpis addin build`.",
        },
        "addin_missing": {
            "fr": "Complément introuvable : {path}. Lancez « kpis addin build » dans une copie du dépôt, ou passez --file.",
            "en": "Add-in not found: {path}. Run `kpis addin build` in a checkout of the repository, or pass --file.",
        },
        "addin_no_excel": {
            "fr": (
                "Excel n'est pas installé sur ce système ({platform}) : rien à installer ici.\n"
                "- Sur Windows ou macOS, avec Excel : pip install kpis, puis « kpis addin install ».\n"
                "- Sans Python, y compris Excel sur le web : installez le complément xlwings Lite depuis\n"
                "  Excel (Insertion > Compléments), puis collez addin/lite/main.py et\n"
                "  addin/lite/requirements.txt dans son éditeur (voir docs/addin.md).\n"
                "- Sans Excel du tout : la ligne de commande fait tout (kpis report, kpis compute...)."
            ),
            "en": (
                "Excel is not installed on this system ({platform}): nothing to install here.\n"
                "- On Windows or macOS with Excel: pip install kpis, then `kpis addin install`.\n"
                "- Without Python, including Excel on the web: install the xlwings Lite add-in from\n"
                "  Excel (Insert > Add-ins), then paste addin/lite/main.py and\n"
                "  addin/lite/requirements.txt into its editor (see docs/addin.md).\n"
                "- Without Excel at all: the command line does everything (kpis report, kpis compute...)."
            ),
        },
        "addin_step_xlwings": {
            "fr": "1. Complément xlwings (exécute Python depuis Excel)",
            "en": "1. The xlwings add-in (runs Python from Excel)",
        },
        "addin_step_kpis": {
            "fr": "2. Complément kpis (onglet « Indicateurs ») : {path}",
            "en": "2. The kpis add-in (\"Sales KPIs\" tab): {path}",
        },
        "addin_step_interpreter": {
            "fr": "3. xlwings utilisera ce Python : {python}",
            "en": "3. xlwings will use this Python: {python}",
        },
        "addin_step_udfs": {
            "fr": "4. Fonctions dans les cellules : module {module} (onglet xlwings > Import Functions dans chaque classeur)",
            "en": "4. Functions in cells: module {module} (xlwings tab > Import Functions in each workbook)",
        },
        "addin_step_failed": {"fr": "échec (code {code})", "en": "failed (exit code {code})"},
        "addin_installed": {
            "fr": "Terminé. Redémarrez Excel : l'onglet « Indicateurs » apparaît dans le ruban.",
            "en": "Done. Restart Excel: the \"Sales KPIs\" tab appears in the ribbon.",
        },
        "addin_dry_run": {"fr": "(simulation : rien n'a été modifié)", "en": "(dry run: nothing was changed)"},
    }
)
