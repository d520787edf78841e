"""Fixtures for the template engine tests: the example templates and their sample contexts."""

from __future__ import annotations

import importlib.util
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "examples" / "templates"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"kpis_examples_{name}", TEMPLATES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def templates() -> Path:
    return TEMPLATES


@pytest.fixture(scope="session")
def samples():
    return _load("sample_contexts")


@pytest.fixture(scope="session")
def builder():
    return _load("build_templates")


def reopen(report, tmp_path: Path, name: str = "out.xlsx"):
    """Save a report and load it back with openpyxl (what a reader of the file sees)."""
    path = report.save(tmp_path / name)
    return openpyxl.load_workbook(path), path


def zip_text(path: Path, part_pattern: str) -> list[tuple[str, str]]:
    with zipfile.ZipFile(path) as z:
        return [(n, z.read(n).decode("utf-8")) for n in sorted(z.namelist()) if re.search(part_pattern, n)]


def chart_formulas(path: Path) -> list[str]:
    out = []
    for _, text in zip_text(path, r"xl/charts/[^/]+\.xml$"):
        out += re.findall(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", text)
    return out


def values(ws, min_row=1, max_row=None):
    return [[c.value for c in row] for row in ws.iter_rows(min_row=min_row, max_row=max_row or ws.max_row)]
