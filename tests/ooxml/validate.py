"""Validating every XML part of an Office package against the ISO/IEC 29500 schemas, as Excel reads it.

:func:`validate_package` opens a ``.xlsx``/``.xlsm``/``.xlam``, maps each part to its schema and root
element by its content type (``[Content_Types].xml``) or, for parts typed only ``application/xml``
(the ribbon's ``customUI``), by the relationship that points at it; applies markup compatibility
(ECMA-376 Part 3) the way a consumer does -- elements and attributes of ``mc:Ignorable`` namespaces
that the schemas do not cover are dropped, ``mc:AlternateContent`` becomes its first ``mc:Choice``
whose ``Requires`` namespaces are all understood, else its ``mc:Fallback``, else nothing -- and
validates it with lxml against ``../shared/ooxml-schemas`` (loaded from that folder once: the
schemas import each other by relative paths). A part with no known schema is itself a finding, so
a new kind of part cannot slip through unchecked; binary parts (VBA project, images, printer
settings) are listed and skipped.

The Excel rules no schema expresses are checked by the product (:mod:`kpis.render.excel_rules`);
:func:`check_file` runs both.

The only schema findings allowed are the two the schemas' README lists as Excel's own writing
(:data:`ALLOWED`): ``xml:space`` on a ``<t>`` element, and Excel-written core-properties extras.
"""

from __future__ import annotations

import copy
import posixpath
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from kpis.render.excel_rules import check_package

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
T = "iso29500-4-transitional/"

# content type -> (schema file, root element Clark name)
CONTENT_TYPES: dict[str, tuple[str, str]] = {
    "application/vnd.openxmlformats-package.relationships+xml":
        ("opc/opc-relationships.xsd", "{http://schemas.openxmlformats.org/package/2006/relationships}Relationships"),
    "application/vnd.openxmlformats-package.core-properties+xml": ("opc/opc-coreProperties.xsd", f"{{{CORE}}}coreProperties"),
    "application/vnd.openxmlformats-officedocument.extended-properties+xml":
        (T + "shared-documentPropertiesExtended.xsd", "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Properties"),
    "application/vnd.openxmlformats-officedocument.custom-properties+xml":
        (T + "shared-documentPropertiesCustom.xsd", "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}Properties"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (T + "sml.xsd", f"{{{SML}}}workbook"),
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": (T + "sml.xsd", f"{{{SML}}}workbook"),
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": (T + "sml.xsd", f"{{{SML}}}workbook"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": (T + "sml.xsd", f"{{{SML}}}workbook"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml": (T + "sml.xsd", f"{{{SML}}}worksheet"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml": (T + "sml.xsd", f"{{{SML}}}chartsheet"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml": (T + "sml.xsd", f"{{{SML}}}sst"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml": (T + "sml.xsd", f"{{{SML}}}styleSheet"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml": (T + "sml.xsd", f"{{{SML}}}table"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml": (T + "sml.xsd", f"{{{SML}}}comments"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml": (T + "sml.xsd", f"{{{SML}}}calcChain"),
    "application/vnd.openxmlformats-officedocument.theme+xml":
        (T + "dml-main.xsd", "{http://schemas.openxmlformats.org/drawingml/2006/main}theme"),
    "application/vnd.openxmlformats-officedocument.drawing+xml":
        (T + "dml-spreadsheetDrawing.xsd", "{http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing}wsDr"),
    "application/vnd.openxmlformats-officedocument.drawingml.chart+xml":
        (T + "dml-chart.xsd", "{http://schemas.openxmlformats.org/drawingml/2006/chart}chartSpace"),
}
CONTENT_TYPES_PART = ("opc/opc-contentTypes.xsd", "{http://schemas.openxmlformats.org/package/2006/content-types}Types")
VML = "application/vnd.openxmlformats-officedocument.vmlDrawing"
VML_SCHEMAS = {"urn:schemas-microsoft-com:vml": T + "vml-main.xsd", "urn:schemas-microsoft-com:office:office": T + "vml-officeDrawing.xsd",
               "urn:schemas-microsoft-com:office:excel": T + "vml-spreadsheetDrawing.xsd"}
# relationship type -> {root Clark name: schema}: parts typed only by their relationship
RELATIONSHIPS: dict[str, dict[str, str]] = {
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility":
        {"{http://schemas.microsoft.com/office/2006/01/customui}customUI": "customui/customUI.xsd"},
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility":
        {"{http://schemas.microsoft.com/office/2009/07/customui}customUI": "customui/customui14.xsd",
         "{http://schemas.microsoft.com/office/2006/01/customui}customUI": "customui/customUI.xsd"},
}
BINARY = {"application/vnd.ms-office.vbaProject", "image/png", "image/jpeg", "image/gif", "image/x-emf", "image/x-wmf",
          "application/vnd.openxmlformats-officedocument.spreadsheetmlPrinterSettings"}

# The only schema findings allowed, each with why (see ../shared/ooxml-schemas/README.md):
ALLOWED: list[tuple[str, re.Pattern[str]]] = [
    # Excel writes <t xml:space="preserve"> for text with outer spaces; the schema types <t> as a plain string
    ("xml:space on <t>", re.compile(r"^Element '\{%s\}t', attribute '\{%s\}space': The attribute '\{%s\}space' is not allowed\.$"
                                    % (re.escape(SML), re.escape(XML_NS), re.escape(XML_NS)))),
    # Excel-written core properties absent from the 4th-edition schema (none seen in kpis' files so far)
    ("core-properties extras", re.compile(r"^Element '\{%s\}(?:[A-Za-z]+)': This element is not expected\..*$" % re.escape(CORE))),
]
ALLOWED_CORE_PARTS = ("docProps/core.xml",)


@dataclass(frozen=True)
class SchemaFinding:
    part: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.part}:{self.line}: {self.message}"


@lru_cache(maxsize=None)
def schema(folder: Path, name: str) -> etree.XMLSchema:
    """One schema file of ``folder``, loaded once (its relative imports resolve from the folder)."""
    return etree.XMLSchema(etree.parse(str(folder / name)))


@lru_cache(maxsize=None)
def understood(folder: Path) -> frozenset[str]:
    """Namespaces the schema folder covers: a consumer validating with it 'understands' them."""
    out = set()
    for xsd in folder.rglob("*.xsd"):
        m = re.search(rb'targetNamespace="([^"]+)"', xsd.read_bytes())
        if m:
            out.add(m.group(1).decode())
    return frozenset(out - {MC})


def _prefixes(el: etree._Element, value: str) -> set[str]:
    return {el.nsmap.get(p) or "" for p in value.split()}


def apply_markup_compatibility(root: etree._Element, known: frozenset[str]) -> list[str]:
    """Process ``mc:`` markup in place, as a consumer that understands ``known``; returns problems
    (a ``mc:MustUnderstand`` namespace that is not understood, an ignorable namespace left unused)."""
    problems: list[str] = []

    def walk(el: etree._Element, ignorable: set[str]) -> None:
        ign = el.get(f"{{{MC}}}Ignorable")
        if ign is not None:
            ignorable = ignorable | (_prefixes(el, ign) - known)
            del el.attrib[f"{{{MC}}}Ignorable"]
        must = el.get(f"{{{MC}}}MustUnderstand")
        if must is not None:
            missing = _prefixes(el, must) - known
            if missing:
                problems.append(f"mc:MustUnderstand of namespaces not understood: {sorted(missing)}")
            del el.attrib[f"{{{MC}}}MustUnderstand"]
        for attr in list(el.attrib):
            ns = etree.QName(attr).namespace
            if ns in ignorable or ns == MC:
                del el.attrib[attr]
        for child in list(el):
            if not isinstance(child.tag, str):
                continue
            qn = etree.QName(child)
            if qn.namespace == MC and qn.localname == "AlternateContent":
                chosen = None
                for branch in child:
                    bq = etree.QName(branch)
                    if bq.localname == "Choice" and _prefixes(branch, branch.get("Requires", "")) <= known:
                        chosen = branch
                        break
                    if bq.localname == "Fallback":
                        chosen = branch
                        break
                index = el.index(child)
                el.remove(child)
                for k, grand in enumerate(list(chosen) if chosen is not None else []):
                    el.insert(index + k, grand)
                continue
            if qn.namespace in ignorable:
                el.remove(child)
                continue
        for child in el:
            # an <ext> of an <extLst> is opaque (the schema takes any content there, at least one element);
            # only a consumer that knows its uri reads it, so its content is left as written
            if isinstance(child.tag, str) and not (etree.QName(child).localname == "ext" and etree.QName(el).localname == "extLst"):
                walk(child, ignorable)

    walk(root, set())
    # AlternateContent children moved up may themselves hold mc markup: a second pass settles it
    if any(etree.QName(e).namespace == MC for e in root.iter() if isinstance(e.tag, str)):
        walk(root, set())
    return problems


def _content_types(z: zipfile.ZipFile) -> dict[str, str]:
    """Part name (no leading slash) -> content type."""
    root = etree.fromstring(z.read("[Content_Types].xml"))
    defaults, overrides = {}, {}
    for el in root:
        local = etree.QName(el).localname
        if local == "Default":
            defaults[el.get("Extension", "").lower()] = el.get("ContentType", "")
        elif local == "Override":
            overrides[el.get("PartName", "").lstrip("/")] = el.get("ContentType", "")
    out = {}
    for name in z.namelist():
        if name.endswith("/") or name == "[Content_Types].xml":
            continue
        out[name] = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1].lower(), "")
    return out


def _relationship_types(z: zipfile.ZipFile) -> dict[str, str]:
    """Part name -> type of a relationship that targets it."""
    out = {}
    for name in z.namelist():
        if not name.endswith(".rels"):
            continue
        folder = posixpath.dirname(posixpath.dirname(name))
        for rel in etree.fromstring(z.read(name)):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            out[path] = rel.get("Type", "")
    return out


def _errors(xsd: etree.XMLSchema, el: etree._Element, part: str) -> list[SchemaFinding]:
    if xsd.validate(el):
        return []
    return [SchemaFinding(part, e.line, e.message) for e in xsd.error_log]


def validate_part(folder: Path, part: str, data: bytes, content_type: str, rel_type: str | None) -> list[SchemaFinding]:
    """Schema findings of one part (content-type or relationship mapped)."""
    root = etree.fromstring(data)
    known = understood(folder)
    if content_type == VML:
        return _validate_vml(folder, part, root)
    if part == "[Content_Types].xml":
        name, expected = CONTENT_TYPES_PART
    elif content_type in CONTENT_TYPES:
        name, expected = CONTENT_TYPES[content_type]
    elif rel_type in RELATIONSHIPS and root.tag in RELATIONSHIPS[rel_type]:
        name, expected = RELATIONSHIPS[rel_type][root.tag], root.tag
    else:
        return [SchemaFinding(part, 0, f"no schema for content type {content_type!r} (relationship {rel_type!r}, root {root.tag})")]
    if root.tag != expected:
        return [SchemaFinding(part, root.sourceline or 0, f"root element {root.tag}, expected {expected}")]
    root = copy.deepcopy(root)
    findings = [SchemaFinding(part, 0, p) for p in apply_markup_compatibility(root, known)]
    return findings + _errors(schema(folder, name), root, part)


def _validate_vml(folder: Path, part: str, root: etree._Element) -> list[SchemaFinding]:
    """A VML drawing's root is a bare ``<xml>`` wrapper no schema declares: its children are validated."""
    if root.tag != "xml":
        return [SchemaFinding(part, root.sourceline or 0, f"VML root element {root.tag}, expected xml")]
    out = []
    root = copy.deepcopy(root)
    out += [SchemaFinding(part, 0, p) for p in apply_markup_compatibility(root, understood(folder))]
    for child in root:
        if not isinstance(child.tag, str):
            continue
        ns = etree.QName(child).namespace
        if ns not in VML_SCHEMAS:
            out.append(SchemaFinding(part, child.sourceline or 0, f"VML element {child.tag} of no known namespace"))
            continue
        out += _errors(schema(folder, VML_SCHEMAS[ns]), child, part)
    return out


def allowed(f: SchemaFinding) -> str | None:
    """Why a finding is allowed (the :data:`ALLOWED` entry it matches), or None."""
    for why, pattern in ALLOWED:
        if why == "core-properties extras" and f.part not in ALLOWED_CORE_PARTS:
            continue
        if pattern.match(f.message):
            return why
    return None


def validate_package(path: Path | str, folder: Path) -> tuple[list[SchemaFinding], list[str]]:
    """(schema findings not allowed, parts skipped as binary) of the package at ``path``."""
    findings: list[SchemaFinding] = []
    skipped: list[str] = []
    with zipfile.ZipFile(path) as z:
        types = _content_types(z)
        rels = _relationship_types(z)
        findings += validate_part(folder, "[Content_Types].xml", z.read("[Content_Types].xml"), "", None)
        for part, ctype in sorted(types.items()):
            if ctype in BINARY:
                skipped.append(part)
                continue
            try:
                findings += validate_part(folder, part, z.read(part), ctype, rels.get(part))
            except etree.XMLSyntaxError as e:
                findings.append(SchemaFinding(part, e.lineno or 0, f"not well-formed: {e}"))
    return [f for f in findings if allowed(f) is None], skipped


def check_file(path: Path | str, folder: Path) -> list[str]:
    """Every problem of a file, as text: schema findings (not allowed) and Excel-rule findings."""
    schema_findings, _ = validate_package(path, folder)
    return [str(f) for f in schema_findings] + [f"{f.part}: {f}" for f in check_package(Path(path))]
