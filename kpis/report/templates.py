"""Which template a report uses: ``--template``, else ``[report]`` of the configuration, else the
default shipped with the package (``kpis/templates/``, built by ``templates/build.py``).

Configuration (``kpis.toml``; paths relative to the file)::

    [report]
    template = "modeles/mon_rapport.xlsx"            # the monthly report
    rep_template = "modeles/ma_fiche.xlsx"           # --per-rep workbooks
    statements_template = "modeles/releves.xlsx"     # kpis commissions -o
    sheets_template = "modeles/feuilles.xlsx"        # the add-in's KPI sheets (Actualiser)
    company = "ACME SAS"                              # shown in the report's title
    trend_months = 13                                 # months of the trend charts
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..config import Config
from ..i18n import message, normalise_lang

KINDS = ("report", "rep", "statements", "sheets")
DEFAULTS = {
    "report": {"fr": "rapport_mensuel_fr.xlsx", "en": "monthly_report_en.xlsx"},
    "rep": {"fr": "fiche_commerciale_fr.xlsx", "en": "rep_sheet_en.xlsx"},
    "statements": {"fr": "releves_commissions_fr.xlsx", "en": "commission_statements_en.xlsx"},
    "sheets": {"fr": "feuilles_kpi_fr.xlsx", "en": "kpi_sheets_en.xlsx"},
}
_KEYS = {"template": "report", "rep_template": "rep", "statements_template": "statements", "sheets_template": "sheets"}
_ALL_KEYS = (*_KEYS, "company", "trend_months")


@dataclass(frozen=True)
class ReportSettings:
    """The ``[report]`` section, validated."""

    templates: dict[str, Path]
    company: str = ""
    trend_months: int = 13


def settings(config: Config) -> ReportSettings:
    """Validate ``[report]``: unknown keys and wrong types are errors naming the key and its line."""
    raw: dict[str, Any] = dict(config.report or {})
    lang = config.lang
    for key in raw:
        if key not in _ALL_KEYS:
            raise config.error(message("report_config_key", lang, keys=", ".join(_ALL_KEYS)), "report", key)
    base = config.path.parent if config.path else Path.cwd()
    templates: dict[str, Path] = {}
    for key, kind in _KEYS.items():
        if key in raw:
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise config.error(message("report_config_type", lang, what="path"), "report", key)
            p = Path(raw[key]).expanduser()
            templates[kind] = p if p.is_absolute() else base / p
    company = raw.get("company", "")
    if not isinstance(company, str):
        raise config.error(message("report_config_type", lang, what="text"), "report", "company")
    months = raw.get("trend_months", 13)
    if not isinstance(months, int) or isinstance(months, bool) or not 2 <= months <= 60:
        raise config.error(message("report_config_type", lang, what="2-60"), "report", "trend_months")
    return ReportSettings(templates, company, months)


def default_template(kind: str = "report", lang: str = "fr") -> Path:
    """The template shipped with the package for ``kind`` (report, rep, statements) and language."""
    name = DEFAULTS[kind][normalise_lang(lang)]
    return Path(str(resources.files("kpis").joinpath("templates").joinpath(name)))


def resolve_template(kind: str, lang: str, config: Config | None = None, explicit: str | Path | None = None) -> Path:
    """``explicit`` (``--template``), else the configuration's, else the default for ``lang``."""
    if explicit is not None:
        return Path(explicit)
    if config is not None:
        chosen = settings(config).templates.get(kind)
        if chosen is not None:
            return chosen
    return default_template(kind, lang)
