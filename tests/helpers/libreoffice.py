"""Open files in a real spreadsheet application (LibreOffice headless) from tests.

- :func:`recalc` converts an .xlsx with LibreOffice (which recalculates every formula on load,
  forced through a private profile) and returns the values: ``{sheet: [[value, ...], ...]}``.
- :func:`to_pdf` prints a workbook to PDF; :func:`pdf_to_pngs` rasterises it with ``pdftoppm``.

Each call uses its own LibreOffice profile (``-env:UserInstallation``) so parallel runs don't
collide, and a timeout. When the tools are missing: with ``CI=true`` the test FAILS
(:class:`ToolMissing` is raised), otherwise it is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

TIMEOUT = int(os.environ.get("KPIS_SOFFICE_TIMEOUT", "180"))

# LibreOffice's "recalculation on file load" for Excel 2007+ files: 0 = always.
_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class ToolMissing(RuntimeError):
    """A required external tool (soffice, pdftoppm) is not installed."""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path:
        return path
    reason = f"{tool} is not installed"
    if in_ci():
        raise ToolMissing(reason + " (required when CI=true)")
    import pytest

    pytest.skip(reason)
    raise AssertionError("unreachable")


def soffice_path() -> str:
    return _require("soffice")


def _profile() -> Path:
    root = Path(tempfile.gettempdir()) / f"lo_{uuid.uuid4().hex}"
    user = root / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(_PROFILE_XCU, encoding="utf-8")
    return root


def convert(path: str | os.PathLike, fmt: str, outdir: str | os.PathLike | None = None) -> Path:
    """``soffice --headless --convert-to fmt``; returns the converted file."""
    soffice = soffice_path()
    src = Path(path).resolve()
    out = Path(outdir) if outdir else Path(tempfile.mkdtemp(prefix="kpis_lo_out_"))
    out.mkdir(parents=True, exist_ok=True)
    profile = _profile()
    cmd = [
        soffice,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--nologo",
        "--convert-to",
        fmt,
        "--outdir",
        str(out),
        str(src),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    ext = fmt.split(":")[0]
    result = out / f"{src.stem}.{ext}"
    if proc.returncode != 0 or not result.exists():
        raise RuntimeError(f"soffice failed ({proc.returncode}): {proc.stdout}\n{proc.stderr}")
    return result


def recalc(xlsx_path: str | os.PathLike) -> dict[str, list[list[Any]]]:
    """Values of every sheet after LibreOffice opened, recalculated and saved the workbook."""
    import openpyxl

    outdir = Path(tempfile.mkdtemp(prefix="kpis_lo_recalc_"))
    try:
        converted = convert(xlsx_path, "xlsx:Calc MS Excel 2007 XML", outdir)
        wb = openpyxl.load_workbook(converted, data_only=True)
        return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        shutil.rmtree(outdir, ignore_errors=True)


def to_pdf(path: str | os.PathLike, outdir: str | os.PathLike | None = None) -> Path:
    return convert(path, "pdf", outdir)


def pdf_to_pngs(pdf: str | os.PathLike, dpi: int = 70) -> list[Path]:
    tool = _require("pdftoppm")
    pdf = Path(pdf)
    prefix = pdf.with_suffix("")
    subprocess.run([tool, "-png", "-r", str(dpi), str(pdf), str(prefix)], check=True, timeout=TIMEOUT,
                   capture_output=True)
    return sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
