"""The ``[history]`` section of ``kpis.toml`` (documented in ``docs/configuration.md`` and
``docs/history.md``)::

    [history]
    snapshot = true        # kpis report and the add-in's refresh record a snapshot of the data date
    file = "suivi.kpis-history.sqlite"   # default: <workbook stem>.kpis-history.sqlite beside it
    stale_days = 14        # an open deal with no linked activity for this many days is "stale"
    pushed_min = 3         # pushed this many times or more -> "pushed"
    stuck_factor = 1.5     # in its stage longer than this x the stage's median time -> "stuck"
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config, closest


@dataclass(frozen=True)
class HistorySettings:
    snapshot: bool = True
    file: str | None = None
    stale_days: int = 14
    pushed_min: int = 3
    stuck_factor: float = 1.5


_KEYS = {"snapshot", "file", "stale_days", "pushed_min", "stuck_factor"}
SUFFIX = ".kpis-history.sqlite"


def default_path(workbook: str | os.PathLike[str]) -> Path:
    """``suivi.xlsx`` -> ``suivi.kpis-history.sqlite`` in the same folder."""
    w = Path(workbook)
    return w.with_name(w.stem + SUFFIX)


def history_settings(cfg: Config | None) -> HistorySettings:
    """The validated ``[history]`` keys; a mistake raises ConfigError naming the key and its line."""
    raw: dict[str, Any] = dict(cfg.history) if cfg is not None else {}
    out: dict[str, Any] = {}
    for k, v in raw.items():
        assert cfg is not None  # raw is empty without a configuration
        if k not in _KEYS:
            c = closest(k, _KEYS)
            raise cfg.error(f"unknown key{f' (did you mean {c!r}?)' if c else ''} / clé inconnue", "history", k)
        if k == "snapshot":
            if not isinstance(v, bool):
                raise cfg.error(f"expected true or false, got {v!r}", "history", k)
        elif k == "file":
            if not isinstance(v, str) or not v.strip():
                raise cfg.error(f"expected a file name, got {v!r}", "history", k)
        elif k in ("stale_days", "pushed_min"):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise cfg.error(f"expected a whole number ≥ 1, got {v!r}", "history", k)
        elif k == "stuck_factor":
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
                raise cfg.error(f"expected a number > 0, got {v!r}", "history", k)
            v = float(v)
        out[k] = v
    return HistorySettings(**out)


def history_file(cfg: Config | None, workbook: Path, given: Path | None = None) -> Path:
    """``--history``, else ``[history] file`` (relative to the configuration file's folder, else the
    workbook's), else ``<workbook stem>.kpis-history.sqlite`` beside the workbook. Light to import
    (no pandas): ``kpis report`` asks it before deciding whether the cache answers."""
    if given is not None:
        return Path(given)
    s = history_settings(cfg)
    if s.file:
        p = Path(s.file).expanduser()
        if not p.is_absolute():
            base = cfg.path.parent if cfg is not None and cfg.path is not None else Path(workbook).parent
            p = base / p
        return p
    return default_path(workbook)


def history_state(cfg: Config | None, workbook: Path) -> str:
    """The pipeline history file of ``workbook`` as a fingerprint (:func:`kpis.cache.file_state`): a
    cached report or refresh is only valid while the history is the one it was made with (and so
    already holds its snapshot). ``"<error>"`` for a ``[history]`` mistake: the full run reports it."""
    from ..cache import file_state

    try:
        return file_state(history_file(cfg, workbook))
    except Exception:  # a [history] mistake or an unreadable folder: never a cache hit, never a failure
        return "<error>"
