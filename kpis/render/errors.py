"""Template mistakes, reported with sheet and cell.

Every problem found while checking or rendering a template becomes a :class:`Problem`
(``Résumé!C4: undefined 'kpi.win_rat'``); the engine collects them all and raises one
:class:`TemplateError` at the end, so a template author sees every mistake at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kpis import i18n
from kpis.errors import KpisError

MESSAGES = {
    "undefined": {"en": "undefined '{name}'", "fr": "indéfini : '{name}'"},
    "syntax": {"en": "syntax error: {error}", "fr": "erreur de syntaxe : {error}"},
    "eval": {"en": "error in {expr}: {error}", "fr": "erreur dans {expr} : {error}"},
    "unsafe": {"en": "not allowed in a template: {error}", "fr": "interdit dans un modèle : {error}"},
    "unknown_directive": {"en": "unknown directive {text}", "fr": "directive inconnue {text}"},
    "unclosed": {"en": "{{% {tag} %}} is never closed", "fr": "{{% {tag} %}} n'est jamais fermé"},
    "unopened": {"en": "{{% {tag} %}} without a matching opening tag", "fr": "{{% {tag} %}} sans balise ouvrante"},
    "not_iterable": {"en": "cannot loop over {expr}: {error}", "fr": "impossible de boucler sur {expr} : {error}"},
    "table_no_data_row": {
        "en": "a table with a header needs a data row below it (or use | noheader)",
        "fr": "un tableau avec en-tête a besoin d'une ligne de données en dessous (ou | noheader)",
    },
    "table_mixed_header": {
        "en": "tables in one row must all have a header or all use | noheader",
        "fr": "les tableaux d'une même ligne doivent tous avoir un en-tête ou tous utiliser | noheader",
    },
    "sheet_directive": {
        "en": "only one {{% sheet for %}} per sheet",
        "fr": "un seul {{% sheet for %}} par feuille",
    },
    "bad_value": {"en": "cannot write {kind} in a cell", "fr": "impossible d'écrire {kind} dans une cellule"},
    "problems": {"en": "the template has {n} mistake(s)", "fr": "le modèle contient {n} erreur(s)"},
    "problems_more": {"en": "… and {n} more", "fr": "… et {n} de plus"},
}
i18n.register({f"render.{k}": v for k, v in MESSAGES.items()})


@dataclass(frozen=True)
class Problem:
    """One mistake in a template: where it is (sheet, cell) and what is wrong."""

    sheet: str
    cell: str
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def message(self, lang: str = "en") -> str:
        return i18n.message(f"render.{self.code}", lang, **self.params)

    def format(self, lang: str = "en") -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else self.sheet or self.cell
        return f"{where}: {self.message(lang)}" if where else self.message(lang)

    def __str__(self) -> str:
        return self.format("en")


def _cell_order(cell: str) -> tuple[int, int]:
    from openpyxl.utils.cell import coordinate_to_tuple

    if not cell:  # a sheet-wide problem (openpyxl fails on "" with UnboundLocalError)
        return (0, 0)
    try:
        return coordinate_to_tuple(cell.split(":")[0])
    except (ValueError, TypeError):
        return (0, 0)


class TemplateError(KpisError):
    """Raised when a template has mistakes; ``problems`` lists every one of them (the message: one
    line per problem, the first ten)."""

    def __init__(self, problems: list[Problem], lang: str = "en"):
        self.problems = list(problems)
        super().__init__("render.problems", lang, n=len(self.problems))

    def message(self, lang: str = "en") -> str:
        lines = [p.format(lang) for p in self.problems[:10]]
        if len(self.problems) > 10:
            lines.append(i18n.message("render.problems_more", lang, n=len(self.problems) - 10))
        return "\n".join(lines)


class Problems:
    """Collects problems while a template is processed (no duplicates, keeps order)."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str, str, str], Problem] = {}

    def add(self, sheet: str, cell: str, code: str, **params: Any) -> None:
        # once per cell and kind of mistake, not once per rendered row
        key = (sheet, cell, code, repr(sorted(params.items())) if code != "eval" else "")
        self._items.setdefault(key, Problem(sheet, cell, code, params))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items.values())

    def list(self) -> list[Problem]:
        """Problems sheet by sheet (in the order sheets were met), then by row and column."""
        sheets: dict[str, int] = {}
        for p in self._items.values():
            sheets.setdefault(p.sheet, len(sheets))
        return sorted(self._items.values(), key=lambda p: (sheets[p.sheet], *_cell_order(p.cell)))

    def raise_if_any(self, lang: str = "en") -> None:
        if self._items:
            raise TemplateError(self.list(), lang)
