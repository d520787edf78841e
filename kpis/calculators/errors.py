"""The one error the calculators raise for a request they cannot serve (the CLI prints it, exit 2)."""

from __future__ import annotations

from ..errors import KpisError


class CalculatorError(KpisError, ValueError):
    """A missing table or column, a period not matching the plan, no plan at all: ``code`` + ``params``
    (rendered in French or English by :func:`kpis.i18n.message`)."""
