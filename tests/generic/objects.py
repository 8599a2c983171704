"""Objects of the generic app for the URL-walking tests (see tests/urlwalk.py)."""
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from campaign_site.accounts.models import Department
from campaign_site.generic.attachments import attachment_add
from campaign_site.generic.audit import audit_record
from campaign_site.generic.models import Attachment, AuditEvent, ImportJob, PendingAction


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


def pending_action_for_school(school):
    """A two-person request at `school` (the tests-only kind "coretest.move", see tests/coretest)."""
    from campaign_site.accounts.models import Role
    from campaign_site.generic.twoperson import pending_action_request
    from tests.coretest.models import Gadget
    from tests.factories import member

    requester = member(school, Role.SAFETY_OFFICER)
    gadget = Gadget.objects.create(organisation=school, name="访问测试试剂")
    return pending_action_request(kind="coretest.move", organisation=school, requested_by=requester,
                                  summary="领用访问测试试剂 1", payload={"quantity": "1"}, target=gadget)


OBJECTS[PendingAction] = pending_action_for_school


def import_job_for(user):
    """A background import of `user`'s (only its owner sees it: 404 for everyone else)."""
    from campaign_site.accounts.importers import UserImporter
    from campaign_site.generic.importing import importer_key
    from campaign_site.generic.models import ImportJob

    return ImportJob.objects.create(owner=user, importer=importer_key(UserImporter), title="导入用户",
                                    file_path=f"imports/{user.pk}/walk", rows_total=500)


PERSONAL = {ImportJob: import_job_for}
