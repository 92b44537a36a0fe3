"""A council's Word template, cleaned: what a template may carry into every export.

A template is used for its looks: styles, numbering, theme, fonts, settings, headers and
footers and the pictures in them. Everything else a .docx can hold is dropped: macros,
links to anything outside the file (attached templates, remote pictures, hyperlinks),
embedded objects, ActiveX controls, custom XML, and the body text (the exports bring
their own). The walk is an allow-list: a part is kept only when a relationship of a type
we know leads to it from a part we kept, and only with the content type that
relationship promises, so a part nobody listed here never reaches a member.

`sanitise_template` runs on upload (the uploader is told what went) and again on every
export (templates stored before it existed are cleaned the same way). A clean file comes
back byte for byte, so the second run on a stored template changes nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from app.docx.package import (
    CT,
    MAX_TEMPLATE_BYTES,
    MAX_UNPACKED_BYTES,
    R_NS,
    RELS,
    RELS_TYPE,
    W_NS,
    Package,
    TemplateError,
    rels_name,
    resolve,
    short,
)

_W = "{" + W_NS + "}"

__all__ = ["MAX_TEMPLATE_BYTES", "MAX_UNPACKED_BYTES", "Sanitised", "TemplateError", "sanitise_template"]

_SVG_BLIP = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"
_OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_MD = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
DOCUMENT_MAIN = _WML + "document.main+xml"
# Main document types we accept, each turned into a plain document.
MAIN_TYPES = {
    DOCUMENT_MAIN: None,
    _WML + "template.main+xml": None,
    "application/vnd.ms-word.document.macroEnabled.main+xml": "macro-enabled document",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "macro-enabled template",
}
IMAGE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/bmp", "image/tiff", "image/x-emf", "image/x-wmf"}
)
FONT_TYPES = frozenset(
    {"application/vnd.openxmlformats-officedocument.obfuscatedFont", "application/x-fontdata", "application/x-font-ttf"}
)
# What each kind of part may be (by content type).
KIND_TYPES: dict[str, frozenset[str]] = {
    "main": frozenset(MAIN_TYPES),
    "core": frozenset({"application/vnd.openxmlformats-package.core-properties+xml"}),
    "app": frozenset({"application/vnd.openxmlformats-officedocument.extended-properties+xml"}),
    "styles": frozenset({_WML + "styles+xml"}),
    "stylesWithEffects": frozenset({"application/vnd.ms-word.stylesWithEffects+xml"}),
    "numbering": frozenset({_WML + "numbering+xml"}),
    "theme": frozenset({"application/vnd.openxmlformats-officedocument.theme+xml"}),
    "fontTable": frozenset({_WML + "fontTable+xml"}),
    "settings": frozenset({_WML + "settings+xml"}),
    "webSettings": frozenset({_WML + "webSettings+xml"}),
    "header": frozenset({_WML + "header+xml"}),
    "footer": frozenset({_WML + "footer+xml"}),
    "footnotes": frozenset({_WML + "footnotes+xml"}),
    "endnotes": frozenset({_WML + "endnotes+xml"}),
    "image": IMAGE_TYPES,
    "font": FONT_TYPES,
}
_STORY = {"image": "image"}  # a header, footer or note may show pictures from inside the file
# From each kind of part, the relationships we follow (type → kind of the target).
ALLOWED: dict[str, dict[str, str]] = {
    "package": {
        _OD + "officeDocument": "main",
        _MD + "core-properties": "core",
        _OD + "metadata/core-properties": "core",
        _OD + "extended-properties": "app",
        _MD + "thumbnail": "image",
    },
    "main": {
        _OD + name: name
        for name in ("styles", "numbering", "theme", "fontTable", "settings", "webSettings")
        + ("header", "footer", "footnotes", "endnotes")
    }
    | {"http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects": "stylesWithEffects"},
    "header": {_OD + k: v for k, v in _STORY.items()},
    "footer": {_OD + k: v for k, v in _STORY.items()},
    "footnotes": {_OD + k: v for k, v in _STORY.items()},
    "endnotes": {_OD + k: v for k, v in _STORY.items()},
    "numbering": {_OD + "image": "image"},  # picture bullets
    "theme": {_OD + "image": "image"},  # picture fills
    "fontTable": {_OD + "font": "font"},  # embedded fonts
}
XML_KINDS = frozenset(KIND_TYPES) - {"image", "font"}
STORY_KINDS = frozenset({"main", "header", "footer", "footnotes", "endnotes"})

# Settings that point outside the file or carry macro data.
DROPPED_SETTINGS = {
    "attachedTemplate": "the attached template",
    "mailMerge": "the mail merge data source",
    "docVars": "document variables (macro data)",
    "attachedSchema": "attached XML schemas",
    "saveThroughXslt": "a save-through transform",
    "useXSLTWhenSaving": "a save-through transform",
}
# Elements that embed or run something; removed wherever they appear.
DROPPED_ELEMENTS = {
    "control": "an ActiveX control",  # before "object", which holds it
    "object": "an embedded object",
    "altChunk": "an imported file",
    "subDoc": "a linked sub-document",
}
# Field codes that fetch from outside, run something, or link out.
DANGEROUS_FIELD = re.compile(
    r"^\s*(DDE|DDEAUTO|INCLUDETEXT|INCLUDEPICTURE|INCLUDE|IMPORT|LINK|HYPERLINK|MACROBUTTON|AUTOTEXT|AUTOTEXTLIST)\b",
    re.IGNORECASE,
)
_OUTSIDE = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|\\\\|//)", re.IGNORECASE)


@dataclass
class Sanitised:
    content: bytes
    removed: list[str] = field(default_factory=list)  # for a person, one line each, no duplicates


def _category(reltype: str, part: str) -> str:
    """What a dropped relationship or part was, in words."""
    low = (reltype + " " + part).lower()
    for needle, words in (
        ("vba", "macros"),
        ("keymapcustomizations", "macros"),
        ("attachedtemplate", "the attached template"),
        ("activex", "an ActiveX control"),
        ("/control", "an ActiveX control"),
        ("customxml", "custom XML data"),
        ("oleobject", "an embedded object"),
        ("embeddings/", "an embedded object"),
        ("/package", "an embedded object"),
        ("hyperlink", "a hyperlink"),
        ("glossary", "building blocks"),
        ("image", "a picture"),
        ("media/", "a picture"),
        ("comments", "comments"),
    ):
        if needle in low:
            return words
    return "a part Word templates do not need"


@dataclass
class _Walk:
    kinds: dict[str, str] = field(default_factory=dict)  # kept part → kind
    rels: dict[str, list] = field(default_factory=dict)  # source ("" = package) → kept Relationship elements
    removed: list[str] = field(default_factory=list)
    changed: bool = False

    def note(self, line: str) -> None:
        self.changed = True
        if line not in self.removed:
            self.removed.append(line)


def _walk(pkg: Package) -> _Walk:
    """Follow allowed relationships from the package root; everything else is left behind.

    A relationship dropped here to a part inside the file says nothing itself: the part
    it led to is reported as left behind (unless another, allowed, path keeps it).
    """
    walk = _Walk()
    queue: list[tuple[str, str]] = [("", "package")]
    while queue:
        source, kind = queue.pop(0)
        rels_root = pkg.xml(rels_name(source) if source else "_rels/.rels")
        kept: list = []
        walk.rels[source] = kept
        where = f" in {short(source)}" if source else ""
        for rel in rels_root.iter(RELS + "Relationship") if rels_root is not None else ():
            reltype, target = rel.get("Type", ""), rel.get("Target", "")
            if rel.get("TargetMode", "").lower() == "external" or _OUTSIDE.match(target):
                what = _category(reltype, "")
                what = "a link" if what == "a part Word templates do not need" else what
                walk.note(f"{what[0].upper()}{what[1:]} from outside the file ({short(target)}){where}")
                continue
            stored = pkg.name(resolve(source, target))
            target_kind = ALLOWED.get(kind, {}).get(reltype)
            if target_kind is None or stored is None or pkg.content_type(stored) not in KIND_TYPES[target_kind]:
                walk.changed = True
                continue
            kept.append(rel)
            if stored not in walk.kinds:
                walk.kinds[stored] = target_kind
                if target_kind in XML_KINDS:
                    queue.append((stored, target_kind))
    return walk


def _drop_reference(element, attr: str) -> None:
    """Take out a reference to a dropped relationship, with whatever would show it broken."""
    local = etree.QName(element).localname
    if element.tag == _SVG_BLIP:  # the PNG fallback beside it stays
        ext = element.getparent()
        if ext is not None and ext.getparent() is not None:
            ext.getparent().remove(ext)
            return
    if local == "hyperlink":  # keep the words, lose the link
        del element.attrib[attr]
        return
    holder = None
    for ancestor in element.iterancestors():
        if ancestor.tag in (_W + "drawing", _W + "pict", _W + "object"):
            holder = ancestor
    if holder is None and element.tag.startswith(_W) and local not in ("blip",):
        holder = element  # headerReference, attachedTemplate and the like
    if holder is None or holder.getparent() is None:
        del element.attrib[attr]
    else:
        holder.getparent().remove(holder)


def _clean_fields(root, walk: _Walk, part: str) -> bool:
    changed = False
    for simple in list(root.iter(_W + "fldSimple")):
        if DANGEROUS_FIELD.match(simple.get(_W + "instr", "")):
            walk.note(f"A field that links or runs something ({short(simple.get(_W + 'instr', '').strip(), 40)})")
            parent = simple.getparent()
            index = parent.index(simple)
            for child in list(simple):  # its shown result stays, as plain text
                if child.tag == _W + "r":
                    parent.insert(index, child)
                    index += 1
            parent.remove(simple)
            changed = True
    for instr in list(root.iter(_W + "instrText")):
        if DANGEROUS_FIELD.match(instr.text or ""):
            walk.note(f"A field that links or runs something ({short((instr.text or '').strip(), 40)})")
            instr.text = ""
            changed = True
    return changed


def _shows_something(element) -> bool:
    if element.tag != _W + "p" or "".join(element.itertext()).strip():
        return True
    return any(element.iter(_W + "drawing", _W + "pict", _W + "object"))


def _clean_xml(pkg: Package, walk: _Walk, part: str, kind: str):
    """The part's XML without references to dropped relationships or anything that reaches out; None if unchanged."""
    root = pkg.xml(part)
    changed = False
    kept_ids = {rel.get("Id", "") for rel in walk.rels.get(part, [])}
    if kind == "main":
        body = root.find(_W + "body")
        if body is not None:
            children = list(body)
            last_section = children[-1] if children and children[-1].tag == _W + "sectPr" else None
            content = [c for c in children if c is not last_section]
            if any(_shows_something(c) for c in content):
                walk.note("The document's own text and pictures (a template lends only its looks)")
            for child in content:
                body.remove(child)
            changed = changed or bool(content)
    if kind == "settings":
        for name, words in DROPPED_SETTINGS.items():
            for element in list(root.iter(_W + name)):
                element.getparent().remove(element)
                walk.note(f"Settings: {words}")
                changed = True
    if kind in STORY_KINDS:
        for name, words in DROPPED_ELEMENTS.items():
            for element in list(root.iter(_W + name)):
                if element.getparent() is not None:
                    element.getparent().remove(element)
                    if len(element) or name != "object":  # an object emptied of its control was told already
                        walk.note(f"{words[0].upper()}{words[1:]} in {short(part)}")
                    changed = True
        changed = _clean_fields(root, walk, part) or changed
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        for attr, value in list(element.attrib.items()):
            namespace = etree.QName(attr).namespace
            if namespace == R_NS and value not in kept_ids:
                _drop_reference(element, attr)
                walk.changed = True
                changed = True
                break
            if etree.QName(attr).localname in ("href", "src") and _OUTSIDE.match(value):
                del element.attrib[attr]
                walk.note(f"A link from outside the file ({short(value)}) in {short(part)}")
                changed = True
    return root if changed else None


def _content_types(pkg: Package, walk: _Walk, main: str) -> bytes:
    root = etree.Element(CT + "Types", nsmap={None: CT[1:-1]})
    etree.SubElement(root, CT + "Default", Extension="rels", ContentType=RELS_TYPE)
    etree.SubElement(root, CT + "Default", Extension="xml", ContentType="application/xml")
    for part in sorted(walk.kinds):
        content_type = DOCUMENT_MAIN if part == main else pkg.content_type(part)
        etree.SubElement(root, CT + "Override", PartName="/" + part, ContentType=content_type)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _relationships(kept: list) -> bytes:
    root = etree.Element(RELS + "Relationships", nsmap={None: RELS[1:-1]})
    for rel in kept:
        etree.SubElement(root, RELS + "Relationship", Id=rel.get("Id"), Type=rel.get("Type"), Target=rel.get("Target"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _types_are_clean(pkg: Package, walk: _Walk) -> bool:
    """Nothing in [Content_Types].xml beyond the parts kept and safe defaults."""
    safe_defaults = IMAGE_TYPES | FONT_TYPES | {RELS_TYPE, "application/xml"}
    kept = {part.lower() for part in walk.kinds}
    return all(t in safe_defaults for t in pkg.defaults.values()) and set(pkg.overrides) <= kept


def sanitise_template(content: bytes, *, filename: str = "") -> Sanitised:
    """The template with only what a template may carry, and what was taken out; TemplateError if it cannot be used."""
    what = f"“{short(filename)}”" if filename else "That file"
    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"The template is larger than {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB.")
    pkg = Package(content, what)
    walk = _walk(pkg)
    main = next((part for part, kind in walk.kinds.items() if kind == "main"), None)
    if main is None:
        raise TemplateError(
            f"{what} could not be opened as a Word document (there is no document inside): "
            "upload a .docx or .dotx saved from Word."
        )
    macro = MAIN_TYPES[pkg.content_type(main)]
    if macro:
        walk.note(f"Macros: the {macro} is kept as a plain document")
    left_behind = [
        name
        for name in pkg.parts
        if name not in walk.kinds
        and name != "[Content_Types].xml"
        and "_rels/" not in name + "/"
        and not name.endswith(".rels")
    ]
    by_category: dict[str, list[str]] = {}
    for name in sorted(left_behind):
        by_category.setdefault(_category("", name), []).append(short(name, 60))
    for words, names in by_category.items():
        listed = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        walk.note(f"{words[0].upper()}{words[1:]}: {listed}")
    cleaned = {part: _clean_xml(pkg, walk, part, kind) for part, kind in walk.kinds.items() if kind in XML_KINDS}
    # Relationships files only beside parts we keep (one beside nothing still names targets).
    wanted_rels = {(rels_name(source) if source else "_rels/.rels").lower() for source in walk.rels}
    stray_rels = any(name.endswith(".rels") and name.lower() not in wanted_rels for name in pkg.parts)
    if not (walk.changed or macro or stray_rels or not _types_are_clean(pkg, walk)):
        return Sanitised(content, [])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(pkg, walk, main))
        archive.writestr("_rels/.rels", _relationships(walk.rels[""]))
        for part in walk.kinds:
            root = cleaned.get(part)
            data = (
                etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                if root is not None
                else pkg.parts[part]
            )
            archive.writestr(part, data)
            if walk.rels.get(part):
                archive.writestr(rels_name(part), _relationships(walk.rels[part]))
    return Sanitised(out.getvalue(), walk.removed)
