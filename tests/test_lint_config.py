"""The linter and the type checker are part of the test command (``make test``, which ``.ci/run`` runs).

They run there, not here (mypy takes a minute on a cold cache); this checks the wiring, so that
removing one from CI is a visible change, and that the strict part of the type check stays strict.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_mypy_and_ruff_are_installed_by_the_test_extra_with_lower_bounds():
    extra = _pyproject()["project"]["optional-dependencies"]["test"]
    for tool in ("mypy", "ruff"):
        assert any(re.fullmatch(rf"{tool}>=[\d.]+", d) for d in extra), (tool, extra)


def test_make_test_runs_the_linter_and_the_type_checker_and_ci_runs_make_test():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = re.search(r"^lint:.*\n((?:\t.*\n)+)", make, re.M)
    assert lint and "ruff check" in lint.group(1) and "mypy" in lint.group(1)
    assert re.search(r"^test: .*\blint\b", make, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ruff_rules_are_modest_and_the_core_is_strictly_typed():
    cfg = _pyproject()["tool"]
    assert cfg["ruff"]["lint"]["select"] == ["E", "F"]  # no import sorting: seven branches merge
    assert cfg["mypy"]["packages"] == ["kpis"]
    strict = [o for o in cfg["mypy"]["overrides"] if o.get("disallow_untyped_defs")]
    assert {"kpis.engine.*", "kpis.calculators.*", "kpis.reader.*"} <= {m for o in strict for m in o["module"]}
    for o in strict:
        for flag in ("disallow_untyped_calls", "disallow_any_generics", "warn_return_any", "check_untyped_defs"):
            assert o[flag] is True, (o["module"], flag)
    # no module of the strict part is in the list of type debt
    debt = {m for o in cfg["mypy"]["overrides"] if o.get("ignore_errors") for m in o["module"]}
    strict_debt = {m for m in debt if m.startswith(("kpis.engine", "kpis.calculators", "kpis.reader"))}
    assert strict_debt == set(), strict_debt
