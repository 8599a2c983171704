"""Objects of the generic app for the URL-walking tests (see tests/urlwalk.py)."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaign_site.accounts.models import Department
from campaign_site.generic.attachments import attachment_add
from campaign_site.generic.audit import audit_record
from campaign_site.generic.models import Attachment, AuditEvent


def png_upload(name="photo.png", size=(8, 8), color=(200, 30, 30)):
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def attachment_for_school(school):
    department, _created = Department.objects.get_or_create(organisation=school, name="总务处")
    return attachment_add(obj=department, upload=png_upload(), actor=None)


def audit_event_for_school(school):
    return audit_record("export", obj=school, username="walker", detail="export of a list")


OBJECTS = {Attachment: attachment_for_school, AuditEvent: audit_event_for_school}
VIEW_MODELS = {"generic:attachment": Attachment}
