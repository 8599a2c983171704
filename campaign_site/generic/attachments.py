"""File attachments: validated by content, images made safe and small, stored per organisation.

- the type is read from the bytes (filetype), never trusted from the name or the browser;
- a size limit (settings.ATTACHMENT_MAX_BYTES), checked before anything is parsed;
- Word/Excel files must really be Office Open XML packages (content types, the main part, no
  macros, no executables, bounded decompressed size): a zip renamed .docx is refused;
- images: decompression bombs refused (a phone photo's pixel limit), JPEGs decoded at a reduced
  scale (draft mode), rotated by their EXIF orientation, reduced to at most 2048 px and re-encoded,
  which also strips EXIF (a phone photo's GPS position stays out).

The work is done by `prepare_upload`, which callers run before their transaction (the form fields
in generic/forms.py do it while the form is cleaned), so a slow photo never holds the database's
write lock; `attachment_add` accepts the prepared file and only writes it.
"""
from __future__ import annotations

import io
import os
import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

import filetype
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from .errors import DomainError
from .models import Attachment

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCUMENT_TYPES = {"application/pdf": "pdf", DOCX: "docx", XLSX: "xlsx"}
#: A phone photo: 24 MP (6000×4000) is more than phones save by default (12 MP). JPEGs are
#: decoded at 1/2 to 1/8 scale (draft mode), so even the largest costs ~25 MB to decode.
MAX_PIXELS = 24_000_000
#: PNG, WebP and GIF have no reduced-scale decoding: each pixel is decoded (4 bytes).
MAX_PIXELS_FULL_DECODE = 12_000_000
MAX_SIDE = 2048
_PIL_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}

# Office Open XML: the main part's content type tells a Word document from an Excel workbook.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
OOXML_MAX_MEMBERS = 2000
#: Decompressed size of the whole package, and of any single XML part (zip bombs).
OOXML_MAX_UNZIPPED = 100 * 1024 * 1024
OOXML_MAX_XML_PART = 20 * 1024 * 1024
_EXECUTABLE_SUFFIXES = (
    ".exe", ".dll", ".com", ".bat", ".cmd", ".scr", ".msi", ".ps1", ".vbs", ".vbe", ".js", ".jse",
    ".wsf", ".hta", ".jar", ".sh", ".lnk", ".cpl", ".apk",
)
_EXECUTABLE_MAGICS = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"#!")


@dataclass(frozen=True)
class PreparedUpload:
    """A checked upload, ready to be stored: its content (images already re-encoded), type and
    name with the extension of its real type. Reads like a file for code that expects one."""

    name: str
    data: bytes
    mime: str
    ext: str

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def is_image(self) -> bool:
        return self.mime in IMAGE_TYPES

    def open(self) -> io.BytesIO:
        return io.BytesIO(self.data)


def _refuse(name: str, images_only: bool) -> DomainError:
    if images_only:
        msg = _("“%(name)s” is not a photo. Please upload a JPEG, PNG or WebP image.")
    else:
        msg = _("“%(name)s” is not an accepted file. Please upload a photo (JPEG, PNG, WebP), a PDF, "
                "a Word (.docx) or an Excel (.xlsx) file.")
    return DomainError(msg % {"name": name})


def _office_type(data: bytes, name: str) -> str:
    """DOCX or XLSX when `data` is a genuine Office Open XML package, else DomainError."""
    bad = DomainError(_("“%(name)s” is not a genuine Word or Excel file (it is a renamed archive or is "
                        "damaged). Please save it again from Word or Excel and upload it.") % {"name": name})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > OOXML_MAX_MEMBERS:
                raise bad
            if sum(i.file_size for i in infos) > OOXML_MAX_UNZIPPED or any(
                    i.file_size > OOXML_MAX_XML_PART for i in infos if i.filename.endswith((".xml", ".rels"))):
                raise DomainError(_("“%(name)s” unpacks to too much content; please upload a smaller file.")
                                  % {"name": name})
            names = {i.filename for i in infos}
            for info in infos:
                lowered = info.filename.lower()
                if (lowered.startswith("/") or ".." in lowered.split("/") or lowered.endswith(_EXECUTABLE_SUFFIXES)
                        or posixpath.basename(lowered) == "vbaproject.bin"):
                    raise bad
                if info.file_size and not info.is_dir():
                    with zf.open(info) as member:
                        if member.read(4).startswith(_EXECUTABLE_MAGICS):
                            raise bad
            if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
                raise bad
            root = ElementTree.fromstring(zf.read("[Content_Types].xml"))
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, EOFError, RuntimeError):
        raise bad from None
    found = set()
    for override in root.iter(f"{_CT_NS}Override"):
        kind = _OOXML_MAIN.get((override.get("ContentType") or "").strip())
        if kind and (override.get("PartName") or "").lstrip("/") in names:
            found.add(kind)
        elif "macroEnabled" in (override.get("ContentType") or ""):
            raise bad
    if len(found) != 1:
        raise bad
    return found.pop()


def _detect(data: bytes, name: str) -> str:
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ""
    if mime == "application/zip" or data.startswith(b"PK\x03\x04"):
        return _office_type(data, name)  # Word and Excel by their parts, never by their name
    return mime


def _read_limited(upload) -> bytes:
    size = getattr(upload, "size", None)
    limit = settings.ATTACHMENT_MAX_BYTES
    too_large = _("“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB.")
    if isinstance(size, int) and size > limit:
        raise DomainError(too_large % {"name": upload.name, "size": size / 1048576, "limit": limit // 1048576})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(too_large % {"name": upload.name, "size": len(data) / 1048576, "limit": limit // 1048576})
    return data


def prepare_upload(upload, *, images_only: bool = False) -> PreparedUpload:
    """Check `upload` (size first, then its real type) and make images safe and small.
    Raises DomainError saying what to fix. Call it before a transaction."""
    if isinstance(upload, PreparedUpload):
        if images_only and not upload.is_image:
            raise _refuse(upload.name, images_only)
        return upload
    name = os.path.basename(getattr(upload, "name", "") or "file")
    data = _read_limited(upload)
    if not data:
        raise DomainError(_("“%(name)s” is empty.") % {"name": name})
    mime = _detect(data, name)
    allowed = IMAGE_TYPES if images_only else {**IMAGE_TYPES, **DOCUMENT_TYPES}
    if mime not in allowed:
        raise _refuse(name, images_only)
    if mime in IMAGE_TYPES:
        data, mime = _safe_image(data, name)
    base = os.path.splitext(name)[0][:150] or "file"
    ext = allowed[mime]
    return PreparedUpload(name=f"{base}.{ext}", data=data, mime=mime, ext=ext)


def validate_upload(upload, *, images_only: bool = False) -> tuple[bytes, str, str]:
    """Return (content, mime type, extension) or raise DomainError saying what to fix."""
    prepared = prepare_upload(upload, images_only=images_only)
    return prepared.data, prepared.mime, prepared.ext


def _too_many_pixels(name: str, width: int | None = None, height: int | None = None) -> DomainError:
    if width is None:
        return DomainError(_("“%(name)s” has too many pixels; please send a smaller photo.") % {"name": name})
    return DomainError(
        _("“%(name)s” has too many pixels (%(w)d×%(h)d); please send a smaller photo.")
        % {"name": name, "w": width, "h": height}
    )


def _safe_image(data: bytes, name: str) -> tuple[bytes, str]:
    try:
        with Image.open(io.BytesIO(data), formats=list(_PIL_FORMATS)) as img:
            width, height = img.size  # read from the header; nothing is decoded yet
            limit = MAX_PIXELS if img.format == "JPEG" else MAX_PIXELS_FULL_DECODE
            if width * height > limit:
                raise _too_many_pixels(name, width, height)
            if img.format == "JPEG" and max(width, height) > MAX_SIDE:
                # Decode at the smallest 1/2, 1/4 or 1/8 scale still at least the final size.
                scale = MAX_SIDE / max(width, height)
                img.draft("RGB", (round(width * scale), round(height * scale)))
            img.load()
            img.thumbnail((MAX_SIDE, MAX_SIDE))  # in place, before any copy
            img = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            if img.mode in ("RGBA", "LA", "P") and name.lower().endswith(".png"):
                img.save(out, format="PNG", optimize=True)
                return out.getvalue(), "image/png"
            img.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), "image/jpeg"
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except Exception:
        raise DomainError(_("“%(name)s” is damaged or not a readable image.") % {"name": name}) from None


def attachment_add(*, obj, upload, actor, kind: str = "", caption: str = "", images_only: bool = False,
                   organisation=None) -> Attachment:
    """Attach `upload` (a PreparedUpload, or an uploaded file checked here) to `obj`."""
    prepared = prepare_upload(upload, images_only=images_only)
    org = organisation or obj.organisation
    with transaction.atomic():
        att = Attachment(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, organisation=org,
            kind=kind, original_name=prepared.name, mime_type=prepared.mime, size=prepared.size, caption=caption,
            uploaded_by=actor,
        )
        att.file.save(prepared.name, ContentFile(prepared.data), save=False)
        att.save()
    return att


def attachments_for(obj, kind: str | None = None):
    qs = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.select_related("uploaded_by")
