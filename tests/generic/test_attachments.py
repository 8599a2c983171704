"""Attachments: type from the content, size limit, image bombs, EXIF rotation/stripping, scoped download."""
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from campaign_site.accounts.models import Department
from campaign_site.generic.attachments import attachment_add, attachments_for
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import Attachment

from .objects import png_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def department(school_a):
    return Department.objects.create(organisation=school_a, name="总务处")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb(width=20000, height=20000) -> bytes:
    """A few hundred bytes that claim a 20000×20000 picture (400 megapixels)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def jpeg_with_exif(orientation=6, size=(60, 30)) -> bytes:
    img = Image.new("RGB", size, (10, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: 6 = the camera was turned, rotate 90° clockwise to show
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (31.0, 14.0, 6.0)
    gps[3] = "E"
    gps[4] = (121.0, 28.0, 8.0)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif)
    return buf.getvalue()


def _add(department, name, data, **kwargs):
    return attachment_add(obj=department, upload=SimpleUploadedFile(name, data), actor=None, **kwargs)


def test_a_pdf_named_jpg_is_not_a_photo(department):
    with translation.override("en"), pytest.raises(DomainError) as exc:
        _add(department, "现场照片.jpg", PDF, images_only=True)
    assert "is not a photo" in exc.value.message
    assert not Attachment.objects.exists()


def test_a_pdf_is_stored_as_a_pdf_whatever_its_name(department):
    att = _add(department, "整改报告.jpg", PDF)
    assert att.mime_type == "application/pdf"
    assert att.original_name == "整改报告.pdf"
    assert att.organisation == department.organisation


def test_text_disguised_as_a_document_is_refused(department):
    with translation.override("en"), pytest.raises(DomainError, match="is not an accepted file"):
        _add(department, "note.docx", b"<script>alert(1)</script>")


def test_oversize_file_is_refused(department, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    with translation.override("en"), pytest.raises(DomainError) as exc:
        _add(department, "big.pdf", PDF + b"0" * (1024 * 1024 + 1))
    assert "too large" in exc.value.message and "the limit is 1 MB" in exc.value.message


def test_image_bomb_is_refused(department):
    with translation.override("en"), pytest.raises(DomainError) as exc:
        _add(department, "bomb.png", png_bomb())
    assert "too many pixels" in exc.value.message
    assert not Attachment.objects.exists()


def test_photo_is_rotated_upright_and_exif_gps_removed(department):
    original = jpeg_with_exif()
    with Image.open(io.BytesIO(original)) as img:
        assert img.getexif().get_ifd(0x8825), "the test photo carries a GPS position"
    att = _add(department, "IMG_0001.JPG", original, images_only=True)
    with att.file.open("rb") as fh, Image.open(fh) as stored:
        assert stored.size == (30, 60)  # turned upright as the phone meant it
        exif = stored.getexif()
        assert not exif.get_ifd(0x8825)
        assert 0x0112 not in exif and 0x010F not in exif
    assert att.mime_type == "image/jpeg"


def test_large_photo_is_reduced(department):
    buf = io.BytesIO()
    Image.new("RGB", (4000, 3000), (0, 0, 0)).save(buf, format="JPEG")
    att = _add(department, "big.jpg", buf.getvalue())
    with att.file.open("rb") as fh, Image.open(fh) as stored:
        assert max(stored.size) == 2048


def test_download_only_through_the_scoped_view(client, department, officer_a, officer_b, bureau_staff, outsider):
    att = attachment_add(obj=department, upload=png_upload(), actor=officer_a, caption="消防通道")
    url = reverse("generic:attachment", args=[att.pk])

    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))

    for user in (officer_a, bureau_staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"  # re-encoded on upload
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    for user in (officer_b, outsider):
        client.force_login(user)
        assert client.get(url).status_code == 404
    # the file itself is never served from MEDIA_URL
    assert client.get("/media/" + att.file.name).status_code == 404


def test_upload_to_another_schools_record_is_404(client, department, officer_b):
    from django.contrib.contenttypes.models import ContentType

    client.force_login(officer_b)
    ct = ContentType.objects.get_for_model(Department).pk
    response = client.post(reverse("generic:attachment_upload", args=[ct, department.pk]),
                           {"file": png_upload()})
    assert response.status_code == 404
    assert not attachments_for(department).exists()
