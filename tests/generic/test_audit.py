"""The security audit log (issue 11 point 13): append-only, kept six months, fed by the core."""
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from campaign_site.accounts.models import Department, Organisation
from campaign_site.generic import periodic
from campaign_site.generic.audit import audit_prune, audit_record
from campaign_site.generic.models import AppendOnlyError, AuditEvent, AuditResult
from tests.generic.test_importer import xlsx

pytestmark = pytest.mark.django_db


def _event(**kwargs):
    return audit_record(kwargs.pop("action", "export"), **kwargs)


def test_audit_record_fills_object_organisation_and_address(rf, officer_a, school_a):
    department = Department.objects.create(organisation=school_a, name="总务处")
    request = rf.get("/x", REMOTE_ADDR="203.0.113.9")
    request.user = officer_a
    event = audit_record("export", request=request, obj=department, detail="d")
    event.refresh_from_db()
    assert (event.user, event.username, event.client_ip) == (officer_a, "officer_a", "203.0.113.9")
    assert event.content_type == ContentType.objects.get_for_model(Department)
    assert (event.object_id, event.object_repr, event.organisation) == (str(department.pk), "总务处", school_a)
    assert event.result == AuditResult.SUCCESS


def test_records_cannot_be_changed_or_deleted_through_any_orm_path(officer_a):
    event = _event(user=officer_a)
    event.detail = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["detail"])
    event.refresh_from_db()
    assert event.detail == "" and AuditEvent.objects.count() == 1


def test_the_admin_offers_no_way_to_change_or_delete_records(client_for, superuser, officer_a):
    event = _event(user=officer_a)
    client = client_for(superuser)
    assert client.get(f"/admin/generic/auditevent/{event.pk}/change/").status_code == 404
    assert client.post(f"/admin/generic/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 404
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_prune_removes_only_records_older_than_six_months(settings, officer_a):
    settings.AUDIT_RETENTION_DAYS = 30  # too short a setting is raised to the six-month minimum
    old, recent = _event(user=officer_a), _event(user=officer_a)
    from django.db import connection
    with connection.cursor() as c:
        table = AuditEvent._meta.db_table
        c.execute(f"UPDATE {table} SET at = %s WHERE id = %s", [timezone.now() - timedelta(days=184), old.pk])
        c.execute(f"UPDATE {table} SET at = %s WHERE id = %s", [timezone.now() - timedelta(days=170), recent.pk])
    assert audit_prune() == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_prune_runs_nightly_through_the_periodic_registry():
    spec = next(s for s in periodic.specs() if s.name == "audit-prune")
    assert spec.task == "campaign_site.generic.tasks.audit_prune"
    from campaign_site.generic.tasks import audit_prune as task
    assert task.apply().get() == 0


@pytest.mark.urls("tests.generic.testviews")
def test_an_export_is_recorded_with_its_filter(client_for, officer_a, school_a):
    Department.objects.create(organisation=school_a, name="总务处")
    response = client_for(officer_a).get(reverse("test_departments"), {"export": "csv", "name": "总"},
                                         REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.user == officer_a and event.client_ip == "198.51.100.7"
    assert "1" in event.detail and "name=" in event.detail and event.organisation == school_a


@pytest.mark.urls("tests.generic.testviews")
def test_a_confirmed_import_is_recorded(client_for, officer_a, school_a):
    client = client_for(officer_a)
    token = client.post(reverse("test_departments_import"), {"file": xlsx([["总务处"], ["教务处"]])}).context["token"]
    assert not AuditEvent.objects.filter(action="import").exists()  # a preview is not an import
    client.post(reverse("test_departments_import"), {"confirm_token": token})
    event = AuditEvent.objects.get(action="import")
    assert event.user == officer_a and event.result == AuditResult.SUCCESS and "2" in event.detail


def test_a_403_is_recorded(client_for, officer_a):
    response = client_for(officer_a).get(reverse("accounts:user_create"))
    assert response.status_code == 403
    event = AuditEvent.objects.get(action="permission_denied")
    assert event.user == officer_a and event.result == AuditResult.DENIED
    assert reverse("accounts:user_create") in event.detail


def test_a_404_on_another_organisations_record_is_recorded(client_for, officer_b, officer_a, school_a):
    client = client_for(officer_b)
    assert client.get(reverse("accounts:organisation_detail", args=[school_a.pk])).status_code == 404
    assert client.get(reverse("accounts:user_edit", args=[officer_a.pk])).status_code == 404
    events = AuditEvent.objects.filter(action="hidden_object").order_by("pk")
    assert [(e.user, e.object_repr, e.result) for e in events] == [
        (officer_b, "实验小学", AuditResult.DENIED), (officer_b, str(officer_a), AuditResult.DENIED)]
    # a record that does not exist at all is not an attempt on another organisation
    assert client.get(reverse("accounts:organisation_detail", args=[999999])).status_code == 404
    assert events.count() == 2


def test_the_scoped_lookup_helper_records_the_attempt(officer_b, school_a):
    from django.http import Http404

    from campaign_site.generic.scoping import get_visible_or_404

    with pytest.raises(Http404):
        get_visible_or_404(Organisation, officer_b, pk=school_a.pk)
    event = AuditEvent.objects.get(action="hidden_object")
    assert event.user == officer_b and event.organisation == school_a


def test_admin_actions_are_recorded(superuser, school_a):
    LogEntry.objects.log_actions(user_id=superuser.pk, queryset=[school_a], action_flag=CHANGE,
                                 change_message="Changed name.", single_object=True)
    event = AuditEvent.objects.get(action="admin_changed")
    assert event.user == superuser and event.object_repr == "实验小学" and event.object_id == str(school_a.pk)
