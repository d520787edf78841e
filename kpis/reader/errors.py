"""The one exception the reader raises at users: the file cannot be read at all."""

from __future__ import annotations

from typing import Any

from ..i18n import message, normalise_lang


class ReadError(Exception):
    """A workbook that cannot be read (missing, unsupported type, corrupt, password-protected).

    ``code`` is the CLI exit code (2); ``reason`` the message code; ``str(e)`` is the message in the
    language given when raising, :meth:`message` gives it in any language.
    """

    code = 2

    def __init__(self, reason: str, lang: str | None = "fr", **params: Any) -> None:
        self.reason = reason
        self.params = params
        self.lang = normalise_lang(lang)
        super().__init__(self.message(self.lang))

    def message(self, lang: str = "fr") -> str:
        return message(self.reason, lang, **self.params)
