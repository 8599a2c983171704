"""The accountability register (追责问责清单)."""
import datetime

import pytest
from django.utils import timezone

from campaign_site.generic.errors import DomainError
from hazards import services as s
from hazards.models import AccountabilityRecord

from . import factories as hf


def test_bureau_records_accountability_with_hazards(school_a, bureau_staff):
    h = hf.hazard(school_a)
    rec = hf.accountability(school_a, actor=bureau_staff, hazards=[h], made_public=True)
    assert list(rec.hazards.all()) == [h] and rec.made_public
    assert list(h.accountability_records.all()) == [rec]


def test_principal_may_record_at_own_school(school_a, principal_a):
    assert hf.accountability(school_a, actor=principal_a).organisation == school_a


@pytest.mark.parametrize("who", ["officer_a", "custodian_a", "principal_b", "outsider"])
def test_others_may_not(request, school_a, who):
    with pytest.raises(DomainError):
        hf.accountability(school_a, actor=request.getfixturevalue(who))
    assert not AccountabilityRecord.objects.exists()


def test_names_someone_and_hazards_of_the_organisation(school_a, school_b, bureau_staff):
    with pytest.raises(DomainError):
        s.accountability_create(organisation=school_a, actor=bureau_staff, reason="r", measure="m",
                                decided_on=timezone.localdate(), decided_by="d")
    with pytest.raises(DomainError):
        hf.accountability(school_a, actor=bureau_staff, hazards=[hf.hazard(school_b)])
    with pytest.raises(DomainError):
        hf.accountability(school_a, actor=bureau_staff, person=hf.person(school_b))


def test_future_date_refused(school_a, bureau_staff):
    with pytest.raises(DomainError):
        hf.accountability(school_a, actor=bureau_staff, decided_on=timezone.localdate() + datetime.timedelta(days=1))


def test_update_keeps_history(school_a, bureau_staff):
    rec = hf.accountability(school_a, actor=bureau_staff)
    rec = s.accountability_update(record=rec, actor=bureau_staff, measure="通报批评", made_public=True)
    assert rec.measure == "通报批评" and rec.history.count() == 2


def test_visible_to_school_and_bureau_not_beside(school_a, bureau_staff, officer_a, officer_b, outsider):
    rec = hf.accountability(school_a, actor=bureau_staff)
    assert AccountabilityRecord.objects.visible_to(officer_a).filter(pk=rec.pk).exists()
    assert AccountabilityRecord.objects.visible_to(bureau_staff).filter(pk=rec.pk).exists()
    assert not AccountabilityRecord.objects.visible_to(officer_b).filter(pk=rec.pk).exists()
    assert not AccountabilityRecord.objects.visible_to(outsider).filter(pk=rec.pk).exists()
