"""The one exception the reader raises at users: the file cannot be read at all."""

from __future__ import annotations

from ..errors import KpisError


class ReadError(KpisError):
    """A workbook that cannot be read (missing, unsupported type, corrupt, password-protected).

    ``code`` is the message code (``reason`` too, as older callers say), ``exit_code`` the CLI's (2);
    ``str(e)`` is the message in the language given when raising, :meth:`message` in any language.
    """

    def __init__(self, reason: str, lang: str | None = "fr", /, **params: object) -> None:
        super().__init__(reason, lang or "fr", **params)

    @property
    def reason(self) -> str:
        return self.code
