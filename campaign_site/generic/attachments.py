"""File attachments: validated by content, images made safe and small, stored per organisation.

- the type is read from the bytes (filetype), never trusted from the name or the browser;
- a size limit (settings.ATTACHMENT_MAX_BYTES);
- images: decompression bombs refused (pixel limit), rotated by their EXIF orientation, reduced to
  at most 2048 px and re-encoded, which also strips EXIF (a phone photo's GPS position stays out).
"""
from __future__ import annotations

import io
import os

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
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/zip": "zip",
}
MAX_PIXELS = 40_000_000  # ~ a 48 MP phone photo is refused only if larger than this
MAX_SIDE = 2048


def _detect(data: bytes, name: str) -> str:
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ""
    if mime == "application/zip":
        # docx/xlsx are zips: tell them apart by the name only after the content said "zip".
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext == "docx":
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        if ext == "xlsx":
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return mime


def validate_upload(upload, *, images_only: bool = False) -> tuple[bytes, str, str]:
    """Return (content, mime type, extension) or raise DomainError saying what to fix."""
    size = upload.size
    limit = settings.ATTACHMENT_MAX_BYTES
    if size > limit:
        raise DomainError(
            _("“%(name)s” is too large (%(size).1f MB); the limit is %(limit)d MB.")
            % {"name": upload.name, "size": size / 1048576, "limit": limit // 1048576}
        )
    upload.seek(0)
    data = upload.read()
    if not data:
        raise DomainError(_("“%(name)s” is empty.") % {"name": upload.name})
    mime = _detect(data, upload.name)
    allowed = IMAGE_TYPES if images_only else {**IMAGE_TYPES, **DOCUMENT_TYPES}
    if mime not in allowed or mime == "application/zip":
        if images_only:
            msg = _("“%(name)s” is not a photo. Please upload a JPEG, PNG or WebP image.")
        else:
            msg = _("“%(name)s” is not an accepted file. Please upload a photo (JPEG, PNG, WebP), a PDF, a Word (.docx) or an Excel (.xlsx) file.")
        raise DomainError(msg % {"name": upload.name})
    if mime in IMAGE_TYPES:
        data, mime = _safe_image(data, upload.name)
    return data, mime, allowed.get(mime, IMAGE_TYPES.get(mime, "bin"))


def _safe_image(data: bytes, name: str) -> tuple[bytes, str]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise DomainError(
                    _("“%(name)s” has too many pixels (%(w)d×%(h)d); please send a smaller photo.")
                    % {"name": name, "w": width, "h": height}
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = ImageOps.exif_transpose(img)
            if max(img.size) > MAX_SIDE:
                img.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            if img.mode in ("RGBA", "LA", "P") and name.lower().endswith(".png"):
                img.save(out, format="PNG", optimize=True)
                return out.getvalue(), "image/png"
            img.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), "image/jpeg"
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError(_("“%(name)s” has too many pixels; please send a smaller photo.") % {"name": name}) from None
    except Exception:
        raise DomainError(_("“%(name)s” is damaged or not a readable image.") % {"name": name}) from None


def attachment_add(*, obj, upload, actor, kind: str = "", caption: str = "", images_only: bool = False,
                   organisation=None) -> Attachment:
    """Validate `upload` and attach it to `obj` (which carries an organisation)."""
    data, mime, ext = validate_upload(upload, images_only=images_only)
    base = os.path.splitext(os.path.basename(upload.name))[0][:150] or "file"
    org = organisation or obj.organisation
    with transaction.atomic():
        att = Attachment(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, organisation=org,
            kind=kind, original_name=f"{base}.{ext}", mime_type=mime, size=len(data), caption=caption,
            uploaded_by=actor,
        )
        att.file.save(f"{base}.{ext}", ContentFile(data), save=False)
        att.save()
    return att


def attachments_for(obj, kind: str | None = None):
    qs = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.select_related("uploaded_by")
