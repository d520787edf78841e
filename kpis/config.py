"""The configuration file (``kpis.toml``): load, validate, explain mistakes by key and line.

Every key is documented in ``docs/configuration.md``. Unknown keys and wrong types are errors that
name the key and its line (``kpis.toml:12: [stages] won: expected a list of words, got 3``): a typo
must never be silently ignored in a file that decides people's pay.

Sections that belong to a calculator (``plans``, ``scoring``) are stored as plain dicts here and
validated by their own modules, which raise :class:`ConfigError` with the same locating helper.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection

from .errors import KpisError
from .i18n import normalise_lang, register

CONFIG_FILENAME = "kpis.toml"


class ConfigError(KpisError, ValueError):
    """A configuration mistake, located by file and line -- or by cell (``Paramètres KPI!C7``) when
    the key came from the workbook's configuration sheet -- and key path (code ``config_error``)."""

    def __init__(self, message: str, *, key: str | None = None, line: int | None = None, path: Path | None = None,
                 cell: str | None = None):
        self.key = key
        self.line = line
        self.path = path
        self.cell = cell
        where = cell or f"{path.name if path else 'config'}" + (f":{line}" if line else "")
        super().__init__("config_error", "en", where=where, key=f"{key}: " if key else "", text=message)


@dataclass
class TableMapping:
    """Where a canonical table is and how its columns are named, when detection is not enough."""

    sheet: str | None = None  # sheet name (or Excel table name)
    sheets: list[str] = field(default_factory=list)  # several sheets holding the same table, read one after the other
    header_row: int | None = None  # 1-based Excel row of the header
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> header as written
    ignore: bool = False  # don't read this table even if a sheet looks like it
    unmapped: list[str] = field(default_factory=list)  # headers never read for this table (a wrong guess undone)
    constants: dict[str, str] = field(default_factory=dict)  # field -> value on every row (stage = "won")
    derived: dict[str, str] = field(default_factory=dict)  # field -> arithmetic over headers (cost = "Sales - Profit")
    order_lines: bool | None = None  # rows are order lines: lines sharing deal_id are one sale

    @property
    def shapes(self) -> bool:
        """Whether the mapping changes how the table is read (beyond ``ignore``)."""
        return bool(self.sheet or self.sheets or self.header_row or self.columns or self.unmapped or self.constants
                    or self.derived or self.order_lines is not None)


@dataclass
class Config:
    lang: str = "fr"
    currency: str = "EUR"
    fiscal_year_start: int = 1  # month (1-12) the fiscal year starts in
    # Reader
    mapping: dict[str, TableMapping] = field(default_factory=dict)
    stages: dict[str, list[str]] = field(default_factory=dict)  # status (won/lost/open) -> extra words
    activity_types: dict[str, list[str]] = field(default_factory=dict)  # canonical type -> extra words
    outcomes: dict[str, list[str]] = field(default_factory=dict)
    lead_stages: dict[str, list[str]] = field(default_factory=dict)
    responses: dict[str, list[str]] = field(default_factory=dict)
    deal_types: dict[str, list[str]] = field(default_factory=dict)
    date_order: str = "dmy"  # how to read ambiguous text dates like 03/04/2026: dmy (French) or mdy
    # Engine
    stage_probability: dict[str, float] = field(default_factory=dict)  # stage word -> probability
    referral_sources: list[str] = field(default_factory=lambda: ["recommandation", "referral", "parrainage", "bouche-à-oreille", "word of mouth"])
    targets: dict[str, float] = field(default_factory=dict)  # KPI id -> target value
    # Calculators
    ramp: list[float] = field(default_factory=lambda: [0.25, 0.5, 0.75])
    history_months: int = 6  # trailing months for the reverse funnel rates
    min_history_deals: int = 3  # fewer closed deals than this -> team rates
    default_plan: str | None = None
    plans: dict[str, dict[str, Any]] = field(default_factory=dict)
    scoring: dict[str, Any] = field(default_factory=dict)
    # Report
    report: dict[str, Any] = field(default_factory=dict)
    # Pipeline history ([history]: validated by kpis.history.settings)
    history: dict[str, Any] = field(default_factory=dict)
    # Where it came from (for messages)
    path: Path | None = None
    source_text: str = ""
    sheet: str | None = None  # the workbook's configuration sheet, when one was read (kpis.config_sheet)
    cells: dict[str, str] = field(default_factory=dict)  # dotted key -> "Sheet!C7", for keys set by the sheet
    data: dict[str, Any] = field(default_factory=dict, repr=False)  # the raw keys applied (file, then sheet)

    def line_of(self, *keys: str) -> int | None:
        return locate_line(self.source_text, keys)

    def cell_of(self, *keys: str) -> str | None:
        """The sheet cell that set ``keys``: the key itself, else its first sub-key set by the sheet
        (``plans.x.spiffs`` -> the cell of ``plans.x.spiffs.1.name``), else the enclosing key the sheet
        set as a whole (an inline table); None when the key came from the file."""
        if not self.cells or not keys:
            return None
        dotted = ".".join(keys)
        if dotted in self.cells:
            return self.cells[dotted]
        below = next((c for k, c in self.cells.items() if k.startswith(dotted + ".")), None)
        if below:
            return below
        for n in range(len(keys) - 1, 0, -1):
            cell = self.cells.get(".".join(keys[:n]))
            if cell:
                return cell
        return None

    def error(self, message: str, *keys: str) -> ConfigError:
        cell = self.cell_of(*keys)
        return ConfigError(message, key=".".join(keys), line=None if cell else self.line_of(*keys), path=self.path, cell=cell)


# The schema of the top-level keys: name -> (expected type, description). Sections are handled below.
_SCALARS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "lang": (str, "fr or en"),
    "currency": (str, "ISO code, e.g. EUR"),
    "fiscal_year_start": (int, "month number 1-12"),
    "date_order": (str, "dmy or mdy"),
    "referral_sources": (list, "list of source words counted as referrals"),
    "ramp": (list, "list of fractions for the first months of a new hire"),
    "history_months": (int, "months of history for the reverse funnel"),
    "min_history_deals": (int, "closed deals needed to use a rep's own rates"),
    "default_plan": (str, "name of a [plans.NAME] section"),
}
_WORD_SECTIONS = ("stages", "activity_types", "outcomes", "lead_stages", "responses", "deal_types")
_WORD_SECTION_KEYS = {
    "stages": ("won", "lost", "open"),
    "activity_types": ("call", "email", "meeting", "visit", "demo"),
    "outcomes": ("done", "no_answer", "scheduled", "canceled", "postponed"),
    "lead_stages": ("lead", "mql", "sql", "opportunity", "customer", "disqualified"),
    "responses": ("positive", "negative", "empty"),
    "deal_types": ("new", "upsell", "cross_sell", "renewal"),
}
_DICT_SECTIONS = ("plans", "scoring", "report", "history")
_TABLE_MAPPING_KEYS = {"sheet", "sheets", "header_row", "columns", "ignore", "unmapped", "constants", "derived",
                       "order_lines"}
# A constant may be given for the deals' status: it is the stage every row gets.
CONSTANT_ALIASES = {"deals": {"status": "stage"}}


def find_config(workbook: Path | None) -> Path | None:
    """``kpis.toml`` beside the workbook, else in the working directory, else none."""
    candidates = []
    if workbook is not None:
        candidates.append(Path(workbook).resolve().parent / CONFIG_FILENAME)
    candidates.append(Path.cwd() / CONFIG_FILENAME)
    for c in candidates:
        if c.is_file():
            return c
    return None


def load_config(path: Path | str | None = None, *, workbook: Path | None = None, overrides: dict[str, Any] | None = None,
                kpi_ids: Collection[str] | None = None) -> Config:
    """Load and validate a configuration. With no path, look beside the workbook; none → defaults.
    ``kpi_ids``: the KPI registry the ``[targets]`` must name (:func:`check_targets`; not checked when None)."""
    if path is None:
        path = find_config(workbook)
    if path is None:
        cfg = Config()
        _apply(cfg, overrides or {}, "")
        if kpi_ids is not None:
            check_targets(cfg, kpi_ids)
        return cfg
    p = Path(path)
    if not p.is_file():
        raise ConfigError("file not found / fichier introuvable", path=p)
    text = p.read_text(encoding="utf-8-sig")
    return parse_config(text, path=p, overrides=overrides, kpi_ids=kpi_ids)


def parse_config(text: str, *, path: Path | None = None, overrides: dict[str, Any] | None = None,
                 kpi_ids: Collection[str] | None = None) -> Config:
    """:func:`load_config` of a text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise ConfigError(f"invalid TOML: {e}", line=int(m.group(1)) if m else None, path=path) from None
    cfg = Config(path=path, source_text=text)
    data.update(overrides or {})
    _apply(cfg, data, text)
    if kpi_ids is not None:
        check_targets(cfg, kpi_ids)
    return cfg


def check_targets(cfg: Config, kpi_ids: Collection[str]) -> None:
    """Every ``[targets]`` key names a KPI of ``kpi_ids`` (the engine's registry, passed by the caller:
    the configuration does not import the engine), else :class:`ConfigError` with the closest id."""
    for kpi_id in cfg.targets:
        if kpi_ids and kpi_id not in kpi_ids:
            close = closest(kpi_id, set(kpi_ids))
            raise cfg.error(f"unknown KPI{f' (did you mean {close!r}?)' if close else ''}", "targets", kpi_id)


def _apply(cfg: Config, data: dict[str, Any], text: str) -> None:
    """Validate ``data`` (parsed TOML, or TOML merged with the configuration sheet) into ``cfg``.
    Mistakes name the sheet cell when ``cfg.cells`` knows the key, else the line in ``text``."""
    cfg.data = data

    def err(msg: str, *keys: str) -> ConfigError:
        cell = cfg.cell_of(*keys)
        return ConfigError(msg, key=".".join(keys), line=None if cell else locate_line(text, keys), path=cfg.path, cell=cell)

    known = set(_SCALARS) | set(_WORD_SECTIONS) | set(_DICT_SECTIONS) | {"mapping", "stage_probability", "targets"}
    for key, value in data.items():
        if key not in known:
            close = closest(key, known)
            raise err(f"unknown key{f' (did you mean {close!r}?)' if close else ''} / clé inconnue", key)
        if key in _SCALARS:
            typ, desc = _SCALARS[key]
            if not isinstance(value, typ) or isinstance(value, bool):
                raise err(f"expected {desc}, got {value!r}", key)
            setattr(cfg, key, value)
        elif key in _WORD_SECTIONS:
            if not isinstance(value, dict):
                raise err("expected a table of word lists", key)
            allowed = _WORD_SECTION_KEYS[key]
            for sub, words in value.items():
                if sub not in allowed:
                    raise err(f"unknown entry; expected one of {', '.join(allowed)}", key, sub)
                if isinstance(words, str):
                    words = [words]
                if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                    raise err(f"expected a list of words, got {words!r}", key, sub)
                getattr(cfg, key)[sub] = list(words)
        elif key == "mapping":
            _apply_mapping(cfg, value, err)
        elif key == "stage_probability":
            if not isinstance(value, dict):
                raise err("expected a table of stage = probability", key)
            for stage, prob in value.items():
                p = _as_fraction(prob)
                if p is None:
                    raise err(f"expected a probability between 0 and 1 (or 0-100 %), got {prob!r}", key, stage)
                cfg.stage_probability[str(stage)] = p
        elif key == "targets":
            if not isinstance(value, dict):
                raise err("expected a table of kpi_id = target", key)
            for kpi_id, target in value.items():  # the ids are checked by check_targets (the registry's)
                if not isinstance(target, (int, float)) or isinstance(target, bool):
                    raise err(f"expected a number, got {target!r}", key, kpi_id)
                cfg.targets[kpi_id] = float(target)
        else:  # plans, scoring, report, history: validated by their owners
            if not isinstance(value, dict):
                raise err("expected a table", key)
            setattr(cfg, key, value)
    cfg.lang = normalise_lang(cfg.lang)
    if not 1 <= cfg.fiscal_year_start <= 12:
        raise err("expected a month number 1-12", "fiscal_year_start")
    if cfg.date_order not in ("dmy", "mdy"):
        raise err("expected 'dmy' or 'mdy'", "date_order")
    for i, r in enumerate(cfg.ramp):
        if not isinstance(r, (int, float)) or not 0 <= r <= 1:
            raise err(f"ramp[{i}]: expected a fraction between 0 and 1, got {r!r}", "ramp")
    if cfg.default_plan is not None and cfg.plans and cfg.default_plan not in cfg.plans:
        raise err(f"no [plans.{cfg.default_plan}] section", "default_plan")


def _apply_mapping(cfg: Config, value: Any, err) -> None:
    from .schema import TABLES

    if not isinstance(value, dict):
        raise err("expected [mapping.TABLE] sections", "mapping")
    for tname, spec in value.items():
        if tname not in TABLES:
            close = closest(tname, set(TABLES))
            raise err(f"unknown table{f' (did you mean {close!r}?)' if close else ''}", "mapping", tname)
        if isinstance(spec, str):
            spec = {"sheet": spec}
        if not isinstance(spec, dict):
            raise err("expected a table with sheet/header_row/columns", "mapping", tname)
        tm = TableMapping()
        for k, v in spec.items():
            if k not in _TABLE_MAPPING_KEYS:
                raise err(f"unknown key; expected one of {', '.join(sorted(_TABLE_MAPPING_KEYS))}", "mapping", tname, k)
        if "sheet" in spec:
            if not isinstance(spec["sheet"], str):
                raise err("expected a sheet name", "mapping", tname, "sheet")
            tm.sheet = spec["sheet"]
        if "sheets" in spec:
            names = spec["sheets"]
            if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
                raise err("expected a list of sheet names", "mapping", tname, "sheets")
            if "sheet" in spec:
                raise err("give either sheet or sheets, not both", "mapping", tname, "sheets")
            tm.sheets = list(dict.fromkeys(names))
        if "header_row" in spec:
            if not isinstance(spec["header_row"], int) or spec["header_row"] < 1:
                raise err("expected a row number ≥ 1", "mapping", tname, "header_row")
            tm.header_row = spec["header_row"]
        if "ignore" in spec:
            tm.ignore = bool(spec["ignore"])
        cols = spec.get("columns", {})
        if not isinstance(cols, dict):
            raise err("expected field = \"Header\" pairs", "mapping", tname, "columns")
        fields = set(TABLES[tname].field_names)
        for f, header in cols.items():
            if f not in fields:
                close = closest(f, fields)
                raise err(f"unknown field of {tname}{f' (did you mean {close!r}?)' if close else ''}", "mapping", tname, "columns", f)
            if not isinstance(header, str):
                raise err("expected the header text", "mapping", tname, "columns", f)
            tm.columns[f] = header
        if "unmapped" in spec:
            un = spec["unmapped"]
            if isinstance(un, str):
                un = [un]
            if not isinstance(un, list) or not all(isinstance(h, str) for h in un):
                raise err("expected a list of column headers", "mapping", tname, "unmapped")
            tm.unmapped = list(un)
        for key, target in (("constants", tm.constants), ("derived", tm.derived)):
            section = spec.get(key, {})
            if not isinstance(section, dict):
                raise err("expected field = \"value\" pairs", "mapping", tname, key)
            for f, v in section.items():
                f2 = CONSTANT_ALIASES.get(tname, {}).get(f, f) if key == "constants" else f
                if f2 not in fields:
                    close = closest(f, fields)
                    raise err(f"unknown field of {tname}{f' (did you mean {close!r}?)' if close else ''}", "mapping", tname, key, f)
                if key == "constants" and (isinstance(v, bool) or not isinstance(v, (str, int, float))):
                    raise err(f"expected a value, got {v!r}", "mapping", tname, key, f)
                if key == "derived":
                    kind = TABLES[tname].field(f2).kind
                    if kind not in ("money", "number"):  # arithmetic gives a number: a date or a word would be garbled
                        raise err(f"only an amount or a number can be derived; {f2} is a {kind} field", "mapping", tname,
                                  key, f)
                    if not isinstance(v, str):
                        raise err("expected arithmetic over column headers, e.g. \"Sales - Profit\"", "mapping", tname, key, f)
                    bad = _unsafe_expression(v)
                    if bad:
                        raise err(bad, "mapping", tname, key, f)
                target[f2] = str(v) if key == "constants" else v
        if "order_lines" in spec:
            if not isinstance(spec["order_lines"], bool):
                raise err("expected true or false", "mapping", tname, "order_lines")
            tm.order_lines = spec["order_lines"]
        cfg.mapping[tname] = tm


def _unsafe_expression(expr: str) -> str | None:
    """Why ``expr`` is not plain arithmetic (checked on characters; the full check, against the
    sheet's headers, is :func:`kpis.reader.derive.compile_expression`), or None."""
    if "**" in expr or "//" in expr or "__" in expr or any(ch in expr for ch in "[]{};=\\`@!<>|&^~"):
        return f"only column headers, numbers, + - * / and parentheses are allowed: {expr!r}"
    return None


def _as_fraction(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    f = float(v)
    if f > 1:
        f /= 100
    return f if 0 <= f <= 1 else None


def closest(word: str, choices: set[str]) -> str | None:
    import difflib

    m = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.75)
    return m[0] if m else None


def locate_line(text: str, keys: tuple[str, ...] | list[str]) -> int | None:
    """Best-effort line number (1-based) of a dotted key path in TOML source text.

    Finds the deepest ``[a.b]`` header (or ``[[a.b]]``) matching a prefix of ``keys``, then the
    ``key =`` line for the next key below it; falls back to the header line.
    """
    if not text or not keys:
        return None
    lines = text.splitlines()
    header_re = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
    best_line, best_depth = None, -1
    sections: list[tuple[int, list[str]]] = []
    for i, line in enumerate(lines, 1):
        m = header_re.match(line)
        if m:
            parts = [p.strip().strip('"\'') for p in m.group(1).split(".")]
            sections.append((i, parts))
    # Candidates: (start_line, depth of match)
    starts: list[tuple[int, list[str]]] = [(0, [])] + sections
    for idx, (start, parts) in enumerate(starts):
        if len(parts) > len(keys) or list(keys[: len(parts)]) != parts:
            continue
        end = starts[idx + 1][0] if idx + 1 < len(starts) else len(lines) + 1
        rest = keys[len(parts):]
        if not rest:
            if len(parts) > best_depth:
                best_line, best_depth = start, len(parts)
            continue
        key = rest[0]
        key_re = re.compile(rf"^\s*(\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*(=|\.)")
        for j in range(start + 1, end):
            if key_re.match(lines[j - 1]):
                depth = len(parts) + 1
                if depth > best_depth:
                    best_line, best_depth = j, depth
                break
        else:
            if len(parts) > best_depth and start:
                best_line, best_depth = start, len(parts)
    return best_line


register(
    {
        "config_error": {"fr": "{where} : {key}{text}", "en": "{where}: {key}{text}"},
    }
)
