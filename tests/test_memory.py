"""Handing free memory back after a big read (kpis.memory): harmless everywhere, a no-op off glibc."""

from __future__ import annotations

import sys

from kpis import memory


def test_release_runs_and_can_run_again():
    memory.release_free_memory()
    memory.release_free_memory()  # the C library is looked up once


def test_nothing_is_called_off_linux(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(memory, "_LIBC", None)
    memory.release_free_memory()
    assert memory._LIBC is None  # not even looked up


def test_a_c_library_without_malloc_trim_is_left_alone(monkeypatch):
    monkeypatch.setattr(memory, "_LIBC", False)  # musl and the like: found once to have nothing to call
    memory.release_free_memory()
    assert memory._LIBC is False
