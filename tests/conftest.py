"""Shared test set-up.

Tests needing LibreOffice use ``tests/helpers/libreoffice.py``: with CI=true a missing tool fails the
test rather than skipping it, so a green CI run means the real spreadsheet application was used.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# A message code nobody registered raises instead of showing the bare code (kpis.i18n.strict): a typo
# in a code fails the test that reaches it (subprocesses inherit it).
os.environ.setdefault("KPIS_STRICT_MESSAGES", "1")

settings.register_profile("ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture(scope="session")
def example_fr() -> Path:
    return EXAMPLES / "suivi_commercial.xlsx"


@pytest.fixture(scope="session")
def example_en() -> Path:
    return EXAMPLES / "sales_tracking.xlsx"


@pytest.fixture(autouse=True)
def _content_cache(tmp_path_factory, monkeypatch):
    """Every test's content cache (kpis/cache.py) in a folder of its own, never the user's."""
    monkeypatch.setenv("KPIS_CACHE_DIR", str(tmp_path_factory.mktemp("kpis-cache")))
