"""The admin cannot rewrite history (issue 11 point 3): no revert on workflow models, no deletion
of records with history (deactivation instead), ledgers read-only. The first test walks the admin
registry, so a new app's admin (chemicals, school bus, ...) is held to the same rules."""
import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from campaign_site.accounts.models import Department, Person, User
from campaign_site.generic.admin import RecordAdmin, has_workflow
from hazards.models import Hazard, HazardStatus

from .hazards import factories as hf

OUR_APPS = ("campaign_site.", "hazards", "chemicals", "schoolbus", "reports")


def _ours(model):
    return model.__module__.startswith(OUR_APPS)


def _keeps_history(model):
    return hasattr(model._meta, "simple_history_manager_attribute")


def test_every_domain_admin_refuses_deletion_and_workflow_reverts(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    checked = []
    for model, model_admin in admin.site._registry.items():
        if not _ours(model) or not _keeps_history(model):
            continue
        checked.append(model.__name__)
        assert isinstance(model_admin, RecordAdmin), f"{model.__name__}'s admin must use generic.admin.RecordAdmin"
        assert not model_admin.has_delete_permission(request), f"{model.__name__} can be deleted in the admin"
        assert "delete_selected" not in model_admin.get_actions(request)
        if has_workflow(model):
            assert model_admin.revert_disabled(request), f"{model.__name__}'s history can be reverted"
    assert {"Hazard", "ImplementationPlan", "Activity", "Person", "Department", "User", "Campaign"} <= set(checked)
    assert Group not in [m for m in admin.site._registry if _ours(m)]


def test_reverting_a_closed_hazard_is_refused(client, superuser, school_a):
    hazard = hf.hazard(school_a)
    first = hazard.history.earliest()
    Hazard.objects.filter(pk=hazard.pk).update(status=HazardStatus.CLOSED)
    hazard.refresh_from_db()
    hazard.save()  # a newer history row with the closed status
    client.force_login(superuser)
    url = reverse("admin:hazards_hazard_simple_history", args=[hazard.pk, first.history_id])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # no revert button
    response = client.post(url, {"_save": "1"})
    assert response.status_code == 403
    hazard.refresh_from_db()
    assert hazard.status == HazardStatus.CLOSED


def test_deleting_a_person_in_the_admin_is_refused_with_a_message(client, superuser, school_a):
    person = Person.objects.create(organisation=school_a, name="王老师")
    client.force_login(superuser)
    response = client.post(reverse("admin:accounts_person_delete", args=[person.pk]), {"post": "yes"}, follow=True)
    assert Person.objects.filter(pk=person.pk).exists()
    with translation.override(superuser.language):  # the admin speaks the user's language
        expected = str(RecordAdmin.delete_refused_message)
    assert expected in response.content.decode()
    response = client.post(reverse("admin:accounts_department_changelist"),
                           {"action": "delete_selected", "_selected_action": [
                               Department.objects.create(organisation=school_a, name="总务处").pk]})
    assert Department.objects.filter(name="总务处").exists()


def test_users_are_deactivated_not_deleted(client, superuser, officer_a):
    client.force_login(superuser)
    response = client.post(reverse("admin:accounts_user_changelist"),
                           {"action": "deactivate_selected", "_selected_action": [officer_a.pk]}, follow=True)
    assert response.status_code == 200
    officer_a.refresh_from_db()
    assert officer_a.is_active is False
    assert User.objects.filter(pk=officer_a.pk).exists()
    assert officer_a.history.first().is_active is False  # recorded in the user's history


@pytest.mark.parametrize("name", ["accounts_user", "accounts_person", "campaigns_implementationplan",
                                  "campaigns_activity", "campaigns_campaign", "hazards_hazard"])
def test_no_delete_link_on_change_pages(client, superuser, name):
    client.force_login(superuser)
    page = client.get(reverse(f"admin:{name}_changelist"))
    assert page.status_code == 200
    assert 'value="delete_selected"' not in page.content.decode()
