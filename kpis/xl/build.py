"""Build ``kpis/xl/kpis.xlam`` on any system, from the sources in ``addin/``: no Excel needed.

The package is an Office Open XML add-in (``[Content_Types].xml`` declares the workbook part as
``application/vnd.ms-excel.addin.macroEnabled.main+xml``) holding:

- ``customUI/customUI14.xml`` -- the ribbon tab, built from ``addin/ribbon.xml``: the source's
  ``k:*`` attributes (French and English labels and tips) are removed and replaced by
  ``getLabel``/``getSupertip`` callbacks, so one add-in follows Excel's interface language;
- ``xl/vbaProject.bin`` -- the VBA project: ``addin/vba/*.bas`` plus a generated module
  ``KpisLabels`` holding the labels and ``addin/vba/messages.toml``. It is written
  **source-only**, as [MS-OVBA] asks of writers: the ``_VBA_PROJECT`` stream is the 7-byte header
  with version ``0xFFFF`` and no performance cache, and every module stream starts with its
  compressed source (``MODULEOFFSET`` 0, no p-code), so Excel compiles the project from source
  on first load, whatever its version.

The OLE container and the MS-OVBA compression come from pyOpenVBA (``ExcelFile.create_new`` starts
from an add-in Excel saved itself); this module only adds what a ribbon add-in needs and enforces
the source-only rules. The build is deterministic: fixed ZIP timestamps and part order, so
rebuilding unchanged sources gives the same bytes.
"""

from __future__ import annotations

import io
import re
import tempfile
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_atomic
from ..errors import TEXT, KpisError

ADDIN_DIR = Path(__file__).resolve().parents[2] / "addin"
# Shipped inside the package (package data), so `kpis addin install` finds it after a plain pip install.
DEFAULT_OUTPUT = Path(__file__).resolve().parent / "kpis.xlam"

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
SOURCE_NS = "urn:kpis:ribbon"
CUSTOMUI_PART = "customUI/customUI14.xml"
CUSTOMUI_REL_TYPE = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
VBA_PART = "xl/vbaProject.bin"
LABELS_MODULE = "KpisLabels"
LABEL_CALLBACK = "KpisGetLabel"
SUPERTIP_CALLBACK = "KpisGetSupertip"
# [MS-OVBA] 2.3.4.1 / 3.1.1: Reserved1 0x61CC, Version 0xFFFF, Reserved2 0x00, Reserved3 0x0001.
SOURCE_ONLY_VBA_PROJECT = b"\xcc\x61\xff\xff\x00\x01\x00"
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>kpis</dc:title><dc:subject>Indicateurs commerciaux / Sales KPIs</dc:subject>"
    "<dc:creator>kpis</dc:creator><cp:lastModifiedBy>kpis addin build</cp:lastModifiedBy>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)


class BuildError(KpisError, RuntimeError):
    """The add-in sources are inconsistent, or a build tool is missing (a text for the developer)."""

    def __init__(self, text: str) -> None:
        super().__init__(TEXT, "en", text=text)


@dataclass(frozen=True)
class RibbonControl:
    """One element of the ribbon source that carries labels (tab, group or button)."""

    kind: str  # "tab", "group" or "button"
    id: str
    labels: dict[str, str]  # lang -> label
    tips: dict[str, str] = field(default_factory=dict)  # lang -> supertip
    tag: str | None = None  # buttons: the script of kpis.xl.scripts to run
    on_action: str | None = None


@dataclass(frozen=True)
class Ribbon:
    controls: tuple[RibbonControl, ...]
    xml: str  # the customUI14.xml written into the package

    @property
    def buttons(self) -> tuple[RibbonControl, ...]:
        return tuple(c for c in self.controls if c.kind == "button")


# -- ribbon ---------------------------------------------------------------------------------------


def load_ribbon(source: Path | None = None) -> Ribbon:
    """Read ``addin/ribbon.xml``; return its controls and the customUI XML to package.

    Every tab, group and button must have ``k:fr`` and ``k:en`` labels; every button an ``id``, a
    ``tag`` (a Python identifier) and an ``onAction``; ids must be unique.
    """
    source = source or ADDIN_DIR / "ribbon.xml"
    try:
        root = ET.fromstring(source.read_bytes())
    except ET.ParseError as e:
        raise BuildError(f"{source}: invalid XML: {e}") from None
    if root.tag != f"{{{CUSTOMUI_NS}}}customUI":
        raise BuildError(f"{source}: the root element must be <customUI xmlns=\"{CUSTOMUI_NS}\">")
    controls: list[RibbonControl] = []
    seen: set[str] = set()
    for element in root.iter():
        kind = element.tag.split("}")[-1]
        own = {k.split("}")[-1]: v for k, v in element.attrib.items() if k.startswith(f"{{{SOURCE_NS}}}")}
        for k in [k for k in element.attrib if k.startswith(f"{{{SOURCE_NS}}}")]:
            del element.attrib[k]
        if kind not in ("tab", "group", "button"):
            if own:
                raise BuildError(f"{source}: k:* attributes are only read on tab, group and button, not <{kind}>")
            continue
        cid = element.get("id")
        if not cid:
            raise BuildError(f"{source}: a <{kind}> has no id")
        if cid in seen:
            raise BuildError(f"{source}: duplicate id {cid!r}")
        seen.add(cid)
        labels = {lang: own.get(lang, "") for lang in ("fr", "en")}
        if not all(labels.values()):
            raise BuildError(f"{source}: <{kind} id={cid!r}> needs both k:fr and k:en labels")
        if "label" in element.attrib:
            raise BuildError(f"{source}: <{kind} id={cid!r}>: use k:fr/k:en, not label (the build adds getLabel)")
        element.set("getLabel", LABEL_CALLBACK)
        tips = {lang: own[f"tip-{lang}"] for lang in ("fr", "en") if f"tip-{lang}" in own}
        tag = on_action = None
        if kind == "button":
            tag, on_action = element.get("tag"), element.get("onAction")
            if not tag or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", tag):
                raise BuildError(f"{source}: <button id={cid!r}> needs a tag naming a Python script, got {tag!r}")
            if not on_action:
                raise BuildError(f"{source}: <button id={cid!r}> has no onAction")
            if set(tips) not in (set(), {"fr", "en"}):
                raise BuildError(f"{source}: <button id={cid!r}> needs both k:tip-fr and k:tip-en, or neither")
            if tips:
                element.set("getSupertip", SUPERTIP_CALLBACK)
        controls.append(RibbonControl(kind, cid, labels, tips, tag, on_action))
    ET.register_namespace("", CUSTOMUI_NS)
    body = ET.tostring(root, encoding="unicode")
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + body
    return Ribbon(tuple(controls), xml)


# -- VBA ------------------------------------------------------------------------------------------


def vba_literal(text: str, width: int = 180) -> list[str]:
    """``text`` as VBA expressions (one per line, to be joined by ``s = s & ...``).

    Non-ASCII characters become ``ChrW(n)`` so the module reads the same whatever code page the
    project is opened with (Windows 1252, Mac Roman...); newlines become ``vbLf``; double quotes are
    doubled. Pieces stay short so no VBA line exceeds its 1,023-character limit.
    """
    parts: list[str] = []
    run = ""

    def flush() -> None:
        nonlocal run
        while run:
            piece, run = run[: width - 10], run[width - 10 :]
            if piece.endswith('"') and not piece.endswith('""') and run.startswith('"'):
                piece, run = piece[:-1], '"' + run  # never split a doubled quote
            parts.append(f'"{piece}"')

    for ch in text:
        if ch == "\n":
            flush()
            parts.append("vbLf")
        elif ord(ch) < 128 and ch != "\r":
            run += '""' if ch == '"' else ch
        elif ch != "\r":
            flush()
            parts.append(f"ChrW({ord(ch)})")
    flush()
    if not parts:
        return ['""']
    lines: list[str] = []
    current = ""
    for p in parts:
        if current and len(current) + len(p) + 3 > width:
            lines.append(current)
            current = p
        else:
            current = f"{current} & {p}" if current else p
    lines.append(current)
    return lines


def labels_module(ribbon: Ribbon, messages: dict[str, dict[str, str]]) -> str:
    """Source of the generated VBA module ``KpisLabels``: ``KpisText(key, lang)``.

    Keys: ``<control id>.label``, ``<button id>.tip`` and ``msg.<name>`` for ``messages.toml``;
    any language other than ``fr`` reads English; an unknown key returns itself.
    """
    entries: list[tuple[str, str, str]] = []
    for c in ribbon.controls:
        for lang in ("fr", "en"):
            entries.append((f"{c.id}.label", lang, c.labels[lang]))
            if c.tips:
                entries.append((f"{c.id}.tip", lang, c.tips[lang]))
    for name, texts in messages.items():
        for lang in ("fr", "en"):
            if lang not in texts:
                raise BuildError(f"messages.toml: [{name}] lacks {lang}")
            entries.append((f"msg.{name}", lang, texts[lang].strip("\n")))
    out = [
        f'Attribute VB_Name = "{LABELS_MODULE}"',
        "Option Explicit",
        "' Generated by `kpis addin build` from addin/ribbon.xml and addin/vba/messages.toml.",
        "' Do not edit: change the sources and build again.",
        "",
        "Public Function KpisText(ByVal key As String, ByVal lang As String) As String",
        "    Dim s As String",
        '    If lang <> "fr" Then lang = "en"',
        '    Select Case key & "|" & lang',
    ]
    for key, lang, text in entries:
        out.append(f'        Case "{key}|{lang}"')
        first, *rest = vba_literal(text)
        out.append(f"            s = {first}")
        out.extend(f"            s = s & {piece}" for piece in rest)
    out += ["        Case Else", "            s = key", "    End Select", "    KpisText = s", "End Function", ""]
    return "\r\n".join(out)


def vba_sources(source_dir: Path | None = None, ribbon: Ribbon | None = None) -> dict[str, str]:
    """Module name -> source (CRLF line ends) of every module the add-in carries."""
    source_dir = source_dir or ADDIN_DIR
    ribbon = ribbon or load_ribbon(source_dir / "ribbon.xml")
    modules: dict[str, str] = {}
    for path in sorted((source_dir / "vba").glob("*.bas")):
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        if any(ord(ch) > 127 for ch in text):
            raise BuildError(f"{path}: keep VBA sources ASCII (put texts in messages.toml or ribbon.xml)")
        m = re.match(r'Attribute VB_Name = "(\w+)"', text)
        if not m:
            raise BuildError(f"{path}: first line must be Attribute VB_Name = \"...\"")
        modules[m.group(1)] = text.replace("\n", "\r\n")
    messages_path = source_dir / "vba" / "messages.toml"
    messages = tomllib.loads(messages_path.read_text(encoding="utf-8")) if messages_path.exists() else {}
    modules[LABELS_MODULE] = labels_module(ribbon, messages)
    return modules


# -- package --------------------------------------------------------------------------------------


def _pyopenvba():
    try:
        import pyopenvba
    except ImportError:  # pragma: no cover - depends on the environment
        raise BuildError(
            "building the add-in needs pyOpenVBA: pip install 'kpis[addin]' (or pip install pyopenvba)\n"
            "la construction du complément demande pyOpenVBA : pip install 'kpis[addin]'"
        ) from None
    return pyopenvba


def _vba_project_bin(modules: dict[str, str]) -> tuple[bytes, dict[str, bytes]]:
    """A blank add-in from pyOpenVBA with our modules, made source-only; returns (vbaProject.bin, other parts)."""
    pyopenvba = _pyopenvba()
    from pyopenvba.cfb import CFB

    with tempfile.TemporaryDirectory(prefix="kpis_xlam_") as tmp:
        path = Path(tmp) / "blank.xlam"
        with pyopenvba.ExcelFile.create_new(str(path)) as wb:
            project = wb.vba_project()
            for name in [m.name for m in project.modules]:
                if name not in ("ThisWorkbook", "Sheet1"):  # the template's empty Module1
                    project.delete_module(name)
            for name, source in modules.items():
                project.add_module(name, source)
            # Rewrite the document modules too, so no stream keeps the template's compiled p-code.
            for name in ("ThisWorkbook", "Sheet1"):
                wb.set_module(name, wb.get_module(name))
            wb.save()
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
    cfb = CFB.from_bytes(parts[VBA_PART])
    cfb.write_stream_in_storage("VBA", "_VBA_PROJECT", SOURCE_ONLY_VBA_PROJECT)
    for stream in cfb.list_streams_in_storage("VBA"):
        if stream.upper().startswith("__SRP_"):  # compiled caches, never needed on write
            cfb.remove_stream_in_storage("VBA", stream)
    vba = cfb.to_bytes()
    offsets = {m.name: m.text_offset for m in pyopenvba.vba.parse_vba_project(CFB.from_bytes(vba)).modules}
    compiled = [name for name, offset in offsets.items() if offset]
    if compiled:
        raise BuildError(f"modules still carry compiled code (MODULEOFFSET > 0): {compiled}")
    return vba, parts


def _with_customui_relationship(rels: str) -> str:
    if CUSTOMUI_REL_TYPE in rels:
        return rels
    ids = {int(n) for n in re.findall(r'Id="rId(\d+)"', rels)}
    new_id = max(ids, default=0) + 1
    rel = f'<Relationship Id="rId{new_id}" Type="{CUSTOMUI_REL_TYPE}" Target="{CUSTOMUI_PART}"/>'
    return rels.replace("</Relationships>", rel + "</Relationships>")


def build_parts(source_dir: Path | None = None) -> dict[str, bytes]:
    """Every part of the add-in package, by name."""
    source_dir = source_dir or ADDIN_DIR
    ribbon = load_ribbon(source_dir / "ribbon.xml")
    modules = vba_sources(source_dir, ribbon)
    vba, parts = _vba_project_bin(modules)
    parts[VBA_PART] = vba
    types = parts["[Content_Types].xml"].decode("utf-8")
    if ADDIN_CONTENT_TYPE not in types:
        raise BuildError("the blank add-in's workbook part is not declared as an add-in")
    parts["_rels/.rels"] = _with_customui_relationship(parts["_rels/.rels"].decode("utf-8")).encode("utf-8")
    parts[CUSTOMUI_PART] = ribbon.xml.encode("utf-8")
    parts["docProps/core.xml"] = _CORE_XML.encode("utf-8")
    return parts


def write_package(parts: dict[str, bytes], out: Path) -> Path:
    """Write the parts as a ZIP package (content types first, fixed timestamps), atomically."""
    out = Path(out)
    order = ["[Content_Types].xml", "_rels/.rels"] + sorted(n for n in parts if n not in ("[Content_Types].xml", "_rels/.rels"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, parts[name])
    return write_atomic(out, buf.getvalue())


def build_addin(out: Path | None = None, source_dir: Path | None = None) -> Path:
    """Build the add-in from ``source_dir`` (default ``addin/``) into ``out`` (default ``kpis/xl/kpis.xlam``)."""
    return write_package(build_parts(source_dir), Path(out) if out else DEFAULT_OUTPUT)


# -- comparison (is the committed add-in up to date?) -----------------------------------------------


def package_fingerprint(path: Path) -> dict[str, object]:
    """What the add-in contains, independent of the ZIP/OLE byte layout: parts and VBA sources.

    Two packages with the same fingerprint behave the same in Excel; the byte layout of
    ``vbaProject.bin`` may differ between pyOpenVBA versions, its module sources may not.
    """
    pyopenvba = _pyopenvba()
    from pyopenvba.cfb import CFB

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    vba = parts.pop(VBA_PART, b"")
    project = pyopenvba.vba.parse_vba_project(CFB.from_bytes(vba)) if vba else None
    modules = {m.name: m.source.replace("\r\n", "\n") for m in project.modules} if project else {}
    return {"parts": parts, "modules": modules, "vba_project_header": CFB.from_bytes(vba).get_stream_in_storage("VBA", "_VBA_PROJECT") if vba else b""}


def is_up_to_date(path: Path, source_dir: Path | None = None) -> bool:
    """True when ``path`` holds what building ``source_dir`` would give."""
    if not Path(path).is_file():
        return False
    with tempfile.TemporaryDirectory(prefix="kpis_xlam_check_") as tmp:
        fresh = build_addin(Path(tmp) / "fresh.xlam", source_dir)
        return package_fingerprint(fresh) == package_fingerprint(Path(path))
