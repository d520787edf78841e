"""Reading the parts of an .xlsx package (zip): sheets, relationships, content types."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"


@dataclass(frozen=True)
class Rel:
    id: str
    type: str
    target: str  # absolute part name inside the zip (no leading /), or the raw target if external
    external: bool


def rels_path(part: str) -> str:
    d, name = posixpath.split(part)
    return posixpath.join(d, "_rels", name + ".rels")


def resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def relative(base_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(base_part) or ".")


class Package:
    """Read-only view of an .xlsx zip."""

    def __init__(self, data: bytes):
        import io

        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = set(self.zip.namelist())

    def read(self, part: str) -> bytes:
        return self.zip.read(part)

    def rels(self, part: str) -> list[Rel]:
        path = rels_path(part)
        if path not in self.names:
            return []
        root = ET.fromstring(self.read(path))
        out = []
        for el in root.findall(f"{{{NS_PKG_REL}}}Relationship"):
            external = el.get("TargetMode") == "External"
            target = el.get("Target", "")
            out.append(Rel(el.get("Id", ""), el.get("Type", ""), target if external else resolve(part, target), external))
        return out

    def sheets(self) -> dict[str, str]:
        """Sheet title → worksheet part name."""
        wb = "xl/workbook.xml"
        rels = {r.id: r.target for r in self.rels(wb)}
        root = ET.fromstring(self.read(wb))
        out = {}
        for el in root.iter(f"{{{NS_MAIN}}}sheet"):
            rid = el.get(f"{{{NS_R}}}id")
            if rid in rels:
                out[el.get("name", "")] = rels[rid]
        return out

    def content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        """(defaults by extension, overrides by part name without leading /)."""
        root = ET.fromstring(self.read("[Content_Types].xml"))
        defaults = {el.get("Extension", "").lower(): el.get("ContentType", "") for el in root.findall(f"{{{NS_CT}}}Default")}
        overrides = {el.get("PartName", "").lstrip("/"): el.get("ContentType", "") for el in root.findall(f"{{{NS_CT}}}Override")}
        return defaults, overrides

    def closure(self, part: str) -> list[str]:
        """A part and every internal part it reaches through relationships (depth first)."""
        seen: list[str] = []
        stack = [part]
        while stack:
            p = stack.pop()
            if p in seen or p not in self.names:
                continue
            seen.append(p)
            for rel in self.rels(p):
                if not rel.external:
                    stack.append(rel.target)
        return seen
