"""Permissions have one home: role groups and has_role in accounts, predicates per app, and one
lookup that answers "may this user see it" and "what may they do with it"."""
from __future__ import annotations

import pytest
from django.http import Http404
from django.urls import reverse

from campaign_site.accounts.permissions import SCHOOL_SAFETY_ROLES, has_role, person_for
from campaign_site.generic.permissions import get_for_user
from hazards import permissions as hp
from hazards.models import Hazard
from tests.hazards import factories as hf

pytestmark = pytest.mark.django_db


def test_has_role_at_an_organisation_above_and_anywhere(school_a, school_b, district, officer_a, bureau_staff,
                                                        outsider, superuser):
    assert has_role(officer_a, school_a, SCHOOL_SAFETY_ROLES)
    assert not has_role(officer_a, school_b, SCHOOL_SAFETY_ROLES)
    assert has_role(officer_a, None, SCHOOL_SAFETY_ROLES)  # somewhere: the "New" buttons and menus
    assert not has_role(bureau_staff, school_a, SCHOOL_SAFETY_ROLES)
    assert has_role(bureau_staff, school_a, hp.LISTING_ROLES)  # a role at the bureau covers its schools
    assert not has_role(outsider, school_a, hp.LISTING_ROLES)
    assert has_role(superuser, school_a, ())
    assert not has_role(None, school_a, SCHOOL_SAFETY_ROLES)
    assert person_for(officer_a) is not None and person_for(None) is None


def test_one_lookup_scopes_and_says_what_the_user_may_do(school_a, officer_a, officer_b, principal_a,
                                                         bureau_staff):
    hazard = hf.hazard(school_a)
    asked = {"edit": hp.can_edit_hazard, "supervise": hp.can_supervise, "sign_off": hp.can_sign_off}

    obj, may = get_for_user(Hazard.objects.all(), officer_a, pk=hazard.pk, permissions=asked)
    assert obj == hazard and may.edit and not may.supervise and not may["sign_off"]
    _obj, may = get_for_user(Hazard, bureau_staff, pk=hazard.pk, permissions=asked)
    assert may.supervise and may.edit and not may.sign_off
    _obj, may = get_for_user(Hazard, principal_a, pk=hazard.pk, permissions=asked)
    assert may.sign_off
    with pytest.raises(Http404):  # another school's hazard: missing, not forbidden
        get_for_user(Hazard, officer_b, pk=hazard.pk, permissions=asked)


def test_the_new_button_and_the_create_page_ask_the_same_predicate(client_for, school_a, officer_a, custodian_a):
    create = reverse("hazards:hazard_create")
    page = client_for(officer_a).get(reverse("hazards:hazard_list")).content.decode()
    assert f'href="{create}"' in page
    assert client_for(officer_a).get(create).status_code == 200
    page = client_for(custodian_a).get(reverse("hazards:hazard_list")).content.decode()
    assert f'href="{create}"' not in page
    assert client_for(custodian_a).get(create).status_code == 403


def test_menu_entries_ask_the_page_predicate(client_for, school_a, custodian_a, bureau_staff):
    tips = reverse("hazards:tip_list")
    assert f'href="{tips}"' in client_for(bureau_staff).get(reverse("home")).content.decode()
    assert f'href="{tips}"' not in client_for(custodian_a).get(reverse("home")).content.decode()


def test_the_edit_button_and_the_edit_page_agree(client_for, school_a, officer_a, custodian_a):
    hazard = hf.hazard(school_a)
    edit = reverse("hazards:hazard_edit", args=[hazard.pk])
    assert 'data-testid="edit"' in client_for(officer_a).get(hazard.get_absolute_url()).content.decode()
    assert client_for(officer_a).get(edit).status_code == 200
    assert 'data-testid="edit"' not in client_for(custodian_a).get(hazard.get_absolute_url()).content.decode()
    assert client_for(custodian_a).get(edit).status_code == 403
