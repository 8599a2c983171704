import pytest
from django.urls import reverse

from campaign_site.accounts.models import Organisation, Person, User
from campaign_site.generic.scoping import get_visible_or_404


def test_school_user_sees_only_own_school(officer_a, school_a, school_b, other_school):
    assert list(Organisation.objects.visible_to(officer_a)) == [school_a]


def test_bureau_sees_its_subtree(bureau_staff, district, school_a, school_b, other_school):
    visible = set(Organisation.objects.visible_to(bureau_staff))
    assert visible == {district, school_a, school_b}


def test_other_district_object_is_404(client_for, outsider, school_a):
    from django.http import Http404

    with pytest.raises(Http404):
        get_visible_or_404(Organisation, outsider, pk=school_a.pk)
    response = client_for(outsider).get(reverse("accounts:organisation_detail", args=[school_a.pk]))
    assert response.status_code == 404


def test_school_b_user_gets_404_on_school_a_pages(client_for, officer_b, officer_a, school_a):
    client = client_for(officer_b)
    person = Person.objects.get(user=officer_a)
    assert client.get(reverse("accounts:organisation_detail", args=[school_a.pk])).status_code == 404
    assert client.get(reverse("accounts:person_detail", args=[person.pk])).status_code == 404
    assert client.get(reverse("accounts:user_detail", args=[officer_a.pk])).status_code == 404


def test_users_visible_to_follows_memberships(bureau_staff, officer_a, officer_b, outsider):
    assert set(User.objects.visible_to(bureau_staff)) >= {officer_a, officer_b, bureau_staff}
    assert outsider not in set(User.objects.visible_to(bureau_staff))
    assert set(User.objects.visible_to(officer_b)) == {officer_b}


def test_anonymous_is_sent_to_login(client, school_a):
    response = client.get(reverse("accounts:organisation_detail", args=[school_a.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
