"""The seams between the parts: what each part imports, and the one place text is folded.

Each check runs in a fresh interpreter (the test session has imported everything already).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(m for m in sys.modules if m.startswith('kpis')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return set(out.stdout.split())


def test_the_configuration_does_not_import_the_engine():
    """The registry is passed to the configuration's check (check_targets), not imported by it: no
    import cycle config -> engine -> ... -> config."""
    mods = _imported_after("import kpis.config; kpis.config.parse_config('[targets]\\nwin_rate = 0.3\\n')")
    assert "kpis.config" in mods
    assert not any(m.startswith("kpis.engine") for m in mods), sorted(mods)


@pytest.mark.parametrize("module", ["kpis.engine", "kpis.engine.compute", "kpis.engine.words", "kpis.vocab"])
def test_the_engine_does_not_reach_into_the_reader(module):
    mods = _imported_after(f"import {module}")
    assert not any(m.startswith("kpis.reader") for m in mods), sorted(m for m in mods if "reader" in m)


def test_text_is_folded_in_one_place():
    from kpis import text
    from kpis.engine.words import stage_probabilities
    from kpis.reader import text as reader_text

    assert reader_text.fold is text.fold and reader_text.name_key is text.name_key  # re-exported, not copied
    assert text.fold("  Négociation ") == "negociation" == text.fold("NEGOCIATION!")
    assert text.name_key("Jean-Pierre  Roux") == "jeanpierreroux" == text.name_keys(["jean pierre roux"])[0]
    import pandas as pd

    assert stage_probabilities(pd.Series(["Négociation"])).iloc[0] == 0.70
    # no other module defines its own fold
    defs = [p for p in (ROOT / "kpis").rglob("*.py") if "\ndef fold(" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(ROOT).as_posix() for p in defs] == ["kpis/text.py"]
