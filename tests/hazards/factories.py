"""Factories for the hazards app: build records through the services, as users would."""
import datetime
import itertools

from django.utils import timezone

from campaign_site.accounts.models import Person
from hazards import services
from hazards.models import AccountabilityRecord, HazardLevel, HazardSource, InspectionKind

_n = itertools.count(1)


def person(school, name=None, user=None, department=None) -> Person:
    return Person.objects.create(organisation=school, name=name or f"职工{next(_n)}", user=user,
                                 department=department)


def hazard(school, **kw):
    """A hazard registered at `school` (system actor unless `actor=` is given).

    Defaults: general level, found today, deadline in 7 days, a unique location (so no accidental
    recurrence). Any hazard_register keyword may be overridden.
    """
    n = next(_n)
    today = timezone.localdate()
    found_on = kw.pop("found_on", today)
    values = dict(
        organisation=school,
        actor=kw.pop("actor", None),
        title=kw.pop("title", f"测试隐患{n}"),
        location=kw.pop("location", f"教学楼{n}室"),
        found_on=found_on,
        deadline=kw.pop("deadline", found_on + datetime.timedelta(days=7)),
        level=kw.pop("level", HazardLevel.GENERAL),
        source=kw.pop("source", HazardSource.SELF),
    )
    values.update(kw)
    return services.hazard_register(**values)


def major_hazard(school, **kw):
    kw.setdefault("level", HazardLevel.MAJOR)
    return hazard(school, **kw)


def inspection(school, *, actor, kind=InspectionKind.SELF, **kw):
    kw.setdefault("title", f"测试检查{next(_n)}")
    return services.inspection_create(organisation=school, actor=actor, kind=kind, **kw)


def accountability(organisation, *, actor=None, **kw):
    if "person" not in kw and "department" not in kw:
        kw["person"] = person(organisation)
    kw.setdefault("reason", "整改不力")
    kw.setdefault("measure", "约谈")
    kw.setdefault("decided_on", timezone.localdate())
    kw.setdefault("decided_by", "区教育局")
    return services.accountability_create(organisation=organisation, actor=actor, **kw)


__all__ = ["hazard", "major_hazard", "inspection", "accountability", "person", "AccountabilityRecord"]
