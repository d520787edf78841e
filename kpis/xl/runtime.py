"""Which Excel runs us, and the matching xlwings decorators.

One set of decorated functions serves three runtimes:

* **xlwings Lite** (Excel on the web, Windows, macOS; Python in the browser via Pyodide) and
  **xlwings Server** -- the "remote" runtime: Office.js custom functions and scripts, decorators from
  ``xlwings.server``, the workbook arrives as JSON and every write is a recorded action;
* **desktop xlwings on Windows** -- UDFs through the xlwings add-in (COM), scripts through RunPython;
* **desktop xlwings on macOS** -- scripts through RunPython only (Excel for Mac has no Python UDFs);
  the decorators are no-ops there.

xlwings itself picks its decorators when it is first imported (``XLWINGS_ON_SERVER``); we decide
again at the time our modules are imported so that the choice does not depend on import order.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable


def is_remote() -> bool:
    """True under xlwings Lite (Pyodide) or xlwings Server (and in the tests, which emulate them)."""
    return sys.platform == "emscripten" or os.environ.get("XLWINGS_ON_SERVER") == "true"


def is_lite() -> bool:
    """True inside xlwings Lite: no file system beside the workbook, no Excel to open a new book."""
    return sys.platform == "emscripten"


def decorators() -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """``(func, arg, ret, script)`` for the current runtime."""
    if is_remote():
        from xlwings.server import arg, func, ret, script  # noqa: PLC0415 - license-gated, remote only

        return func, arg, ret, script
    import xlwings as xw

    return xw.func, xw.arg, xw.ret, xw.script
