"""Charts, pictures and shapes: kept from the template, with their references moved.

openpyxl rebuilds charts from its own object model when it loads a workbook (losing chart style
and colour parts, data-label ranges and extensions), drops pictures unless Pillow is installed,
and drops shapes and text boxes. So the engine does not let openpyxl write drawings for sheets that
had one in the template: after openpyxl saves, :func:`transplant_drawings` copies each template
drawing with everything it links to (charts, their style/colour parts, images) into the output
package, once per rendered sheet, and

- rewrites every chart formula (``<c:f>``: series values, categories, titles, data-label
  ranges) through the same :class:`Mapper` as cell formulas, so a series on a table's data row
  covers every new row and a copied sheet's chart points at its own sheet;
- refreshes each series cache (``numCache`` / ``strCache``) from the written values, or drops it
  when a referenced cell holds a formula (the spreadsheet application recomputes it);
- moves each anchor down with the rows above it, keeping the drawing's height in rows, except a
  two-cell anchor marked ``editAs="twoCell"`` ("move and size with cells"), which also grows with
  the rows added inside it (a chart of one bar per rep grows with the team).
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from openpyxl.utils.cell import range_boundaries

from kpis.render.names import unquote_sheet
from kpis.render.package import REL_DRAWING, Package, rels_path, relative
from kpis.render.refs import RE_SHEET, Mapper, SheetOut

_F = re.compile(r"(<(?:[A-Za-z0-9_]+:)?f(?:\s[^>]*)?>)([^<]*)(</(?:[A-Za-z0-9_]+:)?f>)")
_REF_BLOCK = re.compile(r"<(?P<p>(?:[A-Za-z0-9_]+:)?)(?P<kind>numRef|strRef)>(?P<body>.*?)</(?P=p)(?P=kind)>", re.S)
_ANCHOR_ROW = re.compile(
    r"(<(?P<p>(?:[A-Za-z0-9_]+:)?)(?P<edge>from|to)>.*?<(?P=p)row>)(?P<row>\d+)(</(?P=p)row>)", re.S
)
_SHEET_END_ELEMENTS = re.compile(
    r"<(?:legacyDrawing|legacyDrawingHF|drawingHF|picture|oleObjects|controls|webPublishItems|tableParts|extLst)[\s/>]"
)


@dataclass
class DrawingJob:
    """Put the drawing of template sheet ``template`` on rendered sheet ``out``."""

    template: str
    out: SheetOut


def template_drawings(data: bytes) -> dict[str, str]:
    """Template sheet title → its drawing part, for sheets that have one."""
    pkg = Package(data)
    out = {}
    for title, part in pkg.sheets().items():
        for rel in pkg.rels(part):
            if rel.type == REL_DRAWING and not rel.external:
                out[title] = rel.target
    return out


def transplant_drawings(output: bytes, template: bytes, jobs: list[DrawingJob], mapper: Mapper, workbook) -> bytes:
    if not jobs:
        return output
    tpl = Package(template)
    out = Package(output)
    drawings = template_drawings(template)
    tpl_defaults, tpl_overrides = tpl.content_types()
    out_defaults, out_overrides = out.content_types()
    out_sheets = out.sheets()

    replaced: dict[str, bytes] = {}
    added: dict[str, bytes] = {}
    new_overrides: dict[str, str] = {}
    new_defaults: dict[str, str] = {}
    for n, job in enumerate(jobs, 1):
        drawing = drawings.get(job.template)
        sheet_part = out_sheets.get(job.out.title)
        if drawing is None or sheet_part is None:
            continue
        parts = tpl.closure(drawing)
        rename = {p: _new_name(p, n, out.names | set(added)) for p in parts}
        for p in parts:
            data = tpl.read(p)
            new = rename[p]
            if p.endswith(".xml"):
                text = data.decode("utf-8")
                if "chartSpace" in text[:2000]:
                    text = rewrite_chart(text, job.out, mapper, workbook)
                if p == drawing:
                    text = move_anchors(text, job.out)
                data = text.encode("utf-8")
            added[new] = data
            rels = tpl.rels(p)
            if rels:
                added[rels_path(new)] = _rels_xml(new, rels, rename).encode("utf-8")
            ext = posixpath.splitext(p)[1].lstrip(".").lower()
            if p in tpl_overrides:
                new_overrides[new] = tpl_overrides[p]
            elif ext in tpl_defaults and ext not in out_defaults:
                new_defaults[ext] = tpl_defaults[ext]
        rid = f"rIdKpisDrawing{n}"
        sheet_xml = replaced.get(sheet_part, out.read(sheet_part)).decode("utf-8")
        replaced[sheet_part] = _add_drawing_element(sheet_xml, rid).encode("utf-8")
        srels = rels_path(sheet_part)
        rels_xml = replaced.get(srels) or (out.read(srels) if srels in out.names else None)
        replaced[srels] = _add_relationship(rels_xml, rid, REL_DRAWING, relative(sheet_part, rename[drawing])).encode("utf-8")

    ct = out.read("[Content_Types].xml").decode("utf-8")
    extra = "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in new_defaults.items())
    extra += "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in new_overrides.items())
    replaced["[Content_Types].xml"] = ct.replace("</Types>", extra + "</Types>").encode("utf-8")

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in out.zip.infolist():
            if info.filename in replaced:
                z.writestr(info.filename, replaced.pop(info.filename))
            else:
                z.writestr(info, out.zip.read(info.filename))
        for name, data in list(replaced.items()) + list(added.items()):
            z.writestr(name, data)
    return buf.getvalue()


def _new_name(part: str, n: int, taken: set[str]) -> str:
    d, name = posixpath.split(part)
    candidate = posixpath.join(d, f"kpis{n}_{name}")
    k = 2
    while candidate in taken:
        candidate = posixpath.join(d, f"kpis{n}_{k}_{name}")
        k += 1
    return candidate


def _rels_xml(new_part: str, rels, rename: dict[str, str]) -> str:
    items = []
    for r in rels:
        if r.external:
            target, mode = r.target, ' TargetMode="External"'
        else:
            target, mode = relative(new_part, rename.get(r.target, r.target)), ""
        items.append(f'<Relationship Id="{r.id}" Type="{r.type}" Target="{html.escape(target)}"{mode}/>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(items)
        + "</Relationships>"
    )


def _add_relationship(xml: bytes | None, rid: str, rtype: str, target: str) -> str:
    rel = f'<Relationship Id="{rid}" Type="{rtype}" Target="{html.escape(target)}"/>'
    if not xml:
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + rel + "</Relationships>"
        )
    text = xml.decode("utf-8")
    if re.search(r"<Relationships[^>]*/>", text):
        return re.sub(r"<Relationships([^>]*)/>", lambda m: f"<Relationships{m.group(1)}>{rel}</Relationships>", text)
    return text.replace("</Relationships>", rel + "</Relationships>")


def _add_drawing_element(xml: str, rid: str) -> str:
    element = f'<drawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="{rid}"/>'
    m = _SHEET_END_ELEMENTS.search(xml)
    if m:
        return xml[: m.start()] + element + xml[m.start():]
    return xml.replace("</worksheet>", element + "</worksheet>")


# -- chart XML -----------------------------------------------------------------------------------

def rewrite_chart(text: str, here: SheetOut, mapper: Mapper, workbook) -> str:
    def one_block(m: re.Match) -> str:
        p, kind, body = m.group("p"), m.group("kind"), m.group("body")
        fm = _F.search(body)
        if not fm:
            return m.group(0)
        formula = mapper.formula(html.unescape(fm.group(2)), here, None, expand_cells=True)
        body = body[: fm.start()] + fm.group(1) + html.escape(formula, quote=False) + fm.group(3) + body[fm.end():]
        cache_tag = "numCache" if kind == "numRef" else "strCache"
        cm = re.search(rf"<{p}{cache_tag}>(.*?)</{p}{cache_tag}>", body, re.S)
        values = _values(formula, workbook)
        if cm:
            if values is None:
                body = body[: cm.start()] + body[cm.end():]
            else:
                fmt = re.search(rf"<{p}formatCode>(.*?)</{p}formatCode>", cm.group(1), re.S)
                body = body[: cm.start()] + _cache(p, cache_tag, values, fmt.group(1) if fmt else None) + body[cm.end():]
        return f"<{p}{kind}>{body}</{p}{kind}>"

    text = _REF_BLOCK.sub(one_block, text)

    # any other formula (titles, data-label ranges in extensions): shift references only
    def other(m: re.Match) -> str:
        return m.group(1) + html.escape(mapper.formula(html.unescape(m.group(2)), here, None), quote=False) + m.group(3)

    parts = re.split(r"(<(?:[A-Za-z0-9_]+:)?(?:numRef|strRef)>.*?</(?:[A-Za-z0-9_]+:)?(?:numRef|strRef)>)", text, flags=re.S)
    return "".join(part if i % 2 else _F.sub(other, part) for i, part in enumerate(parts))


def _values(formula: str, workbook) -> list | None:
    """Values of a single-area reference, or None if unknown or any cell is a formula."""
    m = RE_SHEET.match(formula.strip())
    if not m:
        return None
    title = unquote_sheet(m.group(1))
    if title not in workbook.sheetnames:
        return None
    try:
        c1, r1, c2, r2 = range_boundaries(m.group(2).replace("$", ""))
    except (ValueError, TypeError):
        return None
    if None in (c1, r1, c2, r2) or (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
        return None
    ws = workbook[title]
    values = []
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            cell = ws._cells.get((r, c))
            if cell is None:
                values.append(None)
            elif cell.data_type == "f":
                return None
            else:
                values.append(cell.value)
    return values


def _cache(p: str, tag: str, values: list, fmt: str | None) -> str:
    items = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if tag == "numCache":
            if isinstance(v, bool) or not isinstance(v, int | float):
                continue
            text = repr(float(v)) if isinstance(v, float) else str(v)
        else:
            text = html.escape(str(v), quote=False)
        items.append(f'<{p}pt idx="{i}"><{p}v>{text}</{p}v></{p}pt>')
    head = f"<{p}formatCode>{fmt}</{p}formatCode>" if tag == "numCache" else ""
    if tag == "numCache" and fmt is None:
        head = f"<{p}formatCode>General</{p}formatCode>"
    return f'<{p}{tag}>{head}<{p}ptCount val="{len(values)}"/>{"".join(items)}</{p}{tag}>'


# -- anchors -------------------------------------------------------------------------------------

_ANCHOR = re.compile(r"<(?P<p>(?:[A-Za-z0-9_]+:)?)(?P<kind>twoCellAnchor|oneCellAnchor)\b.*?</(?P=p)(?P=kind)>", re.S)


_SIZE_WITH_CELLS = re.compile(r'\beditAs="twoCell"')


def move_anchors(text: str, here: SheetOut) -> str:
    """Move each anchored drawing down with the rows above it, keeping its height in rows -- except a
    two-cell anchor marked ``editAs="twoCell"`` (Excel's "move and size with cells"), whose bottom edge
    follows its own row: rows added inside it (a table growing under a chart) make it taller, so a
    bar chart over one row per rep grows with the team."""
    rowmap = here.rowmap

    def one(m: re.Match) -> str:
        block = m.group(0)
        rows = {rm.group("edge"): int(rm.group("row")) for rm in _ANCHOR_ROW.finditer(block)}
        if "from" not in rows:
            return block
        start = rows["from"] + 1
        new_start = rowmap.map_row(start, "start")
        r = start
        while new_start is None and r < rowmap.template_rows:
            r += 1
            new_start = rowmap.map_row(r, "start")
        if new_start is None:
            return block
        delta = new_start - start
        new_rows = {"from": new_start - 1}
        if "to" in rows:
            new_rows["to"] = rows["to"] + delta
            if m.group("kind") == "twoCellAnchor" and _SIZE_WITH_CELLS.search(block[: block.index(">")]):
                end = rowmap.map_row(rows["to"] + 1, "end")
                if end is not None and end - 1 >= new_rows["from"]:
                    new_rows["to"] = end - 1

        def shift(rm: re.Match) -> str:
            return rm.group(1) + str(new_rows[rm.group("edge")]) + rm.group(5)

        return _ANCHOR_ROW.sub(shift, block)

    return _ANCHOR.sub(one, text)
