"""The workflow helper, exercised over a real choice field (a membership's role) so that it is
tested on its own, apart from any app's state machine."""
import pytest
from django.db import transaction
from django.utils import translation

from campaign_site.accounts.models import Membership, Role
from campaign_site.generic.errors import DomainError, TransitionNotAllowed
from campaign_site.generic.models import TransitionLog
from campaign_site.generic.workflow import Transition, Workflow, transitions_for

FLOW = Workflow(
    Transition("promote", source=[Role.SAFETY_OFFICER], target=Role.RESPONSIBLE_PERSON, label="Promote"),
    Transition("demote", source=[Role.RESPONSIBLE_PERSON], target=Role.SAFETY_OFFICER, label="Demote",
               note_required=True),
    field_name="role",
)


@pytest.fixture
def membership(officer_a):
    return Membership.objects.get(user=officer_a)


def _apply(obj, name, **kwargs):
    with transaction.atomic():
        locked = Membership.objects.select_for_update().get(pk=obj.pk)
        return FLOW.apply(locked, name, **kwargs), locked


def test_apply_moves_the_state_and_writes_a_transition_record(membership, principal_a):
    log, locked = _apply(membership, "promote", actor=principal_a, note="经校务会研究")
    membership.refresh_from_db()
    assert membership.role == Role.RESPONSIBLE_PERSON
    assert (log.from_state, log.to_state, log.name) == (Role.SAFETY_OFFICER, Role.RESPONSIBLE_PERSON, "promote")
    assert log.actor == principal_a
    assert log.organisation == membership.organisation
    assert log.note == "经校务会研究"
    assert [t.name for t in transitions_for(membership)] == ["promote"]
    # the change is in the record's history too, with the note as its reason
    assert membership.history.first().history_change_reason == "经校务会研究"


def test_wrong_state_is_refused_with_a_message(membership, principal_a):
    with translation.override("en"), pytest.raises(DomainError) as exc:
        _apply(membership, "demote", actor=principal_a, note="x")
    assert isinstance(exc.value, TransitionNotAllowed)
    assert exc.value.message == "“Demote” is not possible while the record is “Safety officer”."
    membership.refresh_from_db()
    assert membership.role == Role.SAFETY_OFFICER
    assert not TransitionLog.objects.exists()


def test_a_reason_is_required_where_the_table_says_so(membership, principal_a):
    _apply(membership, "promote", actor=principal_a)
    with translation.override("en"), pytest.raises(DomainError, match="Please give a reason."):
        _apply(membership, "demote", actor=principal_a, note="   ")
    _apply(membership, "demote", actor=principal_a, note="岗位调整")
    membership.refresh_from_db()
    assert membership.role == Role.SAFETY_OFFICER
    assert [(t.from_state, t.to_state) for t in transitions_for(membership)] == [
        (Role.SAFETY_OFFICER, Role.RESPONSIBLE_PERSON), (Role.RESPONSIBLE_PERSON, Role.SAFETY_OFFICER)]


def test_available_and_can(membership):
    assert [t.name for t in FLOW.available(membership)] == ["promote"]
    assert FLOW.can(membership, "promote") and not FLOW.can(membership, "demote")
    assert not FLOW.can(membership, "no-such-transition")


def test_transition_records_are_scoped(membership, principal_a, officer_b, bureau_staff):
    _apply(membership, "promote", actor=principal_a)
    assert TransitionLog.objects.visible_to(officer_b).count() == 0
    assert TransitionLog.objects.visible_to(bureau_staff).count() == 1
