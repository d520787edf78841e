"""A content cache: results that take seconds, found again from the bytes they were made from.

A second ``kpis report`` of an unchanged workbook, or a second refresh of the add-in's KPI sheets,
gives the same output as the first: both keep it here, keyed on *content*, and serve it again.

* **Key**: blake2b over everything the output depends on -- the workbook's bytes (the add-in: the
  values it received), the configuration, the template's bytes, the period asked, the language,
  the day (a report says when it was made) and the kpis version. The same content under another
  name hits; one changed cell misses.
* **Where**: ``KPIS_CACHE_DIR`` when set, else the platform's cache folder (``%LOCALAPPDATA%\\kpis\\Cache``
  on Windows, ``~/Library/Caches/kpis`` on macOS, ``$XDG_CACHE_HOME/kpis`` or ``~/.cache/kpis``
  elsewhere) -- never beside or over the user's file.
* **Bounded**: after each write, the least recently used entries go until the folder holds at most
  ``KPIS_CACHE_MAX_MB`` megabytes (default 256).
* **Safe**: entries are written atomically (:mod:`kpis.atomic`); an entry that is truncated, corrupt,
  foreign, of another key or another version is ignored (a miss), and no cache problem ever stops a
  run: a folder that cannot be written just means no cache.

An entry is one file: a magic line, a JSON header (key, version, payload size and digest, the
caller's metadata), then the payload bytes. Import-light (no pandas): the cached path must be fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__

MAGIC = b"KPIS-CACHE 1\n"
DEFAULT_MAX_MB = 256
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    meta: dict[str, Any]
    payload: bytes


def cache_dir() -> Path:
    """``KPIS_CACHE_DIR``, else the platform's user cache folder for kpis."""
    given = os.environ.get("KPIS_CACHE_DIR")
    if given:
        return Path(given).expanduser()
    if sys.platform.startswith("win"):
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "kpis" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "kpis"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kpis"


def max_bytes() -> int:
    try:
        return int(float(os.environ.get("KPIS_CACHE_MAX_MB", DEFAULT_MAX_MB)) * 1_000_000)
    except ValueError:
        return DEFAULT_MAX_MB * 1_000_000


class Hasher:
    """blake2b over the parts of a key, each length-prefixed (no two lists of parts collide)."""

    def __init__(self, kind: str) -> None:
        self._h = hashlib.blake2b(digest_size=32)
        self.add(kind, __version__, MAGIC)

    def add(self, *parts: Any) -> "Hasher":
        for part in parts:
            data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
            self._h.update(len(data).to_bytes(8, "little"))
            self._h.update(data)
        return self

    def add_file(self, path: str | os.PathLike | None) -> "Hasher":
        """The file's bytes (read in chunks), or a marker when there is no file."""
        if path is None or not Path(path).is_file():
            return self.add("<no file>")
        h = hashlib.blake2b(digest_size=32)
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
        return self.add(h.digest())

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def _path(kind: str, key: str) -> Path:
    return cache_dir() / kind / f"{key}.kpc"


def entry_path(kind: str, key: str) -> Path:
    """Where the entry of ``key`` is kept (whether or not it is there)."""
    return _path(kind, key)


def load(kind: str, key: str) -> Entry | None:
    """The entry stored under ``key``, or None (absent, unreadable, corrupt, foreign, stale)."""
    path = _path(kind, key)
    try:
        with open(path, "rb") as fh:
            if fh.read(len(MAGIC)) != MAGIC:
                return None
            size = int.from_bytes(fh.read(8), "little")
            if not 0 < size < 1 << 26:
                return None
            header = json.loads(fh.read(size).decode("utf-8"))
            payload = fh.read()
        if not isinstance(header, dict) or header.get("key") != key or header.get("version") != __version__:
            return None
        if header.get("size") != len(payload) or header.get("digest") != hashlib.blake2b(payload, digest_size=32).hexdigest():
            return None
        meta = header.get("meta")
        if not isinstance(meta, dict):
            return None
        os.utime(path)  # recently used: pruned last
        return Entry(meta, payload)
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def store(kind: str, key: str, payload: bytes, meta: dict[str, Any]) -> bool:
    """Keep ``payload`` (and JSON ``meta``) under ``key``; prune the folder to its bound. False when
    the cache could not be written (never raises for that)."""
    from .atomic import write_atomic

    header = json.dumps({"key": key, "version": __version__, "size": len(payload),
                         "digest": hashlib.blake2b(payload, digest_size=32).hexdigest(), "meta": meta},
                        ensure_ascii=False, default=str).encode("utf-8")
    try:
        write_atomic(_path(kind, key), MAGIC + len(header).to_bytes(8, "little") + header + payload)
        prune()
        return True
    except OSError:
        return False


def prune(limit: int | None = None) -> int:
    """Remove the least recently used entries until the cache holds at most ``limit`` bytes
    (default :func:`max_bytes`). Returns the number of entries removed."""
    limit = max_bytes() if limit is None else limit
    root = cache_dir()
    entries = []
    for p in root.glob("*/*.kpc"):
        try:
            st = p.stat()
        except OSError:
            continue
        entries.append((st.st_mtime_ns, st.st_size, p))
    total = sum(size for _, size, _ in entries)
    removed = 0
    for _, size, p in sorted(entries):
        if total <= limit:
            break
        try:
            p.unlink()
            total -= size
            removed += 1
        except OSError:
            continue
    return removed


def file_state(path: Path | None) -> str:
    """A cheap fingerprint of a file another program may change (size and modification time), to
    tell whether it is still the one an entry was made with."""
    if path is None:
        return "<none>"
    try:
        st = Path(path).stat()
    except OSError:
        return "<absent>"
    return f"{st.st_size}:{st.st_mtime_ns}"
