"""Functions in cells: ``=KPI(...)``, ``=KPI_TABLE(...)``, ``=COMMISSION(...)``, ``=NPS(...)`` ...

Each function is a thin door: arguments are converted (:mod:`kpis.xl.args`), a range with headers
is read by the reader's own header synonyms (:func:`kpis.reader.grids.read_grids` -- a range of
deals is recognised as deals, whatever the language of its headers), and the number comes from the
KPI engine or a calculator. No KPI formula is written here.

The same decorated functions serve xlwings Lite (Excel on the web, Windows, macOS), xlwings Server
and desktop xlwings on Windows (``UDF MODULES = kpis.xl.udfs``); see ``docs/addin.md``. A function
never raises: bad arguments give an Excel error value (``#VALUE!``, ``#N/A``, ``#NUM!``,
``#DIV/0!``) and their reason goes to the log; ``=KPI_EXPLAIN(...)`` shows it in a cell.

Descriptions and argument help shown by Excel's function wizard are in English, or in French when the
environment variable ``KPIS_LANG`` is ``fr`` when this module is imported (``addin/lite/main.py`` sets
it); results in words (``KPI_TABLE``, ``KPI_EXPLAIN``...) take a ``lang`` argument.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import inspect
import marshal
import os
import pickle
from typing import Any, Callable

from ..i18n import message, normalise_lang
from . import args as A
from .errors import DIV0, NA, NUM, VALUE, XlError, error_value, log
from .runtime import decorators

func, _arg, ret, _script = decorators()


def arg(name: str, *a: Any, **kw: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """xlwings' ``arg`` with error values kept as their text ("#N/A"): by default xlwings hands an
    error in an argument over as an empty argument, and ``=KPI("revenue"; A1:G9; #N/A)`` gave the
    default period's figure. :func:`guarded` answers an error argument with that error. A raw range
    keeps its error cells as Excel sent them (the reader reports them)."""
    if not (a and a[0] == "raw"):
        kw.setdefault("err_to_str", True)
    return _arg(name, *a, **kw)


# Excel's error values: an argument that is one of them is answered with it (as Excel's own
# functions propagate an error), never read as text or as an empty argument.
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})

LANG = normalise_lang(os.environ.get("KPIS_LANG", "en"))
DEFAULT_RESULT_LANG = normalise_lang(os.environ.get("KPIS_LANG", "fr"))

# -- texts of the function wizard --------------------------------------------------------------------
_TEXTS: dict[str, tuple[str, str]] = {
    # (French, English)
    "kpi": ("Valeur d'un indicateur commercial (catalogue kpis) sur une plage avec en-têtes.",
            "Value of a sales KPI (kpis catalogue) over a range with headers."),
    "kpi_table": ("Tableau d'indicateurs (plage dynamique) : tous ceux que vos données permettent, ou ceux demandés, éventuellement par commercial, produit…",
                  "Table of KPIs (spills): every KPI your data allows, or those asked, optionally by rep, product…"),
    "kpi_explain": ("Explique en toutes lettres le résultat de KPI avec les mêmes arguments (valeur, ou pourquoi il n'y en a pas).",
                    "Explains in words the result of KPI with the same arguments (its value, or why there is none)."),
    "kpi_catalog": ("Le catalogue des indicateurs : identifiant, nom, unité, formule (plage dynamique).",
                    "The KPI catalogue: id, name, unit, formula (spills)."),
    "commission": ("Commission sur un chiffre d'affaires crédité, selon une grille de taux par tranche d'atteinte de l'objectif.",
                   "Commission on credited revenue from a rate table on quota attainment bands."),
    "quota_attainment": ("Atteinte de l'objectif : chiffre d'affaires crédité / objectif.",
                         "Quota attainment: credited revenue / quota."),
    "nps": ("Net Promoter Score (-100 à 100) d'une liste de notes de 0 à 10, ou d'une plage d'enquêtes avec en-têtes.",
            "Net Promoter Score (-100 to 100) of a list of 0-10 scores, or of a surveys range with headers."),
    "win_rate": ("Taux de réussite : affaires gagnées / (gagnées + perdues) closes dans la période.",
                 "Win rate: deals won / (won + lost) closed in the period."),
    "churn_rate": ("Taux d'attrition : clients perdus dans la période / clients en début de période.",
                   "Churn rate: customers lost in the period / customers at its start."),
    "clv": ("Valeur vie client : revenu mensuel moyen par compte × taux de marge / attrition mensuelle.",
            "Customer lifetime value: monthly revenue per account × margin rate / monthly churn."),
    "cac": ("Coût d'acquisition client : dépenses de la période / nouveaux clients.",
            "Customer acquisition cost: spend in the period / new customers."),
    "reverse_funnel": ("Entonnoir inversé d'un objectif (plage dynamique) : affaires, pipeline, opportunités, rendez-vous, appels nécessaires, d'après les taux des derniers mois.",
                       "Reverse funnel of a quota (spills): deals, pipeline, opportunities, meetings, calls needed, from the rates of the last months."),
    "reverse_funnel_rates": ("Entonnoir inversé d'un objectif à partir de taux donnés (plage dynamique).",
                             "Reverse funnel of a quota from given rates (spills)."),
    "kpi_forecast": ("Prévision de la période : gagné, pipeline pondéré, probabilité d'atteindre l'objectif, P10/P50/P90… (un chiffre, ou tout le tableau sans « figure »).",
                     "Forecast of the period: won, weighted pipeline, probability of reaching the quota, P10/P50/P90… (one figure, or the whole table without \"figure\")."),
    # arguments
    "a.figure": ("Chiffre voulu : forecast, won, weighted, open_count, open_amount, run_rate, quota, p_hit_quota, p10, p50, p90, commit, best_case. Vide : tout le tableau.",
                 "Figure wanted: forecast, won, weighted, open_count, open_amount, run_rate, quota, p_hit_quota, p10, p50, p90, commit, best_case. Empty: the whole table."),
    "a.as_of": ("Date de la prévision (vide : la date des données).", "Date of the forecast (empty: the data's date)."),
    "a.forecast_quota": ("Objectif à atteindre (vide : les objectifs de la période, si une plage d'objectifs est donnée).",
                         "Quota to reach (empty: the period's targets, when a targets range is given)."),
    "a.kpi": ("Identifiant (revenue, win_rate…) ou nom de l'indicateur (« Taux de réussite »).",
              "KPI id (revenue, win_rate…) or name (\"Win rate\")."),
    "a.table": ("Plage ou tableau Excel avec sa ligne d'en-têtes (affaires, clients, activités…).",
                "Range or Excel table with its header row (deals, customers, activities…)."),
    "a.period": ("Période : 2026-10, 2026-T3, 2026, FY2026, 2026-10-01:2026-12-31 ou une date (son mois). Vide : dernier mois complet.",
                 "Period: 2026-10, 2026-Q3, 2026, FY2026, 2026-10-01:2026-12-31 or a date (its month). Empty: last complete month."),
    "a.by": ("Axe d'analyse : rep, team, location, product, source, segment, deal_type.",
             "Breakdown: rep, team, location, product, source, segment, deal_type."),
    "a.key": ("Valeur de l'axe (par exemple le nom d'un commercial). Vide avec by : tout le détail.",
              "Breakdown value (e.g. a rep's name). Empty with by: the whole breakdown."),
    "a.table2": ("Deuxième plage si l'indicateur en a besoin (objectifs, dépenses, clients…).",
                 "Second range when the KPI needs one (targets, spend, customers…)."),
    "a.table3": ("Troisième plage si besoin.", "Third range if needed."),
    "a.kpis": ("Identifiants des indicateurs voulus (plage ou « revenue, win_rate »). Vide : tous ceux calculables.",
               "KPI ids wanted (a range or \"revenue, win_rate\"). Empty: all that can be computed."),
    "a.lang": ("Langue des libellés : fr ou en.", "Language of the labels: fr or en."),
    "a.section": ("Section du catalogue (deals, pipeline, activities, leads, customers, acquisition, team).",
                  "Catalogue section (deals, pipeline, activities, leads, customers, acquisition, team)."),
    "a.credited": ("Chiffre d'affaires crédité au commercial.", "Revenue credited to the rep."),
    "a.quota": ("Objectif (quota) de la période.", "Quota of the period."),
    "a.rates": ("Grille de taux : deux colonnes, à partir de l'atteinte (0 %, 80 %, 100 %…) et taux (5 %, 8 %…).",
                "Rate table: two columns, from attainment (0%, 80%, 100%…) and rate (5%, 8%…)."),
    "a.mode": ("marginal (chaque tranche à son taux, par défaut) ou retroactive (tout au taux atteint).",
               "marginal (each slice at its rate, default) or retroactive (all at the rate reached)."),
    "a.gate": ("Atteinte minimale en dessous de laquelle la commission est nulle (ex. 50 %).",
               "Minimum attainment below which no commission is paid (e.g. 50%)."),
    "a.cap": ("Plafond de la commission.", "Commission cap."),
    "a.scores": ("Notes de 0 à 10, ou plage d'enquêtes clients avec en-têtes (date, note).",
                 "Scores 0-10, or a customer surveys range with headers (date, score)."),
    "a.rep": ("Commercial (vide : l'équipe).", "Rep (empty: the team)."),
    "a.average_deal_size": ("Panier moyen.", "Average deal size."),
    "a.win_rate": ("Taux de réussite (ex. 25 %).", "Win rate (e.g. 25%)."),
    "a.opportunities_per_meeting": ("Nouvelles opportunités par rendez-vous.", "New opportunities per meeting."),
    "a.meetings_per_call": ("Rendez-vous par appel.", "Meetings per call."),
}


def _t(key: str) -> str:
    fr, en = _TEXTS[key]
    return fr if LANG == "fr" else en


def describe(key: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give the function its wizard description (xlwings reads the docstring)."""

    def deco(f: Callable[..., Any]) -> Callable[..., Any]:
        f.__doc__ = _t(key)
        return f

    return deco


def kpi_table_args(f: Callable[..., Any]) -> Callable[..., Any]:
    """The arguments KPI and its shortcuts share: the ranges with headers (``table``, ``table2``,
    ``table3``, read as 2-D), the period, and the breakdown dimension and key. xlwings keys its
    argument settings by name, so applying them together is the same as stacking six ``@arg``."""
    for name in ("table", "period", "by", "key", "table2", "table3"):
        f = (table_arg(name) if name.startswith("table") else arg(name, doc=_t(f"a.{name}")))(f)
    return f


def table_arg(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A range with headers, passed as Excel sends it ("raw"): xlwings' own cell-by-cell cleaning
    (100,000 rows x 7 columns took minutes outside Pyodide, one failed ``import`` per cell) is
    skipped, and :func:`kpis.xl.args.table` cleans the grid in one pass."""
    return arg(name, "raw", doc=_t(f"a.{name}"))


def guarded(f: Callable[..., Any]) -> Callable[..., Any]:
    """Never let an exception reach Excel: XlError -> its error value, anything else -> #VALUE!."""

    names = list(inspect.signature(f).parameters)  # once, not on every call

    def name(k: int) -> str:
        return names[k] if k < len(names) else str(k + 1)

    @functools.wraps(f)
    def wrapper(*a: Any) -> Any:
        try:
            for k, v in enumerate(a):
                v = A.unwrap(v)
                if isinstance(v, str) and v in EXCEL_ERRORS:
                    raise XlError(v, "xl_error_argument", arg=name(k), value=v)
                # scores, rates: an error cell propagates; a table's error cells are the reader's to report
                if isinstance(v, (list, tuple)) and not name(k).startswith("table"):
                    bad = next((c for row in A.grid(v) for c in row if isinstance(c, str) and c in EXCEL_ERRORS), None)
                    if bad is not None:
                        raise XlError(bad, "xl_error_argument", arg=name(k), value=bad)
            return f(*a)
        except XlError as e:
            if getattr(f, "explains", False):  # KPI_EXPLAIN answers in words, even an error argument
                lang_arg = a[names.index("lang")] if "lang" in names and names.index("lang") < len(a) else None
                try:
                    lg = _lang(lang_arg)
                except XlError:  # a lang argument that is no language: the default one
                    lg = DEFAULT_RESULT_LANG
                return f"{e.value} {e.message(lg)}"
            return error_value(e)
        except Exception as e:  # a bug: show #VALUE!, log the traceback
            log.exception("internal error in %s", f.__name__)
            return error_value(XlError(VALUE, "xl_internal", error=f"{type(e).__name__}: {e}"))

    return wrapper


def explaining(f: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a function whose answer is a sentence (:func:`guarded` words its errors too)."""
    f.explains = True  # type: ignore[attr-defined]
    return f


# -- reading ranges ---------------------------------------------------------------------------------


# Datasets read from ranges, by the content of the ranges: Excel recalculating twenty ``=KPI(...)``
# cells over the same range reads it once, and a changed cell anywhere gives another key.
_DATASETS: "collections.OrderedDict[str, Any]" = collections.OrderedDict()
_DATASETS_KEPT = 8
# The KPI results computed on each cached dataset (by ``id`` of the dataset, dropped with it):
# the same =KPI(...) recalculated costs a digest and a look-up.
_RESULTS: dict[int, dict[tuple[Any, ...], Any]] = {}


def content_key(values: list[Any], lang: str) -> str:
    """A digest of the ranges exactly as Excel sent them, computed before any conversion so that a
    cached range costs one serialisation: ``marshal`` (plain lists, text and numbers: what Office.js
    sends) or ``pickle`` (desktop Excel's datetimes), then SHA-256."""
    try:
        blob = marshal.dumps(values, 2)  # version 2: no back-references, whose use follows refcounts
    except ValueError:  # a value marshal does not know (datetime, JsNull...)
        try:
            blob = pickle.dumps(values, protocol=4)
        except Exception:
            blob = repr(values).encode("utf-8", "surrogatepass")
    return hashlib.sha256(blob + lang.encode()).hexdigest()  # SHA-256: in hardware on today's CPUs, 2x BLAKE2b


def _read(grids: list[list[list[Any]]], lang: str):
    from ..config import Config
    from ..reader.grids import read_grids
    from ..reader.source import RawSheet

    sheets = [RawSheet(f"range{i + 1}", g) for i, g in enumerate(grids)]
    return read_grids(sheets, Config(lang=lang), name="ranges")


def dataset(*tables: tuple[str, Any], lang: str = "fr"):
    """The canonical tables of the ranges given (``(argument name, value)``; blank ones skipped),
    read once per distinct content (:func:`content_key`)."""
    given = [(name, v) for name, v in tables if not A.is_blank(v)]
    if not given:
        raise XlError(VALUE, "xl_missing_arg", arg=tables[0][0])
    key = content_key([v for _, v in given], lang)
    ds = _DATASETS.get(key)
    if ds is None:
        grids = [A.table(v, name) for name, v in given]
        ds = _read(grids, lang)
        if not ds.tables:
            headers = ", ".join(str(c) for c in grids[0][0] if str(c).strip())[:200]
            raise XlError(VALUE, "xl_unknown_table", arg=given[0][0], headers=headers)
        _DATASETS[key] = ds
        _RESULTS[id(ds)] = {}
        while len(_DATASETS) > _DATASETS_KEPT:
            _, old = _DATASETS.popitem(last=False)
            _RESULTS.pop(id(old), None)
    else:
        _DATASETS.move_to_end(key)
    return ds


def _kpi_id(v: Any) -> str:
    """A registry id from an id or a French/English name (case and accents ignored)."""
    import difflib

    from ..engine import REGISTRY
    from ..text import fold

    t = A.text(v, "kpi")
    assert t is not None
    if t in REGISTRY:
        return t
    key = fold(t)
    for k in REGISTRY.values():
        if key in (fold(k.id), fold(k.name_fr), fold(k.name_en)):
            return k.id
    close = difflib.get_close_matches(t, list(REGISTRY), n=3)
    hint = f" ({', '.join(close)} ?)" if close else ""
    raise XlError(VALUE, "xl_unknown_kpi", value=t, hint=hint)


def dimension(v: Any) -> str | None:
    from ..engine.compute import normalise_dims

    t = A.text(v, "by", required=False, default="")
    if not t:
        return None
    try:
        dims = normalise_dims(t)
    except ValueError:
        raise XlError(VALUE, "xl_unknown_dimension", value=t) from None
    if len(dims) > 1:  # one axis per cell: "rep, team" read as rep alone said nothing of team
        raise XlError(VALUE, "xl_one_dimension", value=t)
    return dims[0] if dims else None


def _period(v: Any, ds):
    from ..engine import default_period

    p = A.period(v)
    return p if p is not None else default_period(ds)


def _lang(v: Any) -> str:
    t = A.text(v, "lang", required=False, default="")
    if t and t.strip().lower()[:2] not in ("fr", "en"):  # "xx" was French without a word
        raise XlError(VALUE, "xl_bad_choice", arg="lang", choices="fr, en", value=t)
    return normalise_lang(t) if t else DEFAULT_RESULT_LANG


def _evaluator(ds, lang: str):
    """One evaluator per range read and language, kept with the dataset: a sheet's other cells over
    the same range reuse its conformed tables, joins, masks and one-pass months (the numbers are
    those of a fresh evaluator: ``tests/engine/test_one_pass.py``)."""
    from ..config import Config
    from ..engine import Evaluator, reference_date

    return ds.memo(("udf evaluator", lang), lambda: Evaluator(ds, Config(lang=lang), reference_date(ds)))


def _result(ds, kid: str, period, by: str | None, lang: str):
    from ..engine import compute

    memo = _RESULTS.get(id(ds))
    key = (kid, period, by, lang)
    if memo is not None and key in memo:
        return memo[key]
    ev = _evaluator(ds, lang).prepare([period])
    r = compute(ds, period, config=ev.config, kpis=[kid], by=(by,) if by else (), compare=False, evaluator=ev)[kid]
    if memo is not None:
        memo[key] = r
    return r


def _check(r, lang: str) -> None:
    """Raise the Excel error of a result without a value."""
    if r.status == "missing_input":
        raise XlError(NA, "xl_missing_input", kpi=r.name or r.id, what=", ".join(r.missing) or (r.reason or ""))
    if r.value is None:
        raise XlError(DIV0, "xl_no_data", kpi=r.name or r.id)


def _rows_of(value: Any) -> list[list[Any]]:
    """A distribution or funnel (nested dicts) as rows: [key, (subkey,) value]."""
    rows: list[list[Any]] = []
    for k, v in value.items():
        if isinstance(v, dict):
            for k2, v2 in v.items():
                rows.append([k, k2, v2])
        else:
            rows.append([k, v])
    width = max((len(r) for r in rows), default=2)
    return [r[:-1] + [None] * (width - len(r)) + r[-1:] for r in rows] or [[None, None]]


def _find_key(values: dict[str, Any], key: Any, by: str) -> Any:
    from ..text import fold

    want = fold(key)
    for k, v in values.items():
        if fold(k) == want:
            return v
    raise XlError(NA, "xl_key_not_found", value=str(key), by=by)


def _kpi_value(kpi, table, period, by, key, table2, table3, *, fixed_id: str | None = None, ds: Any = None) -> Any:
    """The value ``=KPI(...)`` shows (scalar, or rows for a distribution / a whole breakdown);
    ``ds``: the ranges' dataset when the caller has read it already (:func:`_ranges_dataset`)."""
    lang = DEFAULT_RESULT_LANG
    kid = fixed_id or _kpi_id(kpi)
    if ds is None:
        ds = _ranges_dataset(table, table2, table3)
    dim = dimension(by)
    if not A.is_blank(key) and dim is None:
        raise XlError(VALUE, "xl_key_without_by")
    p = _period(period, ds)
    r = _result(ds, kid, p, dim, lang)
    _check(r, lang)
    if dim is None:
        if isinstance(r.value, dict):
            return _rows_of(r.value)
        return r.value
    values = (r.by or {}).get(dim)
    if values is None:
        raise XlError(NA, "xl_missing_input", kpi=r.name or kid, what=dim)
    if A.is_blank(key) and any(isinstance(v, dict) for v in values.values()):
        raise XlError(VALUE, "xl_distribution_by", kpi=r.name or kid, by=dim)  # a column of blanks said nothing
    if A.is_blank(key):
        head = [_cap(message(f"kpi_dim_{dim}", lang)), r.name or kid]
        return [head] + [[k, None if isinstance(v, dict) else v] for k, v in values.items()]
    v = _find_key(values, A.unwrap(key), dim)
    if v is None:
        raise XlError(DIV0, "xl_no_data", kpi=r.name or kid)
    if isinstance(v, dict):
        return _rows_of(v)
    return v


# -- the functions ----------------------------------------------------------------------------------
# Python names are lower case; Excel shows them upper case (=KPI, =KPI_TABLE...).

# Parameters are never named like their function: desktop xlwings writes a VBA wrapper per function,
# and VBA does not tell a parameter KPI from the function KPI.
@func
@arg("kpi_id", doc=_t("a.kpi"))
@kpi_table_args
@describe("kpi")
@guarded
def kpi(kpi_id, table, period=None, by=None, key=None, table2=None, table3=None):
    return _kpi_value(kpi_id, table, period, by, key, table2, table3)


@func
@table_arg("table")
@arg("period", doc=_t("a.period"))
@arg("by", doc=_t("a.by"))
@arg("kpis", doc=_t("a.kpis"))
@table_arg("table2")
@table_arg("table3")
@arg("lang", doc=_t("a.lang"))
@describe("kpi_table")
@guarded
def kpi_table(table, period=None, by=None, kpis=None, table2=None, table3=None, lang=None):
    from ..engine import compute

    lg = _lang(lang)
    ds = dataset(("table", table), ("table2", table2), ("table3", table3), lang=lg)
    dim = dimension(by)
    p = _period(period, ds)
    ids = [_kpi_id(w) for w in A.words(kpis)] if not A.is_blank(kpis) else None
    ev = _evaluator(ds, lg).prepare([p])
    res = compute(ds, p, config=ev.config, kpis=ids, by=(dim,) if dim else (), compare=False, evaluator=ev)
    chosen = [r for r in res if ids is not None or r.status != "missing_input"]
    caveat = "; ".join(_what_was_left(ds, p, lg))  # on every "ok" row: the data's
    if dim is None:
        head = [message("xl_col_kpi", lg), message("xl_col_name", lg), message("xl_col_value", lg),
                message("xl_col_unit", lg), message("xl_col_status", lg)]
        rows = [head]
        for r in chosen:
            status = r.reason or message(f"xl_status_{r.status}", lg)
            if caveat and r.status == "ok":
                status = f"{status} ({caveat})"
            if isinstance(r.value, dict):
                for item in _rows_of(r.value):
                    rows.append([r.id, f"{r.name} : {' / '.join(str(x) for x in item[:-1] if x is not None)}", item[-1], r.unit, status])
            else:
                rows.append([r.id, r.name, r.value, r.unit, status])
        return rows
    scalar = [r for r in chosen if r.unit != "distribution" and r.by and r.by.get(dim) is not None]
    keys: list[str] = []
    for r in scalar:
        for k in r.by[dim]:
            if k not in keys:
                keys.append(k)
    head = [_cap(message(f"kpi_dim_{dim}", lg))] + [r.name for r in scalar]
    body = [[k] + [_plain(r.by[dim].get(k)) for r in scalar] for k in keys]
    return [head] + body if body else [head]


def _plain(v: Any) -> Any:
    return None if isinstance(v, dict) else v


@func
@arg("kpi_id", doc=_t("a.kpi"))
@kpi_table_args
@arg("lang", doc=_t("a.lang"))
@describe("kpi_explain")
@guarded
@explaining
def kpi_explain(kpi_id, table, period=None, by=None, key=None, table2=None, table3=None, lang=None):
    from ..engine import REGISTRY
    from ..i18n import format_number

    lg = _lang(lang)
    kid = None
    try:
        kid = _kpi_id(kpi_id)
        ds = _ranges_dataset(table, table2, table3)  # read once: the value and what was left out
        value = _kpi_value(kid, table, period, by, key, table2, table3, fixed_id=kid, ds=ds)
    except XlError as e:
        if kid is not None and "kpi" in e.params:  # the KPI named in the language asked, not the cache's
            e.params["kpi"] = REGISTRY[kid].name(lg)
        return f"{e.value} {e.message(lg)}"
    k = REGISTRY[kid]
    shown = value if not isinstance(value, (int, float)) else format_number(value, lg, 4).rstrip("0").rstrip(",.")
    if isinstance(value, list):
        shown = message("xl_spills", lg, rows=len(value))
    said = _what_was_left(ds, _period(period, ds), lg)
    return f"{k.name(lg)} = {shown} ({k.formula(lg)})" + "".join(f" — {w}" for w in said)


def _ranges_dataset(table, table2, table3):
    """The dataset of KPI's ranges, in the language its values are cached in."""
    return dataset(("table", table), ("table2", table2), ("table3", table3), lang=DEFAULT_RESULT_LANG)


def _what_was_left(ds, p, lg: str) -> list[str]:
    """What a number in a cell cannot say: rows of the ranges left out, cells left empty, a period
    partly or wholly outside the data (the CLI says the same on stderr)."""
    from ..engine.compute import period_flags

    out = []
    skipped = ds.quality.rows_skipped
    empty = sum(1 for i in ds.quality if i.action == "left_empty")
    if skipped or empty:
        out.append(message("xl_left_out", lg, rows=skipped, cells=empty))
    out += [message(code, lg, **params) for code, params in period_flags(ds, p)]
    return out


@func
@arg("lang", doc=_t("a.lang"))
@arg("section", doc=_t("a.section"))
@describe("kpi_catalog")
@guarded
def kpi_catalog(lang=None, section=None):
    from ..engine import REGISTRY

    lg = _lang(lang)
    sec = A.text(section, "section", required=False, default="")
    head = [message("xl_col_kpi", lg), message("xl_col_name", lg), message("xl_col_unit", lg),
            message("xl_col_section", lg), message("xl_col_formula", lg)]
    rows = [[k.id, k.name(lg), k.unit, k.section, k.formula(lg)] for k in REGISTRY.values() if not sec or k.section == sec]
    if len(rows) == 0:
        raise XlError(VALUE, "xl_bad_choice", arg="section", choices="deals, pipeline, activities, leads, customers, acquisition, team", value=sec)
    return [head] + rows


@func
@arg("credited", doc=_t("a.credited"))
@arg("quota", doc=_t("a.quota"))
@arg("rates", ndim=2, doc=_t("a.rates"))
@arg("mode", doc=_t("a.mode"))
@arg("gate", doc=_t("a.gate"))
@arg("cap", doc=_t("a.cap"))
@describe("commission")
@guarded
def commission(credited, quota, rates, mode=None, gate=None, cap=None):
    from ..calculators import commission_for

    c = A.number(credited, "credited", kind="money")
    q = A.number(quota, "quota", kind="money", positive=True)
    table = A.rate_table(rates)
    m = A.choice(mode, "mode", {"marginal": "marginal", "marginale": "marginal", "par tranche": "marginal",
                                "retroactive": "retroactive", "retroactif": "retroactive", "rétroactif": "retroactive",
                                "rétroactive": "retroactive"}, "marginal")
    g = A.number(gate, "gate", required=False, kind="rate")
    cp = A.number(cap, "cap", required=False, kind="money")
    try:
        return commission_for(c, q, table, m, gate=g, cap=cp)
    except ValueError as e:
        raise XlError(VALUE, "xl_bad_rates", error=str(e)) from None


@func
@arg("credited", doc=_t("a.credited"))
@arg("quota", doc=_t("a.quota"))
@describe("quota_attainment")
@guarded
def quota_attainment(credited, quota):
    # kpis.md: quota_attainment = credited revenue / quota (the quota already prorated by the caller).
    c = A.number(credited, "credited", kind="money")
    q = A.number(quota, "quota", kind="money")
    if q == 0:
        raise A.no_data("quota")
    if q < 0:
        raise XlError(NUM, "xl_not_positive", arg="quota", value=quota)
    return c / q


@func
@arg("scores", ndim=2, doc=_t("a.scores"))
@arg("period", doc=_t("a.period"))
@describe("nps")
@guarded
def nps(scores, period=None):
    if A.is_blank(scores):
        raise XlError(VALUE, "xl_missing_arg", arg="scores")
    g = A.grid(scores)
    has_header = any(isinstance(c, str) and c.strip() and not _numeric_text(c) for c in (g[0] if g else []))
    if has_header:
        return _kpi_value(None, scores, period, None, None, None, None, fixed_id="nps")
    if not A.is_blank(period):  # plain scores have no dates: a period would be ignored without a word
        raise XlError(VALUE, "xl_period_without_dates")
    return _nps_of_scores(A.cells(scores))


def _numeric_text(s: str) -> bool:
    try:
        A.number(s, "scores")
        return True
    except XlError:
        return False


def _nps_of_scores(values: list[Any]) -> float:
    """NPS of plain scores: the engine's ``nps`` over a surveys table of these scores on one day."""
    import datetime as dt

    import pandas as pd

    from ..config import Config
    from ..dataset import Dataset
    from ..engine import compute_kpi
    from ..periods import month

    scores = []
    for v in values:
        x = A.number(v, "scores")
        if not 0 <= x <= 10:
            raise XlError(NUM, "xl_bad_number", arg="scores", value=v)
        scores.append(x)
    if not scores:
        raise A.no_data("scores")
    day = dt.datetime(2000, 1, 1)
    ds = Dataset.from_frames(surveys=pd.DataFrame({"date": pd.to_datetime([day] * len(scores)), "score": scores}))
    r = compute_kpi(ds, "nps", month(2000, 1), config=Config())
    _check(r, "en")
    return r.value


@func
@kpi_table_args
@describe("win_rate")
@guarded
def win_rate(table, period=None, by=None, key=None, table2=None, table3=None):
    return _kpi_value(None, table, period, by, key, table2, table3, fixed_id="win_rate")


@func
@kpi_table_args
@describe("churn_rate")
@guarded
def churn_rate(table, period=None, by=None, key=None, table2=None, table3=None):
    return _kpi_value(None, table, period, by, key, table2, table3, fixed_id="churn_rate")


@func
@kpi_table_args
@describe("clv")
@guarded
def clv(table, period=None, by=None, key=None, table2=None, table3=None):
    return _kpi_value(None, table, period, by, key, table2, table3, fixed_id="clv")


@func
@kpi_table_args
@describe("cac")
@guarded
def cac(table, period=None, by=None, key=None, table2=None, table3=None):
    return _kpi_value(None, table, period, by, key, table2, table3, fixed_id="cac")


def _funnel_rows(steps, lang: str, rates_from: str | None = None) -> list[list[Any]]:
    from ..calculators.quota import FUNNEL_COLUMNS

    rows = [[message("xl_col_step", lang), message("xl_col_value", lang)]]
    for col in FUNNEL_COLUMNS:
        v = steps[col]
        rows.append([message(f"xl_step_{col}", lang), _num_or_none(v, integral=col != "pipeline_needed")])
    if rates_from:
        rows.append([message("xl_rates_from", lang), message(f"xl_rates_from_{rates_from}", lang)])
    return rows


@func
@arg("quota", doc=_t("a.quota"))
@table_arg("table")
@arg("rep", doc=_t("a.rep"))
@arg("period", doc=_t("a.period"))
@table_arg("table2")
@table_arg("table3")
@arg("lang", doc=_t("a.lang"))
@describe("reverse_funnel")
@guarded
def reverse_funnel(quota, table, rep=None, period=None, table2=None, table3=None, lang=None):
    import pandas as pd

    from ..calculators.quota import funnel_rates, months_before
    from ..calculators.quota import reverse_funnel as steps_of
    from ..config import Config

    lg = _lang(lang)
    q = A.number(quota, "quota", kind="money", positive=True)
    ds = dataset(("table", table), ("table2", table2), ("table3", table3), lang=lg)
    cfg = Config(lang=lg)
    p = _period(period, ds)
    who_name = A.text(rep, "rep", required=False, default="") or "(team)"
    if who_name != "(team)":
        reps = set(ds.tables["deals"]["rep"].dropna()) if ds.has("deals", "rep") else set()
        from ..text import fold

        match = [r for r in reps if fold(r) == fold(who_name)]
        if not match:
            raise XlError(NA, "xl_key_not_found", value=who_name, by="rep")
        who_name = match[0]
    who = pd.Index([who_name], name="rep", dtype=object)
    rates, from_, _notes = funnel_rates(ds, months_before(p, cfg.history_months), who, cfg)
    steps = steps_of(pd.Series([q], index=who), rates).iloc[0]
    return _funnel_rows(steps, lg, "team" if who_name == "(team)" else str(from_.iloc[0]))


@func
@arg("quota", doc=_t("a.quota"))
@arg("average_deal_size", doc=_t("a.average_deal_size"))
@arg("win_rate", doc=_t("a.win_rate"))
@arg("opportunities_per_meeting", doc=_t("a.opportunities_per_meeting"))
@arg("meetings_per_call", doc=_t("a.meetings_per_call"))
@arg("lang", doc=_t("a.lang"))
@describe("reverse_funnel_rates")
@guarded
def reverse_funnel_rates(quota, average_deal_size, win_rate, opportunities_per_meeting=None, meetings_per_call=None, lang=None):
    import pandas as pd

    from ..calculators.quota import RATE_COLUMNS
    from ..calculators.quota import reverse_funnel as steps_of

    lg = _lang(lang)
    q = A.number(quota, "quota", kind="money", positive=True)
    values = {
        "average_deal_size": A.number(average_deal_size, "average_deal_size", kind="money", positive=True),
        "win_rate": A.number(win_rate, "win_rate", kind="rate", positive=True),
        "opportunities_per_meeting": A.number(opportunities_per_meeting, "opportunities_per_meeting", required=False, positive=True),
        "meetings_per_call": A.number(meetings_per_call, "meetings_per_call", required=False, positive=True),
    }
    rates = pd.DataFrame([[values[c] for c in RATE_COLUMNS]], columns=list(RATE_COLUMNS), index=pd.Index(["x"], name="rep"), dtype="float64")
    steps = steps_of(pd.Series([q], index=rates.index), rates).iloc[0]
    return _funnel_rows(steps, lg)


from ..i18n import register as _register  # noqa: E402

_register(
    {
        "xl_col_kpi": {"fr": "Indicateur", "en": "KPI"},
        "xl_col_name": {"fr": "Nom", "en": "Name"},
        "xl_col_value": {"fr": "Valeur", "en": "Value"},
        "xl_col_unit": {"fr": "Unité", "en": "Unit"},
        "xl_col_status": {"fr": "État", "en": "Status"},
        "xl_col_section": {"fr": "Section", "en": "Section"},
        "xl_col_formula": {"fr": "Formule", "en": "Formula"},
        "xl_col_step": {"fr": "Étape", "en": "Step"},
        "xl_status_ok": {"fr": "ok", "en": "ok"},
        "xl_status_no_data": {"fr": "pas de données", "en": "no data"},
        "xl_status_missing_input": {"fr": "donnée absente", "en": "missing input"},
        "xl_spills": {"fr": "{rows} lignes (plage dynamique)", "en": "{rows} rows (spills)"},
        "xl_step_deals_needed": {"fr": "Affaires à gagner", "en": "Deals needed"},
        "xl_step_pipeline_needed": {"fr": "Pipeline nécessaire", "en": "Pipeline needed"},
        "xl_step_opportunities_needed": {"fr": "Opportunités nécessaires", "en": "Opportunities needed"},
        "xl_step_meetings_needed": {"fr": "Rendez-vous nécessaires", "en": "Meetings needed"},
        "xl_step_calls_needed": {"fr": "Appels nécessaires", "en": "Calls needed"},
        "xl_rates_from": {"fr": "Taux utilisés", "en": "Rates from"},
        "xl_rates_from_rep": {"fr": "historique du commercial", "en": "the rep's history"},
        "xl_rates_from_team": {"fr": "historique de l'équipe", "en": "the team's history"},
    }
)


def _num_or_none(v: Any, integral: bool) -> Any:
    import pandas as pd

    if v is None or pd.isna(v):
        return None
    return int(v) if integral else float(v)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


# -- forecast --------------------------------------------------------------------------------------
FORECAST_FIGURES = ("forecast", "won", "weighted", "open_count", "open_amount", "run_rate", "quota", "p_hit_quota",
                    "p10", "p50", "p90", "commit", "best_case")


def _as_of(v: Any):
    """A date from a date cell, its serial number or ISO text; None when blank."""
    import datetime as dt

    v = A.unwrap(v)
    if A.is_blank(v):
        return None
    if A.is_serial(v):
        v = A.serial_to_datetime(v)
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v).strip()[:10])
    except ValueError:
        pass
    from ..reader.values import parse_date_text  # "15/10/2026", "15 oct. 2026": as in a data cell

    d, _ = parse_date_text(str(v).strip())
    if d is None:
        raise XlError(VALUE, "xl_bad_date", arg="as_of", value=str(v))
    return d.date()


@func
@arg("table", ndim=2, doc=_t("a.table"))
@arg("period", doc=_t("a.period"))
@arg("figure", doc=_t("a.figure"))
@arg("quota", doc=_t("a.forecast_quota"))
@arg("as_of", doc=_t("a.as_of"))
@arg("table2", ndim=2, doc=_t("a.table2"))
@arg("lang", doc=_t("a.lang"))
@describe("kpi_forecast")
@guarded
def kpi_forecast(table, period=None, figure=None, quota=None, as_of=None, table2=None, lang=None):
    """See :mod:`kpis.forecast.compute` for every figure (the same as ``kpis forecast``)."""
    from ..config import Config
    from ..engine import reference_date
    from ..forecast import forecast
    from ..periods import month

    lg = _lang(lang)
    name = A.text(figure, "figure", required=False, default="")
    key = (name or "").strip().lower()
    if key and key not in FORECAST_FIGURES:
        raise XlError(VALUE, "xl_bad_choice", arg="figure", choices=", ".join(FORECAST_FIGURES), value=name)
    ds = dataset(("table", table), ("table2", table2), lang=lg)
    if ds.get("deals") is None:
        raise XlError(NA, "xl_missing_input", kpi="KPI_FORECAST", what="deals")
    day = _as_of(as_of)
    p = A.period(period)
    if p is None:
        ref = day or reference_date(ds)
        if ref is None:
            raise XlError(NA, "xl_missing_input", kpi="KPI_FORECAST", what="deals.close_date")
        p = month(ref.year, ref.month)
    q = A.number(quota, "quota", required=False, kind="money", positive=True)
    r = forecast(ds, p, Config(lang=lg), as_of=day, quota=q)
    if key:
        v = r.get(key)
        if v is None:
            raise XlError(NA, "xl_missing_input", kpi=key, what="targets" if key in ("quota", "p_hit_quota") else "deals.forecast_category")
        return v
    rows = [[message("xl_col_kpi", lg), message("xl_col_name", lg), message("xl_col_value", lg)]]
    labels = {"p_hit_quota": "fc_p_hit"}
    for k in FORECAST_FIGURES:
        if k in ("commit", "best_case") and r.get(k) is None:
            continue
        rows.append([k, message(labels.get(k, f"fc_{k}"), lg), r.get(k)])
    rows.append(["method", message("fc_method", lg), r["method"]])
    rows.append(["as_of", message("xl_col_as_of", lg), r["as_of"]])
    return rows


_register({
    "xl_col_as_of": {"fr": "Données au", "en": "Data as of"},
    "xl_bad_date": {"fr": "l'argument {arg} doit être une date, pas {value!r}", "en": "argument {arg} must be a date, not {value!r}"},
})
