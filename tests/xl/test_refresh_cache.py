"""The add-in's refresh keeps its sheets in the content cache (kpis/cache.py), keyed on the values
it receives: a second refresh of an unchanged book writes the very same sheets without reading or
computing; one changed cell, or a corrupt entry, computes again."""

from __future__ import annotations

import copy
import time

import kpis.xl.scripts as S
from kpis import cache

from .conftest import actions, new_book, run_script

def _seen(book) -> list:
    """Every write the engine records (values, formats, fills, widths, heights, merges, freeze...),
    the message box aside."""
    return [a for a in actions(book) if a["func"] != "alert"]


def _alert(book) -> str:
    return next(a["args"][0] for a in actions(book) if a["func"] == "alert")


def _entries() -> list:
    return sorted(cache.cache_dir().glob("xl-refresh/*.kpc"))


def test_second_refresh_comes_from_the_cache(example_json):
    t0 = time.process_time()
    first = run_script(S, "refresh_kpis", new_book(example_json))
    t1 = time.process_time()
    assert len(_entries()) == 1
    second = run_script(S, "refresh_kpis", new_book(example_json))
    t2 = time.process_time()
    assert _seen(second) == _seen(first)
    assert _alert(second) == _alert(first)  # a book without a file on disk: no snapshot either way
    print(f"refresh {t1 - t0:.2f} s, cached {t2 - t1:.2f} s CPU")  # benchmarks/ measures; shown with -s

    # one changed cell of a user's sheet: another key, computed again
    payload = copy.deepcopy(example_json)
    values = payload["sheets"][0]["values"]
    row = next(i for i, r in enumerate(values) if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in r))
    col = next(j for j, v in enumerate(values[row]) if isinstance(v, (int, float)) and not isinstance(v, bool))
    values[row][col] += 1
    run_script(S, "refresh_kpis", new_book(payload))
    assert len(_entries()) == 2

    # the key is taken on the values as Excel sent them (before xlwings converts a cell): a changed
    # text, a changed date as Office.js sends it (ISO text), each give another key
    for change in ("text", "date"):
        payload = copy.deepcopy(example_json)
        values = payload["sheets"][0]["values"]
        cells = [(i, j) for i, r in enumerate(values) for j, v in enumerate(r) if isinstance(v, str) and v.strip()
                 and (v[:4].isdigit() and "T" in v) == (change == "date")]
        i, j = cells[len(cells) // 2]
        values[i][j] = values[i][j].replace("2", "1", 1) if change == "date" else values[i][j] + " bis"  # 2026 -> 1026
        run_script(S, "refresh_kpis", new_book(payload))
        assert len(_entries()) == (3 if change == "text" else 4), change

    # a corrupt entry is a miss, never an error
    for e in _entries():
        e.write_bytes(b"garbage")
    third = run_script(S, "refresh_kpis", new_book(example_json))
    assert _seen(third) == _seen(first)


def test_the_values_read_for_the_key_give_the_grids_a_fresh_read_gives(example_json):
    """A miss converts the values already read for the key (each sheet read from Excel once): the
    grids and tables are those of a fresh read through xlwings."""
    from kpis.xl.book import _remote_values, raw_sheets, sent_values

    book = new_book(example_json)
    assert all(_remote_values(s.raw) is not None for s in sent_values(book))  # plain values: cleaned per text
    fresh, reused = raw_sheets(book), raw_sheets(book, sent_values(book))
    assert [s.name for s in reused] == [s.name for s in fresh] and len(fresh) > 1
    for a, b in zip(reused, fresh):
        assert a.grid == b.grid and a.tables == b.tables, a.name
        assert all(type(x) is type(y) for ra, rb in zip(a.grid, b.grid) for x, y in zip(ra, rb)), a.name


def test_the_remote_values_are_converted_as_xlwings_converts_them():
    """The remote engine's cleaning (ISO date texts -> datetimes, error texts and "" -> None) done
    once per distinct text gives what xlwings' conversion gives cell by cell, types included."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from xlwings import conversion

    from kpis.xl.book import _remote_values

    cell = st.one_of(
        st.sampled_from(["", " ", "abc", "Paris", "2026-10-05T00:00:00.000Z", "2026-10-05T13:45:10Z", "2026-10-05",
                         "2026-13-05T00:00:00.000Z", "#N/A", "#DIV/0!", "#VALUE!", "#SPILL!", "#n/a"]),
        st.text(max_size=6), st.floats(allow_nan=False), st.integers(-5, 5), st.booleans())

    @settings(max_examples=300, deadline=None)
    @given(st.integers(1, 4).flatmap(lambda w: st.lists(st.lists(cell, min_size=w, max_size=w), min_size=1, max_size=5)))
    def check(raw):
        want = conversion.read(None, [tuple(r) for r in raw], {"ndim": 2}, engine_name="remote")
        got = _remote_values([tuple(r) for r in raw])  # rows come as tuples from the remote engine
        assert got == want
        assert [[type(x) for x in r] for r in got] == [[type(x) for x in r] for r in want]

    check()
    assert _remote_values([[{"type": "Double", "basicValue": 1}]]) is None  # not plain: xlwings converts it


def test_the_last_refresh_is_kept_decoded_in_the_process(example_json, monkeypatch):
    """The add-in's Python stays up between clicks: a second refresh of the same content takes the
    sheets kept from the first (no cache entry read or decoded), writes the same; another content
    in between sends it back to the cache entry; a cleared cache or a changed pipeline history is
    a miss."""
    import kpis.xl.jobs as J

    J._LAST.clear()
    first = run_script(S, "refresh_kpis", new_book(example_json))
    loads = []
    real_load = cache.load
    monkeypatch.setattr(cache, "load", lambda *a, **k: loads.append(a) or real_load(*a, **k))
    second = run_script(S, "refresh_kpis", new_book(example_json))
    assert loads == [] and _seen(second) == _seen(first) and _alert(second) == _alert(first)

    other = copy.deepcopy(example_json)
    other["sheets"][0]["values"][-1] = [v + " bis" if isinstance(v, str) and v.strip() else v
                                        for v in other["sheets"][0]["values"][-1]]
    run_script(S, "refresh_kpis", new_book(other))  # computed: now the kept one
    third = run_script(S, "refresh_kpis", new_book(example_json))
    assert len(loads) == 2 and _seen(third) == _seen(first)  # other's miss, then the entry on disk

    reads = []
    real_read = J._read
    monkeypatch.setattr(J, "_read", lambda *a, **k: reads.append(1) or real_read(*a, **k))
    for e in _entries():  # the cache cleared: the kept sheets are not taken, the book is read again
        e.unlink()
    fourth = run_script(S, "refresh_kpis", new_book(example_json))
    assert reads == [1] and _seen(fourth) == _seen(first) and len(_entries()) == 1
    run_script(S, "refresh_kpis", new_book(example_json))
    assert reads == [1]  # kept again
    monkeypatch.setattr(J, "_history_state", lambda book, cfg: "a snapshot was recorded since")
    fifth = run_script(S, "refresh_kpis", new_book(example_json))
    assert reads == [1, 1] and _seen(fifth) == _seen(first)
