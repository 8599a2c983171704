"""Reading the text of an uploaded plan document (for copy detection).

.docx is a zip whose word/document.xml holds the text: read with the standard library (no new
dependency). PDF text is read with pypdf; a scanned PDF has no text, so the school may paste the
text and the plan page says the text was not read from the document.
"""
from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: Above this the document is not read at all (the upload's own limit applies before).
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
#: word/document.xml larger than this is not read (a zip bomb stops here, before parsing).
MAX_XML_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 100
MAX_TEXT_CHARS = 500_000


class _Enough(Exception):
    """The text limit is reached: stop reading."""


def docx_text(data: bytes) -> str:
    """The paragraphs of word/document.xml, streamed: at most MAX_XML_BYTES of XML are read
    (whatever the zip header claims) and reading stops at MAX_TEXT_CHARS characters."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        try:
            info = zf.getinfo("word/document.xml")
        except KeyError:
            return ""
        if info.file_size > MAX_XML_BYTES:
            return ""
        with zf.open(info) as fh:
            xml = fh.read(MAX_XML_BYTES + 1)
    if len(xml) > MAX_XML_BYTES:
        return ""
    paragraphs: list[str] = []
    total = 0
    parts: list[str] = []
    try:
        for _event, node in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
            tag = node.tag
            if tag == f"{W_NS}t" and node.text:
                parts.append(node.text)
            elif tag == f"{W_NS}tab":
                parts.append("\t")
            elif tag in (f"{W_NS}br", f"{W_NS}cr"):
                parts.append("\n")
            elif tag == f"{W_NS}p":
                paragraph = "".join(parts)
                parts = []
                if paragraph.strip():
                    paragraphs.append(paragraph)
                    total += len(paragraph) + 1
                    if total > MAX_TEXT_CHARS:
                        raise _Enough
                node.clear()  # keep memory flat however long the document is
    except _Enough:
        pass
    return "\n".join(paragraphs)


def pdf_text(data: bytes) -> str:
    """Text of the first MAX_PDF_PAGES pages, stopping at MAX_TEXT_CHARS characters."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        texts: list[str] = []
        total = 0
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES or total > MAX_TEXT_CHARS:
                break
            text = page.extract_text() or ""
            texts.append(text)
            total += len(text) + 1
        return "\n".join(texts)
    except Exception:
        return ""


def extract_text(data: bytes, name: str) -> str:
    """The document's text, or "" when it cannot be read (scans, damage, too large)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        return ""
    lowered = (name or "").lower()
    text = ""
    try:
        if data[:2] == b"PK" and lowered.endswith(".docx"):
            text = docx_text(data)
        elif data[:5] == b"%PDF-":
            text = pdf_text(data)
    except (zipfile.BadZipFile, ElementTree.ParseError, ValueError, OSError, EOFError):
        text = ""
    text = re.sub(r"[ \t\u3000]+\n", "\n", text).strip()
    return text[:MAX_TEXT_CHARS]


def make_docx(paragraphs: list[str]) -> bytes:
    """A minimal valid .docx holding `paragraphs` (used by the demo data and the tests)."""
    from xml.sax.saxutils import escape

    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", document)
    return buf.getvalue()
