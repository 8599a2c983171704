"""`model_update` and the organisation-owned base, on the tests-only Gadget model."""
import datetime
from decimal import Decimal

import pytest

from campaign_site.generic.errors import DomainError
from campaign_site.generic.services import model_update
from tests.coretest.models import Gadget


@pytest.fixture
def gadget(school_a):
    return Gadget.objects.create(organisation=school_a, name="灭火器", amount=Decimal("3.50"))


def test_only_changed_fields_are_saved_and_one_history_row_says_who_and_why(gadget, officer_a,
                                                                             django_assert_num_queries):
    with django_assert_num_queries(2):  # the UPDATE and the history INSERT
        changed = model_update(instance=gadget, data={"name": "灭火器（新）", "amount": "3.5"},
                               actor=officer_a, reason="盘点更正")
    assert changed == {"name": "灭火器"}  # 3.5 == 3.50: the amount did not change
    gadget.refresh_from_db()
    assert gadget.name == "灭火器（新）"
    latest = gadget.history.first()
    assert gadget.history.count() == 2
    assert latest.history_user == officer_a
    assert latest.history_change_reason == "盘点更正"
    assert latest.name == "灭火器（新）"


def test_update_fields_leaves_other_columns_alone(gadget):
    """A concurrent writer's change to another column survives (only changed columns are written)."""
    Gadget.objects.filter(pk=gadget.pk).update(amount=Decimal("9"))  # someone else, meanwhile
    model_update(instance=gadget, data={"name": "新名称"})
    gadget.refresh_from_db()
    assert (gadget.name, gadget.amount) == ("新名称", Decimal("9"))


def test_nothing_changed_saves_nothing(gadget, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert model_update(instance=gadget, data={"name": "灭火器", "amount": Decimal("3.5")}) == {}
    assert gadget.history.count() == 1


def test_auto_now_field_moves_with_a_change(gadget):
    before = gadget.updated_at
    model_update(instance=gadget, data={"due": "2026-12-05"})
    gadget.refresh_from_db()
    assert gadget.due == datetime.date(2026, 12, 5)
    assert gadget.updated_at > before


def test_foreign_key_by_object_or_id_compared_without_loading(gadget, officer_a, principal_a,
                                                              django_assert_num_queries):
    assert model_update(instance=gadget, data={"keeper": officer_a}) == {"keeper": None}
    with django_assert_num_queries(0):
        assert model_update(instance=gadget, data={"keeper_id": officer_a.pk}) == {}
    assert model_update(instance=gadget, data={"keeper_id": principal_a.pk}) == {"keeper_id": officer_a.pk}
    gadget.refresh_from_db()
    assert gadget.keeper == principal_a
    assert model_update(instance=gadget, data={"keeper": None}) == {"keeper": principal_a.pk}
    gadget.refresh_from_db()
    assert gadget.keeper is None


def test_fields_outside_allowed_or_unknown_are_refused(gadget):
    with pytest.raises(DomainError, match="Cannot change organisation"):
        model_update(instance=gadget, data={"name": "x", "organisation": None}, allowed={"name"})
    with pytest.raises(DomainError, match="Cannot change colour"):
        model_update(instance=gadget, data={"colour": "red"})
    with pytest.raises(DomainError, match="Cannot change id"):
        model_update(instance=gadget, data={"id": 5})
    gadget.refresh_from_db()
    assert gadget.name == "灭火器"


def test_a_value_that_does_not_convert_names_the_field(gadget):
    with pytest.raises(DomainError, match="amount"):
        model_update(instance=gadget, data={"amount": "three"})


def test_change_reason_set_by_the_caller_is_kept(gadget):
    gadget._change_reason = "批量更正"
    model_update(instance=gadget, data={"name": "改"})
    assert gadget.history.first().history_change_reason == "批量更正"


def test_organisation_owned_base_is_scoped_and_protected(school_a, school_b, officer_a, bureau_staff, outsider):
    mine = Gadget.objects.create(organisation=school_a, name="甲校的")
    theirs = Gadget.objects.create(organisation=school_b, name="乙校的")
    assert list(Gadget.objects.visible_to(officer_a)) == [mine]
    assert set(Gadget.objects.visible_to(bureau_staff)) == {mine, theirs}
    assert list(Gadget.objects.visible_to(outsider)) == []
    assert list(school_a.coretest_gadget_set.all()) == [mine]
    assert list(type(school_a).objects.filter(coretest_gadget__name="乙校的")) == [school_b]
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        school_a.delete()
    assert mine.history.count() == 1 and mine.history.first().history_type == "+"
