"""Excel templates → formatted reports, without Excel (openpyxl + a jinja2 sandbox).

Public API::

    render(template, context, *, lang="fr") -> Report            # Report.save(path), .workbook
    render_to_file(template, context, out_path, *, lang="fr") -> Path   # atomic write
    render_per_item(template, items, key, out_dir, *, context=None, item_name="item", lang="fr") -> list[Path]
    sheet_writes(template, context, *, sheet=None, lang="fr") -> list[SheetWrites]  # for xlwings
    check_template(template, context=None, *, lang="en") -> list[Problem]

``template`` is a path to an .xlsx/.xlsm file, its bytes, or an openpyxl ``Workbook``. Mistakes
raise :class:`TemplateError` whose ``problems`` list every one (``Résumé!C4: undefined
'kpi.win_rat'``). See docs/templates.md for the template syntax.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from kpis.render.errors import Problem, TemplateError
from kpis.render.names import sanitise_file_stem, sanitise_sheet_name
from kpis.render.values import Styled

if TYPE_CHECKING:
    from kpis.render.cellwrites import CellWrite, SheetWrites
    from kpis.render.engine import Report, TemplateSource
    from kpis.render.tables import TableData

# openpyxl and jinja2 are imported with the modules that use them, on first use: a report's reading
# and computing then run without them in memory (~14 MB less at the report's peak).
_LAZY = {"CellWrite": "cellwrites", "SheetWrites": "cellwrites", "Report": "engine", "TableData": "tables"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"kpis.render.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'kpis.render' has no attribute {name!r}")

__all__ = [
    "render",
    "render_to_file",
    "render_per_item",
    "sheet_writes",
    "check_template",
    "Report",
    "Problem",
    "TemplateError",
    "TableData",
    "Styled",
    "CellWrite",
    "SheetWrites",
    "sanitise_sheet_name",
]


def render(template: TemplateSource, context: Mapping[str, Any], *, lang: str = "fr") -> Report:
    """Render a template with a context; raises :class:`TemplateError` listing every mistake."""
    from kpis.render.engine import render_workbook

    return render_workbook(template, context, lang)


def render_to_file(template: TemplateSource, context: Mapping[str, Any], out_path: str | os.PathLike,
                   *, lang: str = "fr") -> Path:
    """Render and write atomically (temporary file in the same directory, then ``os.replace``)."""
    return render(template, context, lang=lang).save(out_path)


def render_per_item(
    template: TemplateSource,
    items: Iterable[Any],
    key: str | Callable[[Any], Any],
    out_dir: str | os.PathLike,
    *,
    context: Mapping[str, Any] | None = None,
    item_name: str = "item",
    lang: str = "fr",
) -> list[Path]:
    """One workbook per item (a rep's commission statement...): the item is ``item_name`` in the
    context, the file is named from ``key`` (an attribute / dict key name, or a function of the
    item), sanitised and made unique. Every item is rendered before any file is written, so a
    template mistake leaves no partial set of files."""
    out_dir = Path(out_dir)
    taken: set[str] = set()
    reports = []
    for item in items:
        name = key(item) if callable(key) else _get(item, key)
        ctx = {**dict(context or {}), item_name: item}
        reports.append((sanitise_file_stem(name, taken), render(template, ctx, lang=lang)))
    return [report.save(out_dir / f"{stem}.xlsx") for stem, report in reports]


def sheet_writes(template: TemplateSource, context: Mapping[str, Any], *, sheet: str | None = None,
                 lang: str = "fr") -> list[SheetWrites]:
    """Render, then describe each sheet (or just ``sheet``) as plain cell writes for a writer that
    is not openpyxl (the Excel add-in writes them into the open workbook with xlwings)."""
    from kpis.render.cellwrites import sheet_to_writes

    report = render(template, context, lang=lang)
    names = report.sheetnames if sheet is None else [sheet]
    return [sheet_to_writes(report.workbook[n]) for n in names]


def check_template(template: TemplateSource, context: Mapping[str, Any] | Iterable[str] | None = None,
                   *, lang: str = "en") -> list[Problem]:
    """Placeholders that match nothing, syntax and block mistakes, without rendering."""
    from kpis.render.check import check_template as check

    return check(template, context, lang)


def _get(item: Any, key: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(key)
    return getattr(item, key, None)
