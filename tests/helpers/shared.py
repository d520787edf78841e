"""The project's companion folder ``../shared`` (spec, real datasets, public corpus, OOXML schemas).

It sits beside the checkout for developers and in CI, never in a plain clone: tests that read it are
marked ``shared`` and use :func:`shared_path`, which skips the test when the folder is absent. With
``CI=true`` a missing folder fails the test instead, so a green CI run means they really ran.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def shared_path(*parts: str) -> Path:
    """``../shared/<parts>``, or skip the calling test (fail it under CI=true) when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI", "").lower() == "true" and SHARED.exists():
            pytest.fail(f"{path} is missing although ../shared is present")
        pytest.skip(f"{path} is absent (../shared is not beside this checkout)")
    return path
