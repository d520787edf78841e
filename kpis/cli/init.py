"""``kpis init WORKBOOK``: what the reader detects, explained, and a ``kpis.toml`` proposal beside it.

Shows each sheet kept and the table it holds, each column's field with its confidence and the
runner-up, the columns left unused and why, the sheets left aside; then writes the proposal
(:mod:`kpis.reader.proposal`) as ``kpis.toml`` beside the workbook -- never over an existing one
without ``--force``, never over the workbook itself, atomically.

Exit codes: 0 proposal written; 1 no table found (a proposal is still written, to be completed);
2 file or usage error (existing kpis.toml without --force).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..i18n import format_number, message
from ..i18n import register as register_messages
from ..outputs import same_file
from .common import EXIT_DATA, EXIT_OK, LangOpt, UserError, WorkbookArg, check_lang, run

register_messages(
    {
        "i_sheet": {"fr": "Feuille {range} → table {table} ({rows} lignes ; score {score}{runner})",
                    "en": "Sheet {range} → table {table} ({rows} rows; score {score}{runner})"},
        "i_table_runner": {"fr": " ; sinon {table} {score}", "en": "; runner-up {table} {score}"},
        "i_column": {"fr": "  « {column} » → {field}  (confiance {conf}{runner})",
                     "en": "  \"{column}\" → {field}  (confidence {conf}{runner})"},
        "i_runner": {"fr": " ; sinon « {header} » {conf}", "en": "; runner-up \"{header}\" {conf}"},
        "i_guess": {"fr": " ; supposé d'après le contenu", "en": "; guessed from the values"},
        "i_constant": {"fr": "  {field} = « {value} » sur chaque ligne ({why})", "en": "  {field} = \"{value}\" on every row ({why})"},
        "i_derived": {"fr": "  {field} = {expr}", "en": "  {field} = {expr}"},
        "i_unused": {"fr": "  non utilisée : « {column} » — {why}", "en": "  not used: \"{column}\" — {why}"},
        "i_extra": {"fr": "  « {column} » : {what}", "en": "  \"{column}\": {what}"},
        "i_aside": {"fr": "Feuilles laissées de côté :", "en": "Sheets left aside:"},
        "i_none": {"fr": "Aucune table reconnue : complétez la proposition ([mapping]).",
                   "en": "No table found: complete the proposal ([mapping])."},
        "i_written": {"fr": "Proposition écrite : {path} (utilisée par kpis à la prochaine lecture)",
                      "en": "Proposal written: {path} (used by kpis from the next read on)"},
        "i_written_elsewhere": {"fr": "Proposition écrite : {path} (à donner avec --config)",
                                "en": "Proposal written: {path} (pass it with --config)"},
        "i_exists": {"fr": "{path} existe déjà : --force pour le remplacer, ou -o pour écrire ailleurs",
                     "en": "{path} already exists: --force to replace it, or -o to write elsewhere"},
        "i_is_source": {"fr": "{path} est le fichier lu : choisissez un autre nom avec -o",
                        "en": "{path} is the file being read: choose another name with -o"},
    }
)


def register(app: typer.Typer) -> None:
    app.command(
        "init",
        help="Show what is detected in a workbook and write a kpis.toml proposal beside it. / "
        "Montrer ce qui est reconnu dans un fichier et écrire une proposition de kpis.toml à côté.",
    )(init_cmd)


def init_cmd(
    workbook: Path = WorkbookArg,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Where to write the proposal (default: kpis.toml beside the workbook)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing kpis.toml. / Remplacer un kpis.toml existant."),
    lang: Optional[str] = LangOpt,
) -> None:
    """Explain what the reader detects in WORKBOOK and write a commented kpis.toml proposal."""

    def body() -> int:
        from ..atomic import write_atomic
        from ..config import CONFIG_FILENAME, Config
        from ..reader.proposal import proposal
        from ..reader.workbook import detect_layout

        cfg = Config(lang=check_lang(lang) or "fr")
        target = _target(output or Path(workbook).resolve().parent / CONFIG_FILENAME, workbook, cfg.lang, force)
        assigned, report = detect_layout(workbook, cfg)
        aside = [i.sheet + " — " + i.reason(cfg.lang) for i in report
                 if i.code in ("sheet_unused", "sheet_unused_near", "duplicate_source")]
        for line in explain(assigned, cfg.lang):
            typer.echo(line)
        if aside:
            typer.echo(message("i_aside", cfg.lang))
            for a in aside:
                typer.echo(f"  • {a}")
        if not assigned:
            typer.echo(message("i_none", cfg.lang))
        write_atomic(target, proposal(assigned, aside, Path(workbook).name, cfg.lang))
        beside = same_file(target, Path(workbook).resolve().parent / CONFIG_FILENAME)
        typer.echo(message("i_written" if beside else "i_written_elsewhere", cfg.lang, path=target))
        return EXIT_OK if assigned else EXIT_DATA

    raise typer.Exit(run(body))


def _target(path: Path, workbook: Path, lang: str, force: bool) -> Path:
    """The proposal's file through the shared output check (:func:`kpis.outputs.check_output`: never
    the workbook, even by another name, never a folder, a ``.toml`` file), with init's own hints."""
    from ..outputs import OutputError, check_output

    try:
        return check_output(path, lang=lang, inputs=[(workbook, "input_workbook")], suffixes=(".toml",), force=force)
    except OutputError as e:
        hint = {"output_over_input": "i_is_source", "output_exists": "i_exists"}.get(e.code)
        raise UserError(message(hint, lang, path=path) if hint else str(e)) from None


def explain(assigned, lang: str) -> list[str]:
    """The detection, line by line (see the module doc)."""
    from ..config import Config
    from ..reader.headers import header_text
    from ..reader.proposal import rejected_reason, unused_columns

    out: list[str] = []
    from ..reader.headers import best_tables
    from ..schema import TABLES
    from ..vocab import field_label, table_label

    for region, m in assigned:
        others = [o for o in best_tables(region.headers, (region.sheet.name, region.excel_table or ""),
                                         [t for t in TABLES if t != m.table], region.profile, Config(lang=lang))
                  if o.eligible]
        runner = message("i_table_runner", lang, table=table_label(others[0].table, lang), score=others[0].score) if others else ""
        out.append(message("i_sheet", lang, range=region.ref, table=table_label(m.table, lang), rows=region.n_rows, score=m.score,
                           runner=runner))
        for fld, col in sorted(m.columns.items(), key=lambda kv: kv[1]):
            runner = ""
            if fld in m.runner_up:
                rc, rconf = m.runner_up[fld]
                runner = message("i_runner", lang, header=header_text(region.headers.get(rc)), conf=format_number(rconf, lang, 2))
            if fld in m.guessed:
                runner += message("i_guess", lang)
            out.append(message("i_column", lang, column=region.header(col), field=field_label(fld, lang),
                               conf=format_number(m.confidence.get(fld, 1.0), lang, 2), runner=runner))
        for e in ("status", "won_date", "lost_date", "active"):
            if e in m.extra:
                col = m.extra[e]
                what = message(f"deal_{e}_column", lang, column="").split(" : " if lang == "fr" else ": ", 1)[-1]
                out.append(message("i_extra", lang, column=region.header(col), what=what))
        if m.stage_from:
            out.append("  " + message(f"stage_from_{m.stage_from}", lang))
        for fld, expr in m.derived.items():
            out.append(message("i_derived", lang, field=field_label(fld, lang), expr=expr))
        if m.order_lines:
            out.append("  " + message("p_lines", lang))
        for col in unused_columns(region, m):
            out.append(message("i_unused", lang, column=region.header(col), why=rejected_reason(region, m, col, lang)))
    return out
