"""The settings sheet (« KPI - Paramètres »): the configuration the user edits inside the workbook.

The xlwings config-sheet habit: one sheet the add-in owns, created by the « Paramètres » button,
read by every other button. Each row carries a machine key in column A (grey), so the labels can be
in French or English and the user may reorder nothing by mistake:

* ``lang``, ``currency``, ``period``, ``fiscal_year_start``, ``date_order`` -- general settings
  (column C), the same keys as ``kpis.toml``;
* ``quota_target``, ``quota_period``, ``quota_method``, ``quota_growth`` -- the quota planner;
* ``commission_mode``, ``commission_gate``, ``commission_cap`` and ``rate`` rows (C = from
  attainment, D = rate) -- a commission plan, used when ``kpis.toml`` defines none;
* ``map`` rows -- the column mapping the reader detected: table, field, sheet and header (editable,
  columns D and E) next to what was detected (F, G). Only rows the user changed become
  ``[mapping]`` entries, so a workbook whose columns move keeps being detected;
* any other row whose key (column A) is a dotted key of ``kpis.toml`` (``plans.standard.gate``,
  ``stage_probability.Proposition``) with its value in column C: the configuration sheet's format
  (:mod:`kpis.config_sheet`), so every key of the file can live here.

Precedence, key by key: ``kpis.toml`` beside the workbook (desktop) < the workbook's configuration
sheet (``Paramètres KPI``, :mod:`kpis.config_sheet`, as on the command line) < this sheet.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Config, ConfigError, check_targets, find_config, parse_config
from ..config_sheet import config_from_grid, is_config_sheet, merge_sheet_config
from ..errors import KpisError
from ..i18n import message, normalise_lang, register
from .sheets import SheetContent, owned_sheets

KEY_FILL = "#F2F2F2"
EDIT_FILL = "#FFF2CC"

# key -> (default, French label, English label, French help, English help)
GENERAL: dict[str, tuple[Any, str, str, str, str]] = {
    "lang": ("fr", "Langue", "Language", "fr ou en", "fr or en"),
    "currency": ("EUR", "Devise", "Currency", "code ISO : EUR, USD, CHF…", "ISO code: EUR, USD, CHF…"),
    "period": ("", "Période", "Period", "vide : dernier mois complet ; sinon 2026-10, 2026-T3, 2026…",
               "empty: last complete month; else 2026-10, 2026-Q3, 2026…"),
    "fiscal_year_start": (1, "Début de l'exercice (mois)", "Fiscal year start (month)", "1 à 12", "1 to 12"),
    "date_order": ("dmy", "Ordre des dates écrites en texte", "Order of dates typed as text", "dmy (03/04 = 3 avril) ou mdy",
                   "dmy (03/04 = 3 April) or mdy"),
}
QUOTA: dict[str, tuple[Any, str, str, str, str]] = {
    "quota_target": ("", "Objectif de l'équipe", "Team target", "montant à répartir entre les commerciaux",
                     "amount to split between reps"),
    "quota_period": ("", "Période de l'objectif", "Target period", "vide : le mois après la période ci-dessus",
                     "empty: the month after the period above"),
    "quota_method": ("equal", "Méthode", "Method", "equal (à parts égales), history (au prorata des 12 derniers mois), growth (historique + croissance)",
                     "equal, history (share of the last 12 months), growth (history + growth)"),
    "quota_growth": (0, "Croissance (méthode growth)", "Growth (growth method)", "ex. 10 %", "e.g. 10%"),
}
COMMISSION: dict[str, tuple[Any, str, str, str, str]] = {
    "commission_mode": ("marginal", "Mode de calcul", "Mode", "marginal (chaque tranche à son taux) ou retroactive",
                        "marginal (each slice at its rate) or retroactive"),
    "commission_gate": ("", "Seuil minimal d'atteinte", "Minimum attainment (gate)", "ex. 50 % ; vide : aucun", "e.g. 50%; empty: none"),
    "commission_cap": ("", "Plafond par période", "Cap per period", "vide : aucun", "empty: none"),
}
ALL_KEYS = {**GENERAL, **QUOTA, **COMMISSION}


@dataclass
class Settings:
    """What the settings sheet holds (raw cell values; converted where used)."""

    values: dict[str, Any] = field(default_factory=dict)
    rates: list[tuple[Any, Any]] = field(default_factory=list)
    mapping: list[dict[str, Any]] = field(default_factory=list)  # table, field, sheet, header, detected_sheet, detected_header
    found: bool = False
    # The sheet's cells from A1 (row 1 of the grid = Excel row first_row + 1): its other dotted keys.
    sheet_name: str = ""
    grid: list[list[Any]] = field(default_factory=list)
    first_row: int = 0

    def get(self, key: str) -> Any:
        v = self.values.get(key)
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        return v

    @property
    def lang(self) -> str | None:
        v = self.get("lang")
        return normalise_lang(str(v)) if v else None


class SettingsError(KpisError):
    """A value of the settings sheet that cannot be used: message code and parameters."""


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def read_settings(book: Any) -> Settings:
    """The settings of the workbook's settings sheet (empty ``Settings`` when there is none)."""
    sheet = owned_sheets(book).get("settings")
    if sheet is None:
        return Settings()
    rng = sheet.used_range
    values = rng.options(ndim=2).value or []
    grid = [[None] * (rng.column - 1) + list(r) for r in values]
    s = Settings(found=True, sheet_name=sheet.name, grid=grid, first_row=rng.row - 1)
    for row in grid:
        row = list(row) + [None] * (8 - len(row))
        key = str(row[0]).strip() if not _blank(row[0]) else ""
        if key in ALL_KEYS:
            s.values[key] = row[2]
        elif key == "rate" and not (_blank(row[2]) and _blank(row[3])):
            s.rates.append((row[2], row[3]))
        elif key == "map" and not _blank(row[1]) and not _blank(row[2]):
            s.mapping.append({"table": str(row[1]).strip(), "field": str(row[2]).strip(), "sheet": row[3], "header": row[4],
                              "detected_sheet": row[5], "detected_header": row[6]})
    return s


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v).strip()


def mapping_overrides(s: Settings) -> dict[str, dict[str, Any]]:
    """``[mapping]`` entries from the ``map`` rows the user changed (or added)."""
    out: dict[str, dict[str, Any]] = {}
    for m in s.mapping:
        header, detected_header = _text(m["header"]), _text(m["detected_header"])
        sheet, detected_sheet = _text(m["sheet"]), _text(m["detected_sheet"])
        if header and header != detected_header:
            spec = out.setdefault(m["table"], {})
            spec.setdefault("columns", {})[m["field"]] = header
            if sheet:
                spec["sheet"] = sheet
        elif sheet and sheet != detected_sheet:
            out.setdefault(m["table"], {})["sheet"] = sheet
    return out


def _number(v: Any, key: str, *, rate: bool = False) -> float | None:
    from .args import number
    from .errors import XlError

    if _blank(v):
        return None
    try:
        return number(v, key, kind="rate" if rate else "number")
    except XlError:
        raise SettingsError("xl_setting_bad", key=key, value=v) from None


def _overrides(s: Settings, base_has_plans: bool) -> dict[str, Any]:
    o: dict[str, Any] = {}
    for key in ("lang", "currency", "date_order"):
        v = s.get(key)
        if v is not None:
            o[key] = _text(v)
    fy = s.get("fiscal_year_start")
    if fy is not None:
        n = _number(fy, "fiscal_year_start")
        if n is None or not n.is_integer():
            raise SettingsError("xl_setting_bad", key="fiscal_year_start", value=fy)
        o["fiscal_year_start"] = int(n)
    mapping = mapping_overrides(s)
    if mapping:
        o["mapping"] = mapping
    if s.rates and not base_has_plans:
        from .args import rate_table
        from .errors import XlError

        try:
            rates = rate_table([[a, b] for a, b in s.rates])
        except XlError:
            raise SettingsError("xl_setting_bad", key="rate", value=s.rates) from None
        plan: dict[str, Any] = {"rates": rates, "tiers": _text(s.get("commission_mode") or "marginal").lower()}
        gate = _number(s.get("commission_gate"), "commission_gate", rate=True)
        cap = _number(s.get("commission_cap"), "commission_cap")
        if gate is not None:
            plan["gate"] = gate
        if cap is not None:
            plan["cap"] = cap
        o["plans"] = {"settings": plan}
        o["default_plan"] = "settings"
    return o


def workbook_path(book: Any) -> Path | None:
    """The workbook's file on disk (desktop), else None (xlwings Lite, unsaved, SharePoint URL)."""
    from .runtime import is_remote

    if is_remote():
        return None
    try:
        p = Path(book.fullname)
    except Exception:
        return None
    return p if p.is_file() else None


def config_for(book: Any, s: Settings | None = None) -> Config:
    """``kpis.toml`` beside the workbook (desktop), overridden by the settings sheet."""
    s = s or read_settings(book)
    path = workbook_path(book)
    toml = find_config(path) if path else None
    text = toml.read_text(encoding="utf-8-sig") if toml else ""
    try:
        data = tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        data = {}
    o = _overrides(s, bool(data.get("plans")))
    merged = _deep_merge(data, o)
    try:
        cfg = parse_config(text, path=toml, overrides=merged)
    except ConfigError as e:
        if toml is None:
            raise SettingsError("xl_setting_config", error=str(e)) from None
        raise
    try:  # mistakes here name their cell (« KPI - Paramètres!C31: plans.x.gate: ... »)
        for name, grid, first_row, skip in _config_grids(book, s):
            data, cells = config_from_grid(grid, name, skip=skip, first_row=first_row)
            cfg = merge_sheet_config(cfg, data, cells, sheet=name)
        from ..engine.registry import REGISTRY  # the KPI ids [targets] may name

        check_targets(cfg, REGISTRY)
    except ConfigError as e:
        raise SettingsError("xl_setting_config", error=str(e)) from None
    return cfg


def _config_grids(book: Any, s: Settings):
    """(sheet, grid, first row, keys to skip) of the workbook's configuration sheet (a user's sheet
    named ``Paramètres KPI``…), then of this settings sheet's dotted-key rows, in that order."""
    owned = {sh.name for sh in owned_sheets(book).values()}
    for sheet in book.sheets:
        if sheet.name not in owned and is_config_sheet(sheet.name):
            rng = sheet.used_range
            values = rng.options(ndim=2).value or []
            yield sheet.name, [[None] * (rng.column - 1) + list(r) for r in values], rng.row - 1, ()
            break
    if s.found and s.grid:
        yield s.sheet_name, s.grid, s.first_row, set(ALL_KEYS) | {"rate", "map"}


def _deep_merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def period_setting(s: Settings, key: str, fiscal_year_start: int = 1):
    """A period of the sheet (``period``, ``quota_period``), or None when empty."""
    from .args import period
    from .errors import XlError

    v = s.get(key)
    if v is None:
        return None
    try:
        return period(v, key, fiscal_year_start)
    except XlError:
        raise SettingsError("xl_setting_bad", key=key, value=v) from None


def quota_settings(s: Settings) -> tuple[float | None, str, float]:
    """(target, method, growth) of the quota planner."""
    target = _number(s.get("quota_target"), "quota_target")
    method = _text(s.get("quota_method") or "equal").lower()
    aliases = {"egal": "equal", "égal": "equal", "parts egales": "equal", "historique": "history", "croissance": "growth"}
    method = aliases.get(method, method)
    if method not in ("equal", "history", "growth"):
        raise SettingsError("xl_setting_bad", key="quota_method", value=method)
    growth = _number(s.get("quota_growth"), "quota_growth", rate=True) or 0.0
    return target, method, growth


# -- writing -----------------------------------------------------------------------------------------


def settings_content(s: Settings, detected: list[dict[str, Any]], lang: str) -> SheetContent:
    """The settings sheet: the user's values kept, the detected mapping refreshed."""
    fr = normalise_lang(lang) == "fr"
    c = SheetContent()
    c.add_rows([[message("xl_settings_title", lang)], [message("xl_settings_intro", lang)]])
    c.fmt(0, 0, bold=True, font_color="#1F4E78")
    c.fmt(1, 0, italic=True, font_color="#7F7F7F")
    row = 3

    def section(title: str, labels: list[str]) -> None:
        nonlocal row
        c.add_rows([["", title]], at=row)
        c.fmt(row, 1, bold=True)
        row += 1
        c.add_rows([[message("xl_settings_key", lang)] + labels], at=row)
        c.fmt(row, 0, 1, len(labels) + 1, bold=True, fill="#DDEBF7")
        row += 1

    for title, keys in (("xl_settings_general", GENERAL), ("xl_settings_quota", QUOTA), ("xl_settings_commission", COMMISSION)):
        section(message(title, lang), [message("xl_settings_param", lang), message("xl_settings_value", lang), message("xl_settings_help", lang)])
        for key, (default, lfr, len_, hfr, hen) in keys.items():
            value = s.values.get(key, default) if s.found else default
            if key == "lang" and not s.found:
                value = lang
            c.add_rows([[key, lfr if fr else len_, _keep_text(value), hfr if fr else hen]], at=row)
            c.fmt(row, 0, font_color="#7F7F7F", fill=KEY_FILL)
            c.fmt(row, 2, fill=EDIT_FILL)
            if key == "quota_growth" or key == "commission_gate":
                c.fmt(row, 2, number_format="0%")
            row += 1
        if keys is COMMISSION:
            c.add_rows([["", message("xl_settings_rates", lang), message("xl_settings_from", lang), message("xl_settings_rate", lang)]], at=row)
            c.fmt(row, 1, 1, 3, italic=True)
            row += 1
            rates = s.rates or [(None, None)] * 3
            for a, b in list(rates) + [(None, None)] * max(0, 3 - len(rates)):
                c.add_rows([["rate", message("xl_settings_band", lang), a, b]], at=row)
                c.fmt(row, 0, font_color="#7F7F7F", fill=KEY_FILL)
                c.fmt(row, 2, 1, 2, number_format="0%", fill=EDIT_FILL)
                row += 1
        row += 1

    section(message("xl_settings_mapping", lang), [message(k, lang) for k in ("xl_h_table", "xl_settings_field", "xl_q_sheet",
                                                                            "xl_settings_header", "xl_settings_detected_sheet",
                                                                            "xl_settings_detected_header")])
    c.add_rows([["", message("xl_settings_mapping_help", lang)]], at=row - 2)
    c.fmt(row - 2, 1, bold=True)
    edited = {(m["table"], m["field"]): m for m in s.mapping}
    seen = set()
    for d in detected:
        k = (d["table"], d["field"])
        seen.add(k)
        mine = edited.get(k)
        sheet = mine["sheet"] if mine and _text(mine["sheet"]) else d["sheet"]
        header = mine["header"] if mine and _text(mine["header"]) and _text(mine["header"]) != _text(mine["detected_header"]) else d["header"]
        c.add_rows([["map", d["table"], d["field"], _keep_text(sheet), _keep_text(header), _keep_text(d["sheet"]), _keep_text(d["header"])]], at=row)
        c.fmt(row, 0, font_color="#7F7F7F", fill=KEY_FILL)
        c.fmt(row, 3, 1, 2, fill=EDIT_FILL)
        c.fmt(row, 5, 1, 2, font_color="#7F7F7F")
        row += 1
    for k, m in edited.items():  # rows the user added for fields the reader did not find
        if k not in seen:
            c.add_rows([["map", m["table"], m["field"], _keep_text(m["sheet"]), _keep_text(m["header"]), None, None]], at=row)
            c.fmt(row, 0, font_color="#7F7F7F", fill=KEY_FILL)
            c.fmt(row, 3, 1, 2, fill=EDIT_FILL)
            row += 1
    # Where xlwings Lite sheet buttons point (addin/lite/main.py): a shape linked to column J.
    c.values[2] = (c.values[2] + [None] * 9)[:8] + [message("xl_settings_buttons", lang)]
    c.fmt(2, 8, italic=True, font_color="#7F7F7F")
    for i, (shape, script) in enumerate(LITE_BUTTONS):
        r = 3 + i
        c.values[r] = (c.values[r] + [None] * 9)[:8] + [f"{shape} → {script}"]
        c.fmt(r, 8, font_color="#7F7F7F")
    c.widths.update({0: 18, 1: 34, 2: 18, 3: 18, 4: 26, 5: 18, 6: 26, 8: 34, 9: 6})
    return c


# xlwings Lite sheet buttons of addin/lite/main.py: shape name -> script; the shape links to J4, J5...
LITE_BUTTONS = (("kpis_refresh", "refresh_kpis"), ("kpis_report", "monthly_report"), ("kpis_commissions", "commission_statements"),
                ("kpis_quota", "quota_planner"), ("kpis_validate", "validate_data"), ("kpis_settings", "edit_settings"))


def _keep_text(v: Any) -> Any:
    """Dates typed in the sheet come back as datetimes: keep a month as ``2026-10`` text."""
    if isinstance(v, dt.datetime) and v.day == 1 and v.time() == dt.time(0):
        return v.strftime("%Y-%m")
    return v


register(
    {
        "xl_settings_title": {"fr": "Paramètres des indicateurs commerciaux", "en": "Sales KPI settings"},
        "xl_settings_intro": {
            "fr": "Modifiez les cellules jaunes, puis relancez un bouton. La colonne A (clés) ne doit pas être modifiée.",
            "en": "Edit the yellow cells, then run a button again. Do not change column A (keys).",
        },
        "xl_settings_key": {"fr": "Clé", "en": "Key"},
        "xl_settings_param": {"fr": "Paramètre", "en": "Setting"},
        "xl_settings_value": {"fr": "Valeur", "en": "Value"},
        "xl_settings_help": {"fr": "Aide", "en": "Help"},
        "xl_settings_general": {"fr": "Général", "en": "General"},
        "xl_settings_quota": {"fr": "Planificateur d'objectifs", "en": "Quota planner"},
        "xl_settings_commission": {
            "fr": "Plan de commission (si kpis.toml n'en définit pas)",
            "en": "Commission plan (when kpis.toml defines none)",
        },
        "xl_settings_rates": {"fr": "Grille de taux", "en": "Rate table"},
        "xl_settings_from": {"fr": "À partir de l'atteinte", "en": "From attainment"},
        "xl_settings_rate": {"fr": "Taux", "en": "Rate"},
        "xl_settings_band": {"fr": "Palier", "en": "Band"},
        "xl_settings_mapping": {"fr": "Correspondance des colonnes", "en": "Column mapping"},
        "xl_settings_mapping_help": {
            "fr": "Correspondance des colonnes : corrigez la feuille ou l'en-tête d'un champ mal reconnu (colonnes D et E).",
            "en": "Column mapping: correct the sheet or header of a field read wrongly (columns D and E).",
        },
        "xl_settings_field": {"fr": "Champ", "en": "Field"},
        "xl_settings_buttons": {
            "fr": "Boutons xlwings Lite (forme liée à la cellule J de sa ligne) :",
            "en": "xlwings Lite buttons (a shape linked to column J of its row):",
        },
        "xl_settings_header": {"fr": "En-tête", "en": "Header"},
        "xl_settings_detected_sheet": {"fr": "Feuille détectée", "en": "Detected sheet"},
        "xl_settings_detected_header": {"fr": "En-tête détecté", "en": "Detected header"},
        "xl_setting_bad": {
            "fr": "feuille de paramètres : valeur invalide pour {key} : {value!r}",
            "en": "settings sheet: invalid value for {key}: {value!r}",
        },
        "xl_setting_config": {"fr": "feuille de paramètres : {error}", "en": "settings sheet: {error}"},
    }
)
