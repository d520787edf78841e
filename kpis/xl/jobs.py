"""What each button does, on an open workbook (``book``: an ``xw.Book``, desktop or remote).

Every job follows the same steps: read the settings sheet and the configuration, read the user's
sheets through the reader (:mod:`kpis.xl.book`), ask the engine or a calculator, lay the results
out -- the KPI sheets and the report rendered from templates by the report's engine
(:mod:`kpis.xl.templates`; ``[report] sheets_template`` and ``[report] template`` of the
configuration choose them, as for ``kpis report``), the calculators' sheets by
:mod:`kpis.xl.layouts` -- and write them into the sheets the add-in owns (:mod:`kpis.xl.sheets`).
A job returns the message to show; :func:`run_job` shows it -- or, when something goes wrong, a readable French or English message, never a traceback.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any, Callable

from ..errors import KpisError, user_message
from ..i18n import message, normalise_lang, register
from .book import read_book
from .layouts import quota_sheet, statements_sheet
from .settings import Settings, SettingsError, config_for, period_setting, quota_settings, read_settings, settings_content, workbook_path
from .sheets import SheetContent, ensure_sheet, write_content

log = logging.getLogger("kpis.xl")


class JobError(KpisError):
    """A request the job cannot serve, explained: message code and parameters."""


def _context(book: Any) -> tuple[Settings, Any, str]:
    s = read_settings(book)
    cfg = config_for(book, s)
    return s, cfg, cfg.lang


def _period(s: Settings, ds: Any, cfg: Any):
    from ..engine import default_period

    return period_setting(s, "period", cfg.fiscal_year_start) or default_period(ds)


def _read(book: Any, cfg: Any, raw: Any = None):
    ds = read_book(book, cfg, raw)
    if not ds.tables:
        raise JobError("xl_no_tables", book=book.name)
    return ds


def _write(book: Any, role: str, content: SheetContent, lang: str) -> Any:
    sheet = ensure_sheet(book, role, lang)
    write_content(sheet, content)
    return sheet


def _snapshot_note(book: Any, ds: Any, cfg: Any, lang: str) -> tuple[str, bool]:
    """Record the deals' state of the data date in the pipeline history beside the workbook
    (``docs/history.md``; off with ``[history] snapshot = false``; none without a file on disk).
    The words to add to the job's message ('' when nothing was recorded), and whether it went well."""
    path = workbook_path(book)
    if path is None:
        return "", True
    from ..history.service import auto_snapshot

    rec, _, problem = auto_snapshot(ds, cfg, path, lang=lang)
    if problem:
        return " " + problem, False
    return (" " + message("xl_snapshot_done", lang, date=rec.snapshot.as_of.isoformat()) if rec else ""), True


def _history_content(book: Any, ds: Any, cfg: Any, period: Any, lang: str) -> tuple[str, str, SheetContent]:
    """The pipeline movement and deals-to-watch sheet (:mod:`kpis.xl.history_sheet`): role, name, content."""
    from ..history.settings import history_file
    from .history_sheet import NAMES, ROLE, history_content

    path = workbook_path(book)
    try:
        hist = history_file(cfg, path) if path is not None else None
    except Exception:  # a [history] mistake: the sheet says there is no history
        hist = None
    return ROLE, NAMES[lang], history_content(ds, period, cfg, lang, path=hist)


def _quality_note(ds: Any, lang: str) -> str:
    skipped = ds.quality.rows_skipped
    return message("xl_note_skipped", lang, count=skipped) if skipped else ""


# -- the jobs -------------------------------------------------------------------------------------------


def refresh_kpis(book: Any) -> str:
    """The KPI sheets (summary, reps, pipeline, funnel, customers, acquisition, data quality) for the
    period, rendered from the KPI-sheets template (:func:`sheets_template`) with the report's
    context: the report's pages, same numbers, formats and colours; restyled by editing the
    template. Then the pipeline-watch sheet.

    The sheets are kept in the content cache (:mod:`kpis.cache`), keyed on the values the add-in
    received from the workbook: a second refresh of unchanged sheets writes them without reading
    or computing anything.
    """
    from .book import raw_sheets, sent_values

    s, cfg, lang = _context(book)
    sent = sent_values(book)
    key = _refresh_key(book, sent, s, cfg)
    hit = _cached_refresh(key, book, cfg)
    if hit is not None:
        sheets, text = hit
        _write_sheets(book, sheets, lang)
        return text
    ds = _read(book, cfg, raw_sheets(book, sent))
    period = _period(s, ds, cfg)
    snapshot, recorded = _snapshot_note(book, ds, cfg, lang)
    sheets = _refresh_sheets(book, ds, period, cfg, lang)
    _write_sheets(book, sheets, lang)
    done = message("xl_done_refresh", lang, period=period.label, count=len(sheets)) + _quality_note(ds, lang)
    if key is not None and recorded:
        _cache_refresh(key, book, cfg, sheets, done, bool(snapshot))
    return done + snapshot


def _refresh_sheets(book: Any, ds: Any, period: Any, cfg: Any, lang: str) -> list[tuple[str, str | None, SheetContent]]:
    """What a refresh writes: (role, sheet name, content), in order: the template's sheets, then
    the pipeline-watch sheet."""
    from .templates import render_contents

    template = sheets_template(lang, cfg)
    contents = render_contents(template, _report_context(ds, period, cfg, book, template), lang)
    sheets: list[tuple[str, str | None, SheetContent]] = [
        (_role(name, lang), f"KPI - {name}", c) for name, c in contents.items()]
    return sheets + [_history_content(book, ds, cfg, period, lang)]


def _write_sheets(book: Any, sheets: list[tuple[str, str | None, SheetContent]], lang: str) -> None:
    first = None
    for role, name, content in sheets:
        sheet = ensure_sheet(book, role, lang, name=name)
        write_content(sheet, content)
        first = first or sheet
    if first is not None:
        first.activate()


# -- the refresh's content cache (kpis/cache.py) ------------------------------------------------------------
def _refresh_key(book: Any, sent: Any, s: Settings, cfg: Any) -> str | None:
    """blake2b of what the sheets are made of: the values received from the user's sheets as Excel
    sent them (and their Excel tables: :func:`kpis.xl.book.sent_values`), the settings and
    configuration, the template, the day, kpis' version."""
    import datetime as dt

    from .. import cache

    try:
        h = cache.Hasher("xl-refresh").add(book.name, repr(s), repr(cfg), dt.date.today().isoformat())
        h.add_file(sheets_template(cfg.lang, cfg))
        for one in sent:
            h.add(*one.key())
        return h.hexdigest()
    except Exception:  # a value without a stable repr: no cache, never a failed refresh
        return None


def _history_state(book: Any, cfg: Any) -> str:
    from ..history.settings import history_state

    path = workbook_path(book)
    return history_state(cfg, path) if path is not None else "<none>"


# The last refresh's sheets in this process, decoded, by the path of their cache entry: the
# add-in's Python stays up between clicks (Pyodide, the server), and a second refresh of the same
# content then skips reading and decoding the entry (a third of its time). Taken only while the
# entry is there (a cleared cache, another cache folder: read again). The sheets are only ever
# read (write_content copies); one entry.
_LAST: dict[str, tuple[list, dict[str, Any]]] = {}


def _cached_refresh(key: str | None, book: Any, cfg: Any) -> tuple[list, str] | None:
    from .. import cache

    if key is None:
        return None
    history = _history_state(book, cfg)
    path = _entry(key)
    last = _LAST.get(path)
    if last is not None and last[1].get("history") == history and _touch(path):
        sheets, meta = last
    else:  # (another process may have stored the entry again since, with a newer history)
        hit = cache.load("xl-refresh", key)
        if hit is None:
            return None
        try:
            sheets = [(role, name, _content_from_json(c)) for role, name, c in json.loads(hit.payload.decode("utf-8"))]
        except (ValueError, TypeError, KeyError):
            return None
        meta = dict(hit.meta)
        _remember(path, sheets, meta)
        if meta.get("history") != history:
            return None
    text = str(meta.get("message", ""))
    if meta.get("snapshot"):
        text += " " + message("xl_snapshot_kept", cfg.lang)
    return sheets, text


def _entry(key: str) -> str:
    from .. import cache

    return str(cache.entry_path("xl-refresh", key))


def _touch(path: str) -> bool:
    """Whether the entry is still there, marked recently used as a read marks it (pruned last)."""
    try:
        os.utime(path)
    except OSError:
        return False
    return True


def _remember(path: str, sheets: list, meta: dict[str, Any]) -> None:
    _LAST.clear()
    _LAST[path] = (sheets, meta)


def _cache_refresh(key: str, book: Any, cfg: Any, sheets: list, text: str, snapshot: bool) -> None:
    from .. import cache

    meta = {"message": text, "snapshot": snapshot, "history": _history_state(book, cfg)}
    try:
        payload = json.dumps([[role, name, _content_to_json(c)] for role, name, c in sheets], default=_json_value)
    except (TypeError, ValueError):
        return
    if cache.store("xl-refresh", key, payload.encode("utf-8"), meta):
        _remember(_entry(key), sheets, meta)  # what a hit decodes writes the same (tests/xl/test_refresh_cache.py)


def _json_value(v: Any) -> Any:
    import datetime as dt

    from .sheets import Formula

    if isinstance(v, Formula):
        return {"$f": v.text}
    if isinstance(v, dt.datetime):
        return {"$dt": v.isoformat()}
    if isinstance(v, dt.date):
        return {"$d": v.isoformat()}
    if hasattr(v, "item"):  # a numpy scalar
        return v.item()
    raise TypeError(type(v).__name__)


def _from_json_value(v: Any) -> Any:
    import datetime as dt

    from .sheets import Formula

    if isinstance(v, dict):
        if "$f" in v:
            return Formula(v["$f"])
        if "$dt" in v:
            return dt.datetime.fromisoformat(v["$dt"])
        if "$d" in v:
            return dt.date.fromisoformat(v["$d"])
    return v


def _content_to_json(c: SheetContent) -> dict[str, Any]:
    import dataclasses

    return {"values": c.values, "formats": [dataclasses.asdict(f) for f in c.formats],
            "widths": [[k, v] for k, v in c.widths.items()], "freeze": c.freeze, "merged": c.merged,
            "heights": [[k, v] for k, v in c.heights.items()]}


def _content_from_json(d: dict[str, Any]) -> SheetContent:
    from .sheets import Fmt

    return SheetContent(
        values=[[_from_json_value(v) for v in row] for row in d["values"]],
        formats=[Fmt(**f) for f in d["formats"]],
        widths={int(k): float(v) for k, v in d["widths"]},
        freeze=tuple(d["freeze"]) if d["freeze"] is not None else None,
        merged=list(d["merged"]),
        heights={int(k): float(v) for k, v in d["heights"]},
    )


def _report_context(ds: Any, period: Any, cfg: Any, book: Any, template: Path | None = None) -> dict[str, Any]:
    """The report's context, built as ``kpis report`` builds it (``[report] trend_months``); with
    a ``template``, only the parts it reads (the KPI sheets show no trend, forecast or rep pages)."""
    from ..render.mentions import mentioned
    from ..report.context import OPTIONAL_PARTS, build_context
    from ..report.templates import settings

    needs = None if template is None else mentioned(template, OPTIONAL_PARTS)
    return build_context(ds, period, cfg, source=book.name, trend_months=settings(cfg).trend_months, needs=needs)


def _role(sheet: str, lang: str) -> str:
    """The role of a template sheet: the add-in's own (``summary``…) when the sheet has its name
    (« Synthèse » → KPI - Synthèse), else one made from the name (a user's template)."""
    from .sheets import SHEET_NAMES

    for role, names in SHEET_NAMES.items():
        if names[0 if normalise_lang(lang) == "fr" else 1] == f"KPI - {sheet}":
            return role
    return "t_" + re.sub(r"\W", "_", sheet.lower())


def validate_data(book: Any) -> str:
    """The data-quality sheet alone: every problem of the user's sheets (the KPI sheets' template
    page, with the reader's report only: nothing is computed)."""
    from ..report.context import quality_context
    from .sheets import sheet_name
    from .templates import render_contents

    s, cfg, lang = _context(book)
    ds = read_book(book, cfg)
    name = sheet_name("quality", lang).removeprefix("KPI - ")
    contents = render_contents(sheets_template(lang, cfg), {**quality_context(ds, lang), "source": book.name}, lang,
                               sheets=[name])
    _write(book, "quality", contents[name], lang).activate()
    frame = ds.quality.to_frame(lang)
    counts = frame.loc[frame["action"] != "mapped", "severity"].value_counts()
    return message("xl_done_validate", lang, tables=len(ds.tables), errors=int(counts.get("error", 0)),
                   warnings=int(counts.get("warning", 0)))


def edit_settings(book: Any) -> str:
    """Create the settings sheet, or refresh the detected mapping of an existing one (edits kept)."""
    from ..config import ConfigError
    from ..reader.grids import column_mapping

    s = read_settings(book)
    try:
        cfg = config_for(book, s)
    except SettingsError:
        from ..config import Config

        cfg = Config(lang=s.lang or "fr")  # a bad value must not stop the user from fixing it
    lang = cfg.lang
    note = ""
    try:
        ds = read_book(book, cfg)
    except ConfigError as e:  # a mapping row of the sheet names a sheet or header that is not there
        cfg.mapping = {}
        ds = read_book(book, cfg)
        note = " " + message("xl_mapping_ignored", lang, error=str(e))
    content = settings_content(s, column_mapping(ds), lang)
    _write(book, "settings", content, lang).activate()
    return message("xl_done_settings_updated" if s.found else "xl_done_settings_created", lang) + note


def commission_statements(book: Any) -> str:
    """Commission statements of the period: a summary row per rep, then each rep's deal lines."""
    from ..calculators import commission_statements as statements

    s, cfg, lang = _context(book)
    ds = _read(book, cfg)
    period = _period(s, ds, cfg)
    from ..calculators.plans import load_plans

    if not load_plans(cfg):
        raise JobError("xl_no_plans")
    st = statements(ds, period, cfg)
    _write(book, "commissions", statements_sheet(st, lang, cfg.currency), lang).activate()
    total = sum(r.payable for r in st.reps.values())
    note = message("xl_note_warnings", lang, count=len(st.warnings)) if st.warnings else ""
    return message("xl_done_commissions", lang, period=st.period.label, reps=len(st.reps), total=_money(total, lang, cfg.currency)) + note


def quota_planner(book: Any) -> str:
    """Quotas per rep for the target of the settings sheet, with each rep's reverse funnel."""
    from ..calculators.quota import plan_quotas

    s, cfg, lang = _context(book)
    target, method, growth = quota_settings(s)
    if target is None and method != "growth":
        raise JobError("xl_quota_need_target")
    ds = _read(book, cfg)
    period = period_setting(s, "quota_period", cfg.fiscal_year_start) or _period(s, ds, cfg).next()
    try:
        plan = plan_quotas(ds, period, target, method=method, growth=growth, config=cfg)
    except ValueError as e:
        from ..calculators.errors import CalculatorError

        if isinstance(e, CalculatorError):
            raise
        raise JobError("xl_quota_bad", error=str(e)) from None
    _write(book, "quota", quota_sheet(plan, lang, cfg.currency), lang).activate()
    return message("xl_done_quota", lang, period=period.label, reps=len(plan.table), total=_money(plan.total, lang, cfg.currency))


def monthly_report(book: Any) -> str:
    """The monthly report: a new workbook beside this one (desktop), or report sheets (xlwings Lite).

    Rendered from the report template -- ``[report] template`` of the configuration, else the one
    shipped for the language: the one ``kpis report`` uses -- with the report's context, so the
    report from Excel and from the command line are the same file.
    """
    s, cfg, lang = _context(book)
    ds = _read(book, cfg)
    period = _period(s, ds, cfg)
    path = workbook_path(book)
    template = report_template(lang, cfg)
    out_path = _report_output(path, period.label, lang) if path is not None else None
    context = _report_context(ds, period, cfg, book)
    if out_path is not None:
        from ..render import render_to_file

        out = render_to_file(template, context, out_path, lang=lang)
        return _opened(book, out, lang, period)
    from .templates import render_contents

    contents = render_contents(template, context, lang)
    label = re.sub(r"\W", "_", period.label)
    _write_sheets(book, [(f"report_{label}_{i}", f"{period.label} {name}", content)
                         for i, (name, content) in enumerate(contents.items())], lang)
    return message("xl_done_report_sheet", lang, period=period.label, count=len(contents))


def _report_output(workbook: Path, label: str, lang: str) -> Path:
    """The report beside the workbook, replaced at each click (it is the add-in's own output) but
    never the workbook itself (:func:`kpis.outputs.check_output`)."""
    from ..outputs import check_output

    return check_output(report_path(workbook, label, lang), lang=lang, inputs=((workbook, "input_workbook"),),
                        suffixes=(".xlsx",), force=True)


def _opened(book: Any, out: Path, lang: str, period: Any) -> str:
    try:
        book.app.books.open(str(out))
    except Exception:  # the file is written; opening it is a comfort
        log.warning("could not open %s in Excel", out)
    return message("xl_done_report_file", lang, period=period.label, path=out.name)


def sheets_template(lang: str, cfg: Any = None) -> Path:
    """The template of the KPI sheets: ``[report] sheets_template`` of the configuration, else the
    one shipped for ``lang`` (``kpis/templates/feuilles_kpi_fr.xlsx``, ``kpi_sheets_en.xlsx``)."""
    return _template("sheets", lang, cfg)


def report_template(lang: str, cfg: Any = None) -> Path:
    """The monthly report template: ``[report] template`` of the configuration (as ``kpis report``
    honours it), else the one shipped for ``lang``."""
    return _template("report", lang, cfg)


def _template(kind: str, lang: str, cfg: Any) -> Path:
    from ..report.templates import resolve_template

    path = resolve_template(kind, lang, cfg)
    if not path.is_file():
        raise JobError("report_template_missing", path=str(path))
    return path


def report_path(workbook: Path, label: str, lang: str) -> Path:
    word = "rapport" if normalise_lang(lang) == "fr" else "report"
    return workbook.with_name(f"{workbook.stem} - {word} {label}.xlsx")


def _money(v: float, lang: str, currency: str) -> str:
    from ..i18n import format_money

    return format_money(v, lang, currency)


# -- running a job for a button ---------------------------------------------------------------------------


def notify(book: Any, text: str, lang: str, ok: bool) -> None:
    """Show ``text`` to the user: a message box in Excel (and the output pane of xlwings Lite)."""
    title = message("xl_title_ok" if ok else "xl_title_error", lang)
    print(f"{title}: {text}")
    try:
        book.app.alert(text, title=title, buttons="ok", mode="info" if ok else "critical")
    except Exception:  # no message box on this engine: the printed line is what the user gets
        log.info("%s: %s", title, text)


def run_job(book: Any, job: Callable[[Any], str]) -> str:
    """Run ``job`` on ``book``; show its message, or a readable error. Returns what was shown."""
    lang = "fr"
    try:
        s = read_settings(book)
        lang = s.lang or _lang_guess(book)
        text = job(book)
        ok = True
    except Exception as e:  # every failure ends as a message, never as a traceback in Excel
        ok = False
        if isinstance(e, KpisError):  # a known failure, said in the user's language
            text = user_message(e, lang)
        else:  # a bug: logged with its traceback
            log.exception("kpis: %s failed", getattr(job, "__name__", job))
            text = message("xl_err_internal", lang, error=f"{type(e).__name__}: {e}")
    notify(book, text, lang, ok)
    return text


def _lang_guess(book: Any) -> str:
    """Without a settings sheet: French unless kpis.toml beside the workbook says otherwise."""
    try:
        return normalise_lang(config_for(book, Settings()).lang)
    except Exception:
        return "fr"


register(
    {
        "xl_title_ok": {"fr": "Indicateurs commerciaux", "en": "Sales KPIs"},
        "xl_title_error": {"fr": "Indicateurs commerciaux : problème", "en": "Sales KPIs: problem"},
        "xl_done_refresh": {
            "fr": "Feuilles KPI mises à jour pour {period} ({count} feuilles).",
            "en": "KPI sheets updated for {period} ({count} sheets).",
        },
        "xl_note_skipped": {
            "fr": " {count} ligne(s) de données écartée(s) : voir la feuille KPI - Qualité.",
            "en": " {count} data row(s) skipped: see the KPI - Data quality sheet.",
        },
        "xl_note_warnings": {
            "fr": " {count} avertissement(s) en bas de la feuille.",
            "en": " {count} warning(s) at the bottom of the sheet.",
        },
        "xl_snapshot_kept": {
            "fr": "(Feuilles reprises du cache : données inchangées ; leur état est déjà dans l'historique du pipeline.)",
            "en": "(Sheets taken from the cache: unchanged data; its state is already in the pipeline history.)",
        },
        "xl_done_validate": {
            "fr": "{tables} table(s) lue(s) : {errors} ligne(s) écartée(s), {warnings} avertissement(s). Détail dans la feuille KPI - Qualité.",
            "en": "{tables} table(s) read: {errors} row(s) skipped, {warnings} warning(s). Details in the KPI - Data quality sheet.",
        },
        "xl_done_settings_created": {
            "fr": "Feuille de paramètres créée : modifiez les cellules jaunes, puis relancez un bouton.",
            "en": "Settings sheet created: edit the yellow cells, then run a button again.",
        },
        "xl_done_settings_updated": {
            "fr": "Feuille de paramètres mise à jour (vos valeurs sont conservées).",
            "en": "Settings sheet updated (your values are kept).",
        },
        "xl_done_commissions": {
            "fr": "Relevés de commissions {period} : {reps} commercial(aux), {total} à payer au total.",
            "en": "Commission statements {period}: {reps} rep(s), {total} payable in total.",
        },
        "xl_done_quota": {
            "fr": "Objectifs {period} répartis entre {reps} commercial(aux) : {total}.",
            "en": "Quotas {period} split between {reps} rep(s): {total}.",
        },
        "xl_done_report_file": {
            "fr": "Rapport {period} écrit à côté de ce classeur : {path}",
            "en": "Report {period} written beside this workbook: {path}",
        },
        "xl_done_report_sheet": {
            "fr": "Rapport {period} écrit dans ce classeur ({count} feuilles).",
            "en": "Report {period} written to this workbook ({count} sheets).",
        },
        "xl_no_tables": {
            "fr": "Aucune table reconnue dans {book} : vérifiez les en-têtes (Affaires, Montant, Date de signature…) ou la feuille de paramètres.",
            "en": "No table recognised in {book}: check the headers (Deals, Amount, Close date…) or the settings sheet.",
        },
        "xl_quota_need_target": {
            "fr": "Indiquez l'objectif de l'équipe (quota_target) dans la feuille de paramètres (bouton Paramètres).",
            "en": "Enter the team target (quota_target) in the settings sheet (Settings button).",
        },
        "xl_mapping_ignored": {
            "fr": "Attention, la correspondance des colonnes n'a pas pu être appliquée ({error}) : corrigez-la dans la feuille.",
            "en": "Warning: the column mapping could not be applied ({error}): correct it in the sheet.",
        },
        "xl_no_plans": {
            "fr": "Aucun plan de commission : remplissez la grille de taux de la feuille de paramètres (bouton Paramètres), ou ajoutez une section [plans.NOM] à kpis.toml.",
            "en": "No commission plan: fill in the rate table of the settings sheet (Settings button), or add a [plans.NAME] section to kpis.toml.",
        },
        "xl_quota_bad": {"fr": "planificateur d'objectifs : {error}", "en": "quota planner: {error}"},
        "xl_err_internal": {
            "fr": "Erreur inattendue ({error}). Rien n'a été modifié dans vos feuilles ; signalez-la avec le classeur.",
            "en": "Unexpected error ({error}). None of your sheets was changed; please report it with the workbook.",
        },
    }
)
