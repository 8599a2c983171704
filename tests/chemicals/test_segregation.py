"""分类存放: a container is refused a cabinet holding something it must be kept apart from; what a
list reload brings together shows on the segregation page of the schools that can see it."""
import pytest
from django.urls import reverse

from campaign_site.generic.errors import DomainError
from chemicals import selectors, services
from chemicals.models import Chemical, Container

from . import factories as cf

PHOSPHORIC, OXALIC, SODA = "7664-38-2", "144-62-7", "497-19-8"


@pytest.mark.django_db
def test_a_base_is_refused_the_acid_cabinet_with_the_reason(school_a):
    acids = cf.cabinet(school_a)
    cf.container(school_a, PHOSPHORIC, in_cabinet=acids, unit="mL")
    cf.container(school_a, OXALIC, in_cabinet=acids)  # acid with acid: fine
    with pytest.raises(DomainError) as refused:
        cf.container(school_a, cf.CAUSTIC, in_cabinet=acids)
    assert "cannot go into cabinet" in refused.value.message and "磷酸" in refused.value.message
    assert Container.objects.filter(cabinet=acids).count() == 2


@pytest.mark.django_db
def test_moving_a_container_next_to_an_incompatible_one_is_refused(school_a):
    acids, bases = cf.cabinet(school_a), cf.cabinet(school_a)
    cf.container(school_a, PHOSPHORIC, in_cabinet=acids, unit="mL")
    caustic = cf.container(school_a, cf.CAUSTIC, in_cabinet=bases)
    with pytest.raises(DomainError):
        services.container_update(container=caustic, actor=None, cabinet=acids)
    caustic.refresh_from_db()
    assert caustic.cabinet_id == bases.pk


@pytest.mark.django_db
def test_a_flag_changed_by_a_list_reload_shows_as_a_violation(school_a, school_b, bureau_staff, officer_b, client):
    shelf = cf.cabinet(school_a)
    cf.container(school_a, OXALIC, in_cabinet=shelf)
    cf.container(school_a, SODA, in_cabinet=shelf)  # general with acid: fine today
    assert selectors.segregation_violations(Container.objects.all()) == []
    Chemical.objects.filter(cas=SODA).update(storage_class="base")  # the catalogue now says: a base
    found = selectors.segregation_violations(Container.objects.all())
    assert [(v.cabinet, {v.first.cas, v.second.cas}) for v in found] == [(shelf, {OXALIC, SODA})]
    client.force_login(bureau_staff)
    page = client.get(reverse("chemicals:segregation")).content.decode()
    assert page.count('data-testid="violation"') == 1 and "草酸" in page
    client.force_login(officer_b)
    assert 'data-testid="violation"' not in client.get(reverse("chemicals:segregation")).content.decode()


@pytest.mark.django_db
def test_the_violations_take_three_queries_whatever_the_number_of_cabinets(school_a, django_assert_num_queries):
    for _ in range(4):
        shelf = cf.cabinet(school_a)
        cf.container(school_a, OXALIC, in_cabinet=shelf)
        cf.container(school_a, SODA, in_cabinet=shelf)
    Chemical.objects.filter(cas=SODA).update(storage_class="base")
    with django_assert_num_queries(3):
        assert len(selectors.segregation_violations(Container.objects.all())) == 4


@pytest.mark.django_db
def test_the_bureau_counts_per_school_are_the_listed_violations(school_a, school_b):
    for school, cabinets in ((school_a, 3), (school_b, 1)):
        for _ in range(cabinets):
            shelf = cf.cabinet(school)
            cf.container(school, OXALIC, in_cabinet=shelf)
            cf.container(school, SODA, in_cabinet=shelf)
            cf.container(school, PHOSPHORIC, in_cabinet=shelf, unit="mL")
    cf.container(school_b, OXALIC, in_cabinet=cf.cabinet(school_b))  # alone: nothing to judge
    Chemical.objects.filter(cas=SODA).update(storage_class="base")  # a base beside two acids, per cabinet
    listed = selectors.segregation_violations(Container.objects.all())
    per_school = {}
    for violation in listed:
        per_school[violation.cabinet.organisation_id] = per_school.get(violation.cabinet.organisation_id, 0) + 1
    assert per_school == {school_a.pk: 6, school_b.pk: 2}
    assert selectors.segregation_counts_by_school(Container.objects.all()) == per_school
