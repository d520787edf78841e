"""The xlwings Lite files (``addin/lite/``) and what a Pyodide install allows.

Run in a fresh interpreter where compiled-only and Windows-only packages cannot be imported
(python-calamine, pywin32), as in xlwings Lite: ``main.py`` must load, offer every function and
script, and a button must work on a workbook's values.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LITE = ROOT / "addin" / "lite"

BLOCK = textwrap.dedent(
    """
    import sys

    class _Blocked:
        names = set(sys.argv[1].split(","))

        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in self.names:
                raise ImportError(f"{name} is not available here")
            return None

    sys.meta_path.insert(0, _Blocked())
    del sys.argv[1]
    """
)


def _run(code: str, blocked: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full = BLOCK + textwrap.dedent(code)
    e = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-c", full, blocked], capture_output=True, text=True, env=e, timeout=600, cwd=ROOT)


def test_core_imports_without_xlwings_or_compiled_readers():
    r = _run(
        """
        import kpis, kpis.reader, kpis.reader.grids, kpis.engine, kpis.calculators, kpis.render, kpis.xl.build
        import kpis.xl.layouts, kpis.xl.sheets
        assert "xlwings" not in sys.modules, "the core imported xlwings"
        assert "python_calamine" not in sys.modules
        print("ok")
        """,
        "xlwings,python_calamine,win32com,pythoncom",
        {"XLWINGS_ON_SERVER": "", "XLWINGS_LICENSE_KEY": ""},
    )
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_lite_main_offers_everything_and_runs(tmp_path, example_json, example_path):
    from kpis.engine import default_period
    from kpis.reader import read_workbook

    payload = tmp_path / "book.json"
    payload.write_text(json.dumps(example_json))
    r = _run(
        f"""
        import asyncio, json, runpy, types
        import xlwings as xw
        from xlwings.server import custom_functions_meta, custom_scripts_meta, custom_scripts_call, custom_functions_call

        main = types.ModuleType("main")
        main.__dict__.update(runpy.run_path({str(LITE / "main.py")!r}, run_name="main"))
        funcs = custom_functions_meta(main)["functions"]
        scripts = custom_scripts_meta(main)
        kpi = next(f for f in funcs if f["name"] == "KPI")
        book = xw.Book(json=json.loads(open({str(payload)!r}, encoding="utf-8").read()))
        asyncio.run(custom_scripts_call(main, "refresh_kpis", typehint_to_value={{xw.Book: book}}))
        alerts = [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]
        value = asyncio.run(custom_functions_call(
            {{"func_name": "commission", "args": [[[120000]], [[100000]], [[0, 0.05], [1, 0.08]]],
              "version": xw.__version__, "client": "Office.js", "runtime": "1.4"}}, main))
        print(json.dumps({{
            "functions": sorted(f["name"] for f in funcs),
            "kpi_description": kpi["description"],
            "scripts": {{s["function_name"]: s["button"] for s in scripts}},
            "names": {{s["function_name"]: s["name"] for s in scripts}},
            "alerts": alerts,
            "commission": value,
            "calamine": "python_calamine" in sys.modules,
        }}))
        """,
        "python_calamine,win32com,pythoncom",
        {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"},
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["functions"] == ["CAC", "CHURN_RATE", "CLV", "COMMISSION", "KPI", "KPI_CATALOG", "KPI_EXPLAIN", "KPI_FORECAST", "KPI_TABLE", "NPS",
                                "QUOTA_ATTAINMENT", "REVERSE_FUNNEL", "REVERSE_FUNNEL_RATES", "WIN_RATE"]
    assert out["kpi_description"].startswith("Valeur d'un indicateur")  # main.py asks for French help
    import kpis.xl.scripts as S

    assert set(out["scripts"]) == set(S.SCRIPTS)
    assert out["scripts"]["refresh_kpis"] == "[kpis_refresh]'KPI - Paramètres'!J4"
    assert all(" / " in name for name in out["names"].values())  # French / English button names
    label = default_period(read_workbook(example_path)).label
    assert out["alerts"] == [f"Feuilles KPI mises à jour pour {label} (8 feuilles)."]
    assert out["commission"] == [[6600.0]]
    assert out["calamine"] is False


def test_lite_buttons_match_the_settings_sheet():
    """The cells main.py's buttons point at are the ones the settings sheet labels."""
    import re

    from kpis.xl.settings import LITE_BUTTONS

    text = (LITE / "main.py").read_text(encoding="utf-8")
    refs = re.findall(r'@script\(name="[^"]+", button=f"\[(\w+)\]\'\{BUTTONS\}\'!J(\d+)"\)\ndef (\w+)\(', text)
    assert [(shape, script) for shape, _, script in refs] == list(LITE_BUTTONS)
    assert [int(row) for _, row, _ in refs] == list(range(4, 4 + len(LITE_BUTTONS)))


def test_requirements_do_not_pull_compiled_packages():
    lines = [ln.strip() for ln in (LITE / "requirements.txt").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines == ["kpis"]
