"""Hostile uploads (issue 11 points 5, 6 and 17): photo pixel limits and reduced-scale decoding,
image work outside the transaction, Office files checked by their parts, PDFs downloaded, plan
documents checked before they are parsed."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook
from PIL import Image, JpegImagePlugin

from campaign_site.accounts.models import Department
from campaign_site.campaigns import documents
from campaign_site.campaigns.documents import make_docx
from campaign_site.generic import attachments
from campaign_site.generic.attachments import DOCX, XLSX, attachment_add, prepare_upload
from campaign_site.generic.errors import DomainError
from campaign_site.generic.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def department(school_a):
    return Department.objects.create(organisation=school_a, name="总务处")


def _upload(name, data):
    return SimpleUploadedFile(name, data)


def _png(size, mode="L") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size).save(buf, format="PNG")
    return buf.getvalue()


def _jpeg(size) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (90, 90, 90)).save(buf, format="JPEG", quality=30)
    return buf.getvalue()


# -- point 5: images -------------------------------------------------------------------------


def test_a_small_png_of_6300_by_6300_pixels_is_refused():
    data = _png((6300, 6300))
    assert len(data) < 200_000  # a small file that would decode to 40 megapixels
    with translation.override("en"), pytest.raises(DomainError, match=r"too many pixels \(6300×6300\)"):
        prepare_upload(_upload("screen.png", data), images_only=True)


def test_a_phone_photo_is_decoded_at_reduced_scale(monkeypatch):
    calls = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = original(self, mode, size)
        calls.append(self.size)  # the size it will be decoded at
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    prepared = prepare_upload(_upload("IMG_2041.jpg", _jpeg((6000, 4000))), images_only=True)
    assert calls[0] == (3000, 2000)  # half scale: a quarter of the pixels decoded
    with Image.open(prepared.open()) as stored:
        assert stored.size == (2048, 1365)


@pytest.mark.django_db(transaction=True)
def test_a_tips_photo_is_processed_before_the_transaction(school_a, monkeypatch):
    from hazards.tips import tip_submit

    seen = []
    original = attachments._safe_image

    def spy(data, name):
        seen.append(connection.in_atomic_block)
        return original(data, name)

    monkeypatch.setattr(attachments, "_safe_image", spy)
    tip = tip_submit(organisation=school_a, description="楼梯扶手松动", photo=_upload("p.jpg", _jpeg((800, 600))))
    assert seen == [False]  # decoded while no write lock is held
    assert Attachment.objects.filter(object_id=tip.pk, kind="photo").count() == 1


def test_form_fields_prepare_photos_while_the_form_is_cleaned():
    from hazards.forms import PhotosField

    cleaned = PhotosField().clean([_upload("a.jpg", _jpeg((3000, 2000)))])
    assert [(p.mime, p.name) for p in cleaned] == [("image/jpeg", "a.jpg")]
    with translation.override("en"), pytest.raises(Exception, match="too many pixels"):
        PhotosField().clean([_upload("b.png", _png((6300, 6300)))])


# -- point 17: Office files and PDFs -----------------------------------------------------------


def _zip(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _docx_plus(extra: dict) -> bytes:
    with zipfile.ZipFile(io.BytesIO(make_docx(["安全工作方案"]))) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    members.update(extra)
    return _zip(members)


def test_a_zip_named_docx_with_an_executable_inside_is_refused(department):
    bogus = _zip({"word/document.xml": b"<x/>", "setup.exe": b"MZ\x90\x00" + b"\x00" * 200})
    with translation.override("en"), pytest.raises(DomainError, match="not a genuine Word or Excel file"):
        attachment_add(obj=department, upload=_upload("方案.docx", bogus), actor=None)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("extra", [
    {"word/media/run.exe": b"MZ" + b"\x00" * 100},
    {"word/embeddings/tool.dat": b"MZ" + b"\x00" * 100},  # an executable under an innocent name
    {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"},  # macros
])
def test_a_real_docx_carrying_an_executable_or_macros_is_refused(department, extra):
    with translation.override("en"), pytest.raises(DomainError, match="not a genuine Word or Excel file"):
        attachment_add(obj=department, upload=_upload("方案.docx", _docx_plus(extra)), actor=None)


def test_office_files_are_typed_by_their_parts_not_their_names(department):
    buf = io.BytesIO()
    Workbook().save(buf)
    xlsx = attachment_add(obj=department, upload=_upload("名单.docx", buf.getvalue()), actor=None)
    docx = attachment_add(obj=department, upload=_upload("方案", make_docx(["安全工作方案"])), actor=None)
    assert (xlsx.mime_type, xlsx.original_name) == (XLSX, "名单.xlsx")
    assert (docx.mime_type, docx.original_name) == (DOCX, "方案.docx")


def test_a_docx_whose_text_unpacks_to_29_mb_is_refused(department):
    paragraph = b'<w:p><w:r><w:t>' + "安全".encode() * 40 + b"</w:t></w:r></w:p>"
    xml = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
           b'main"><w:body>' + paragraph * (29 * 1024 * 1024 // len(paragraph)) + b"</w:body></w:document>")
    data = _docx_plus({"word/document.xml": xml})
    assert len(data) < 200_000
    with translation.override("en"), pytest.raises(DomainError, match="unpacks to too much content"):
        attachment_add(obj=department, upload=_upload("方案.docx", data), actor=None)


def test_pdfs_are_downloaded_never_shown_inline(client, department, officer_a):
    att = attachment_add(obj=department, upload=_upload("报告.pdf", PDF), actor=None)
    photo = attachment_add(obj=department, upload=_upload("p.jpg", _jpeg((40, 30))), actor=None)
    client.force_login(officer_a)
    response = client.get(reverse("generic:attachment", args=[att.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    response = client.get(reverse("generic:attachment", args=[photo.pk]))
    assert response["Content-Disposition"].startswith("inline;")


# -- point 6: plan documents -------------------------------------------------------------------


def _pdf_with_pages(count: int) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    font_ref = writer._add_object(font)
    for number in range(1, count + 1):
        page = writer.add_blank_page(200, 200)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): font_ref})})
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 20 100 Td (page{number}end) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def test_pdf_text_is_read_from_a_bounded_number_of_pages(monkeypatch):
    monkeypatch.setattr(documents, "MAX_PDF_PAGES", 5)
    text = documents.extract_text(_pdf_with_pages(8), "方案.pdf")
    assert "page5end" in text and "page6end" not in text


def test_a_plan_document_is_size_checked_before_it_is_parsed(settings, monkeypatch, district, school_a, officer_a):
    from campaign_site.campaigns import services

    from ..campaigns import factories as cf

    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    parsed = []
    monkeypatch.setattr(services, "extract_text", lambda data, name: parsed.append(name) or "")
    big = _upload("方案.pdf", PDF + b"%" * (2 * 1024 * 1024))
    with translation.override("en"), pytest.raises(DomainError, match="too large"):
        services.plan_submit(campaign=cf.campaign(district), organisation=school_a, actor=officer_a, leader="校长甲",
                             document=big)
    assert parsed == []


# -- point 17: import previews left behind ------------------------------------------------------


def test_import_previews_older_than_a_day_are_purged_by_a_periodic_task(settings, db):
    import os
    import time

    from django_celery_beat.models import PeriodicTask

    from campaign_site.generic.periodic import ensure_periodic_tasks
    from campaign_site.generic.tasks import purge_import_previews

    folder = settings.MEDIA_ROOT / "imports" / "7"
    folder.mkdir(parents=True)
    old, fresh = folder / "a", folder / "b"
    old.write_bytes(b"PK old preview")
    fresh.write_bytes(b"PK fresh preview")
    day_and_a_bit = time.time() - 25 * 3600
    os.utime(old, (day_and_a_bit, day_and_a_bit))

    assert purge_import_previews.delay().get() == 1
    assert not old.exists() and fresh.exists()
    ensure_periodic_tasks()
    assert PeriodicTask.objects.get(name="purge-import-previews").task == purge_import_previews.name
