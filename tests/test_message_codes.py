"""Message codes are checked: every code the package writes as a literal exists, in both languages.

A typo in a code used to show the user the bare code (``calc_no_plan(rep='Alice')``). Three guards:
this scan of the package's source (every string literal given as a code to ``message()``, an
``Issue``, a ``Note`` or an error), strict mode in the tests (``KPIS_STRICT_MESSAGES=1``: an unknown
code raises), and the catalogue loaded whole on first use (no code depends on import order).
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kpis import i18n
from kpis.errors import KpisError, Note, _is_code, user_message

PACKAGE = Path(__file__).resolve().parents[1] / "kpis"

# Calls whose first argument is a message code.
FIRST = {"message", "has", "Note", "note", "KpisError", "UserError", "ReadError", "OutputError", "CalculatorError",
         "HistoryError", "PdfError", "JobError", "SettingsError", "PackageProblem"}
# Calls whose code is another positional argument: XlError(value, code), Issue(sheet, row, column, value, action, code).
AT = {"XlError": 1, "Issue": 5}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _code_arg(call: ast.Call) -> ast.expr | None:
    name = _name(call.func)
    if name in ("message", "has") and isinstance(call.func, ast.Attribute) and _name(call.func.value) != "i18n":
        return None  # e.message(lang), ds.has(table): methods, not the catalogue
    kw = {k.arg: k.value for k in call.keywords}
    if name in FIRST:
        return call.args[0] if call.args else kw.get("code")
    if name in AT:
        i = AT[name]
        return call.args[i] if len(call.args) > i else kw.get("code")
    return None


def used_codes() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(literal codes, f-string prefixes)`` of the package, each with where it is (file:line)."""
    literals, prefixes = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            arg = _code_arg(node)
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if isinstance(arg, ast.Constant) and _is_code(arg.value):
                literals.append((arg.value, where))
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                prefix = str(arg.values[0].value)
                if re.fullmatch(r"[a-z][a-z0-9_.]*", prefix):  # f"--rep {rep!r}" is a text, not a code
                    prefixes.append((prefix, where))
    return literals, prefixes


def test_every_literal_code_is_registered():
    known = i18n.known_codes()
    literals, prefixes = used_codes()
    assert len(literals) > 300  # the scan sees the package's calls (a broken scan must not pass)
    unknown = sorted(f"{where}: {code}" for code, where in literals if code not in known)
    assert not unknown, "message codes nobody registered:\n" + "\n".join(unknown)
    # message(f"kpi_status_{status}"): some code must start with the written prefix
    orphans = sorted(f"{where}: {p}…" for p, where in prefixes if p and not any(k.startswith(p) for k in known))
    assert not orphans, "code prefixes matching no registered code:\n" + "\n".join(orphans)


def test_every_module_that_registers_is_listed():
    """The catalogue loads every module that calls register() (so none depends on import order)."""
    registering = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only
            call = node.value if isinstance(node, ast.Expr) else None
            if isinstance(call, ast.Call) and _name(call.func) in ("register", "_register"):
                mod = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
                registering.add(mod.removesuffix(".__init__"))
    registering.discard("kpis.i18n")
    assert registering == set(i18n.MESSAGE_MODULES)


def test_strict_mode_raises_on_an_unknown_code(monkeypatch):
    monkeypatch.setenv("KPIS_STRICT_MESSAGES", "1")
    with pytest.raises(i18n.UnknownMessage):
        i18n.message("calc_no_plann", "fr")
    monkeypatch.setenv("KPIS_STRICT_MESSAGES", "0")
    assert i18n.message("calc_no_plann", "fr", rep="Alice") == "calc_no_plann(rep='Alice')"


def test_the_catalogue_loads_on_first_use_without_importing_the_module_first():
    """A code of the calculators renders although only kpis.i18n was imported (no import side effect)."""
    code = ("import sys; from kpis.i18n import message; "
            "assert 'kpis.calculators.labels' not in sys.modules; "
            "print(message('calc_no_plans', 'en'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "KPIS_STRICT_MESSAGES": "1"}, cwd=PACKAGE.parent)
    assert "plan" in out.stdout and "calc_no_plans" not in out.stdout


def test_one_translator_for_every_error():
    from kpis.calculators.errors import CalculatorError
    from kpis.cli.common import UserError
    from kpis.config import ConfigError
    from kpis.reader.errors import ReadError
    from kpis.xl.errors import XlError

    e = CalculatorError("calc_no_plans", "en")
    assert user_message(e, "fr") == i18n.message("calc_no_plans", "fr") != user_message(e, "en")
    r = ReadError("file_not_found", "fr", path="x.xlsx")
    assert r.code == r.reason == "file_not_found" and r.exit_code == 2 and "introuvable" in str(r)
    assert "not found" in user_message(r, "en")
    x = XlError("#N/A", "xl_div0", what="quota")
    assert x.value == "#N/A" and x.code == "xl_div0" and user_message(x, "fr") == "quota vaut zéro"
    c = ConfigError("expected a number", key="plans.a.gate", line=3)
    assert user_message(c, "en") == "config:3: plans.a.gate: expected a number" == str(c)
    # a text already in the user's language (older call sites) is kept as it is
    assert user_message(UserError("--top: > 0"), "fr") == "--top: > 0"
    assert all(isinstance(e, KpisError) for e in (e, r, x, c))
    assert "ZeroDivisionError" in user_message(ZeroDivisionError("x"), "en")


def test_every_error_class_derives_from_the_one_base():
    import importlib

    names = {"kpis.history.store": "HistoryError", "kpis.config": "ConfigError", "kpis.outputs": "OutputError",
             "kpis.calculators.errors": "CalculatorError", "kpis.report.pdf": "PdfError",
             "kpis.reader.derive": "ExpressionError", "kpis.reader.errors": "ReadError",
             "kpis.reader.package": "PackageProblem", "kpis.render.errors": "TemplateError",
             "kpis.cli.common": "UserError", "kpis.xl.errors": "XlError", "kpis.xl.jobs": "JobError",
             "kpis.xl.settings": "SettingsError", "kpis.xl.build": "BuildError"}
    for mod, cls in names.items():
        assert issubclass(getattr(importlib.import_module(mod), cls), KpisError), cls
    # and no other exception class is defined in the package
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(_name(b) in ("Exception", "ValueError", "RuntimeError")
                                                      for b in node.bases):
                if not any(_name(b) and _name(b).endswith(("Error", "Problem")) and _name(b) != "ValueError"
                           and _name(b) != "RuntimeError" for b in node.bases):
                    found.add(node.name)
    # NotFast: the fast reader's internal signal to take the full read, caught in kpis/reader/source.py;
    # NotCoded: a sheet left to the plain full read, caught in kpis/reader/source.py;
    # NotSimple: a placeholder left to Jinja, caught in kpis/render/simple.py -- never shown to a user
    assert found <= {"UnknownMessage", "KpisError", "NotFast", "NotCoded", "NotSimple"}, found


def test_notes_and_issues_share_the_code_params_shape():
    from kpis.calculators.commissions import Note as CommissionNote
    from kpis.engine.model import Note as EngineNote
    from kpis.errors import Coded
    from kpis.quality import Issue

    assert EngineNote is CommissionNote is Note
    n = Note("calc_no_plan", {"rep": "Alice"})
    code, params = n  # the commissions' notes unpack as they did when they were tuples
    assert (code, params["rep"]) == ("calc_no_plan", "Alice") and "Alice" in n.message("fr")
    issue = Issue("Deals", 4, "Montant", "abc", "left_empty", "bad_number")
    for x in (n, issue):
        assert isinstance(x, Coded)
    assert issue.message("en") == issue.reason("en")


def test_a_message_imports_only_the_modules_up_to_its_own():
    """A calculator's message (kpis.calculators.labels) is found without importing the CLI, the
    add-in or the PDF pack: message modules are imported in order until the code is found."""
    import subprocess
    import sys

    code = ("import sys; from kpis.i18n import message; "
            "assert message('calc_no_plans', 'fr') != 'calc_no_plans'; "
            "print(sorted(m for m in ('kpis.cli.common', 'kpis.xl.jobs', 'kpis.report.pdf') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    # an unknown code still looks everywhere (and the catalogue is whole afterwards)
    assert i18n.known_codes() >= {"calc_no_plans", "report_title"}
