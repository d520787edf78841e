"""One shape for everything kpis tells a user: a message code and its parameters.

- :class:`Coded` is that shape (``code`` + ``params``, rendered by :func:`kpis.i18n.message`): the
  engine's and the commissions' :class:`Note`, the data-quality ``Issue`` (which adds where: sheet,
  row, column, value), and every error below.
- :class:`KpisError` is the one base of the errors a user can meet (a bad file, a configuration
  mistake, an output refused...): ``code`` is the message code, ``params`` its parameters,
  ``exit_code`` what the CLI exits with. Each part keeps its own subclass (``ReadError``,
  ``ConfigError``, ``CalculatorError``, ``XlError``...) so callers can still catch one kind.
- :func:`user_message` is the one translator of an error into the user's language, used by the CLI,
  the calculators, the add-in and the report.

A subclass may also be raised with a text already rendered (``UserError(message(code, lang))``, the
form older call sites use): when the first argument does not read as a code (lower-case words joined
by ``_`` or ``.``) and no parameter is given, it is kept as that text (code :data:`TEXT`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Protocol, runtime_checkable

from . import i18n

TEXT = "text"  # the code of a message already rendered: params = {"text": ...}


@runtime_checkable
class Coded(Protocol):
    """Anything that says something to the user as a message code and its parameters."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...

    def message(self, lang: str = "en") -> str: ...


@dataclass(frozen=True)
class Note:
    """Something the reader of a value should know: ``code`` + ``params`` (rendered FR/EN by
    :mod:`kpis.i18n`). Unpacks as ``code, params = note``."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "en") -> str:
        return i18n.message(self.code, lang, **_shown(self.params, lang))

    def __iter__(self) -> Iterator[Any]:
        return iter((self.code, self.params))


def _shown(params: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """``params`` as the user reads them: table and field ids replaced by their labels."""
    from .vocab import localise_params  # late: the vocabulary is large and rarely needed

    return localise_params(dict(params), lang)


def note(code: str, /, **params: Any) -> Note:
    """``note("calc_x", rep="Alice")`` == ``Note("calc_x", {"rep": "Alice"})``."""
    return Note(code, params)


class KpisError(Exception):
    """A failure explained to the user: message ``code`` and ``params``; ``str(e)`` is the message in
    the language given when raising, :meth:`message` gives it in any language."""

    exit_code: int = 2  # usage or file error, for the CLI

    def __init__(self, code: str, lang: str | None = "en", /, **params: Any) -> None:
        if not params and code != TEXT and not _is_code(code):  # a text already rendered
            code, params = TEXT, {"text": code}
        self.code = code
        self.params: dict[str, Any] = params
        self.lang: i18n.Lang = i18n.normalise_lang(lang or "en")
        super().__init__(self.message(self.lang))

    def message(self, lang: str = "en") -> str:
        return i18n.message(self.code, lang, **_shown(self.params, lang))

    def __str__(self) -> str:
        return self.message(self.lang)


_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")


def _is_code(s: str) -> bool:
    """Whether ``s`` reads as a message code (``calc_no_plan``, ``render.eval``), not as a text."""
    return isinstance(s, str) and _CODE.fullmatch(s) is not None


def user_message(e: BaseException, lang: str) -> str:
    """The one translator: what the user reads for ``e`` in ``lang``. A :class:`KpisError` gives its
    message; anything else is a bug, said as such (with what failed, to report it)."""
    if isinstance(e, KpisError):
        return e.message(lang)
    return i18n.message("internal_error", lang, error=f"{type(e).__name__}: {e}")


i18n.register({
    TEXT: {"fr": "{text}", "en": "{text}"},
    "internal_error": {
        "fr": "erreur interne ({error}) : signalez-la avec le fichier qui la provoque",
        "en": "internal error ({error}): please report it with the file that causes it",
    },
})
