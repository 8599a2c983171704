"""Objects owned by a school, for the generic access test (another school's user gets 404)."""
import datetime

from django.utils import timezone

from hazards import services
from hazards.models import AccountabilityRecord, Hazard, Inspection, InspectionKind, InspectionSchedule

from . import factories as hf


def _inspection(school):
    return services.inspection_create(organisation=school, actor=None, kind=InspectionKind.SELF, title="自查",
                                      extra_items=["消防通道是否畅通"])


def _schedule(school):
    return InspectionSchedule.objects.create(organisation=school, title="每周欺凌排查", frequency="weekly",
                                             next_due=timezone.localdate() + datetime.timedelta(days=1))


def _accountability(school):
    return services.accountability_create(organisation=school, actor=None, person=hf.person(school),
                                          reason="整改不力", measure="约谈", decided_on=timezone.localdate(),
                                          decided_by="区教育局")


OBJECTS = {
    Hazard: lambda school: hf.hazard(school),
    Inspection: _inspection,
    InspectionSchedule: _schedule,
    AccountabilityRecord: _accountability,
}
