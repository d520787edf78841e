"""The 721 public spreadsheet test files of ../shared/corpus/: each one read or refused with a
message, within the bounds (30 s, 1 GB peak memory per file), never a traceback, a panic or a hang.

Each file is read by ``kpis validate``'s own code path (configuration sheet, reader, exit code) in a
child process forked from this one (the imports are done once): the child's peak resident memory
(``ru_maxrss``) is that file's, a hard address-space limit (``RLIMIT_AS``) stops a runaway allocation,
and a child still running after the time bound is killed. Two children run at a time.

Run by hand: ``python -m tests.reader.test_corpus [NAME-SUBSTRING...]`` prints one line per file.
"""

from __future__ import annotations

import os
import pickle
import resource
import select
import signal
import sys
import time
import traceback
from pathlib import Path

import pytest

from tests.helpers.shared import shared_path

TIME_LIMIT = 30.0  # seconds per file
MEMORY_LIMIT = 2**30  # peak resident bytes per file
ADDRESS_SPACE = 6 * 2**30  # hard stop for a runaway allocation (virtual memory is far above RSS)
WORKERS = 2


def _validate_exit_code(path: str, lang: str) -> tuple[int, str]:
    """What ``kpis validate`` would do: configuration (with the workbook's sheet), read, exit code."""
    from kpis.cli.common import EXIT_USAGE, load_cfg
    from kpis.cli.validate import _exit_code
    from kpis.config import ConfigError
    from kpis.reader import ReadError, read_workbook

    try:
        cfg = load_cfg(None, Path(path), lang)
        ds = read_workbook(path, cfg)
        said = next((i.reason(lang) for i in ds.quality if i.code in ("no_tables", "empty_workbook")), "")
        return _exit_code(ds), said
    except ReadError as e:
        return e.exit_code, e.message(lang)
    except ConfigError as e:  # a configuration sheet with mistakes: a user error, exit 2
        return EXIT_USAGE, str(e)


def _child(path: str, lang: str, fd: int) -> None:
    """In the forked child: read, send the outcome through ``fd``, exit without cleanup."""
    try:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
        code, text = _validate_exit_code(path, lang)
        outcome = ("ok", code, text)
    except BaseException as e:  # noqa: BLE001 - the very thing this test looks for
        outcome = ("traceback", type(e).__name__, "".join(traceback.format_exception(e))[-2000:])
    try:
        os.write(fd, pickle.dumps(outcome))
    finally:
        os._exit(0)


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_file() and p.name not in ("MANIFEST.tsv", "README.md"))


def run_all(files: list[Path], workers: int = WORKERS, lang: str = "en") -> list[dict]:
    """Each file in its own forked child, ``workers`` at a time; outcome, seconds, peak memory."""
    import kpis.cli.validate  # noqa: F401 - imported once, before forking
    import kpis.reader  # noqa: F401

    pending = list(files)
    running: dict[int, tuple[int, Path, float, bytearray]] = {}  # read fd -> (pid, path, start, data)
    results = []
    while pending or running:
        while pending and len(running) < workers:
            path = pending.pop(0)
            r, w = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child
                os.close(r)
                _child(str(path), lang, w)
            os.close(w)
            running[r] = (pid, path, time.monotonic(), bytearray())
        ready, _, _ = select.select(list(running), [], [], 0.5)
        now = time.monotonic()
        for fd in list(running):
            pid, path, start, data = running[fd]
            if fd in ready:
                chunk = os.read(fd, 65536)
                if chunk:
                    data.extend(chunk)
                    continue
            elif now - start <= TIME_LIMIT:
                continue
            else:
                os.kill(pid, signal.SIGKILL)
            os.close(fd)
            _, status, usage = os.wait4(pid, 0)
            del running[fd]
            try:
                outcome = pickle.loads(bytes(data)) if data else None
            except Exception:
                outcome = None
            results.append({"file": path.name, "outcome": outcome, "seconds": time.monotonic() - start,
                            "peak": usage.ru_maxrss * 1024, "status": os.waitstatus_to_exitcode(status)})
    return sorted(results, key=lambda r: r["file"])


def problems(results: list[dict]) -> list[str]:
    out = []
    for r in results:
        o = r["outcome"]
        if o is None:
            out.append(f"{r['file']}: no answer (status {r['status']}, {r['seconds']:.1f} s)")
        elif o[0] != "ok":
            out.append(f"{r['file']}: {o[1]}\n{o[2]}")
        elif o[1] not in (0, 1, 2):
            out.append(f"{r['file']}: exit {o[1]}")
        elif r["seconds"] > TIME_LIMIT or r["peak"] > MEMORY_LIMIT:
            out.append(f"{r['file']}: {r['seconds']:.1f} s, {r['peak'] / 2**20:.0f} MB")
        elif o[1] == 2 and (not o[2] or "Traceback" in o[2]):
            out.append(f"{r['file']}: exit 2 without a message")
    return out


@pytest.mark.shared
@pytest.mark.slow
def test_every_corpus_file_is_answered_within_bounds():
    root = shared_path("corpus")
    files = corpus_files(root)
    assert len(files) >= 700
    before = {f.name: (f.stat().st_size, f.stat().st_mtime_ns) for f in files}
    results = run_all(files)
    bad = problems(results)
    assert not bad, "\n".join(bad[:30])
    assert {f.name: (f.stat().st_size, f.stat().st_mtime_ns) for f in files} == before


if __name__ == "__main__":  # pragma: no cover - a tool for looking at the corpus by hand
    root = Path(__file__).resolve().parents[3] / "shared" / "corpus"
    wanted = sys.argv[1:]
    files = [f for f in corpus_files(root) if not wanted or any(w in f.name for w in wanted)]
    t = time.monotonic()
    results = run_all(files)
    for r in results:
        o = r["outcome"] or ("none", r["status"], "")
        print(f"{r['seconds']:5.1f}s {r['peak'] / 2**20:6.0f}MB {o[0]:9} {o[1]!s:3} {r['file']}  {str(o[2])[:160]!r}")
    bad = problems(results)
    print(f"{len(results)} files in {time.monotonic() - t:.0f} s; {len(bad)} problem(s)")
    for b in bad:
        print(b)
