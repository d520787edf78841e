"""The one error the calculators raise for a request they cannot serve (the CLI prints it, exit 2)."""

from __future__ import annotations

from typing import Any

from ..i18n import message
from . import labels as _labels  # noqa: F401  (registers the messages)


class CalculatorError(ValueError):
    """A missing table or column, a period not matching the plan, no plan at all: ``code`` + ``params``
    (rendered in French or English by :func:`kpis.i18n.message`)."""

    def __init__(self, code: str, lang: str = "en", **params: Any):
        self.code, self.params = code, params
        super().__init__(message(code, lang, **params))
