"""Records loaded without Model.__init__ (campaign_site/generic/loading.py) are Django's records."""
import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Model
from django.db.models.signals import post_init

from campaign_site.generic import loading
from campaign_site.generic.apps import GenericConfig
from hazards.models import Hazard

PROJECT_MODELS = [m for m in apps.get_models() if m._meta.app_label in GenericConfig.PROJECT_APPS]


def _row(model):
    """A value per concrete field of the type the database would return."""
    samples = {models.DateTimeField: datetime.datetime(2026, 11, 2, 8, 30, tzinfo=datetime.UTC),
               models.DateField: datetime.date(2026, 11, 2), models.DecimalField: Decimal("1.500"),
               models.BooleanField: True, models.JSONField: {"k": [1, 2]}}
    values = []
    for n, field in enumerate(model._meta.concrete_fields, start=1):
        value = next((v for cls, v in samples.items() if isinstance(field, cls)), None)
        if value is None:
            value = n if field.get_internal_type().endswith(("IntegerField", "AutoField")) or field.is_relation \
                else f"v{n}"
        values.append(value)
    return [f.attname for f in model._meta.concrete_fields], values


def _django(model, names, values):
    return Model.from_db.__func__(model, "default", names, values)


def _same(a, b):
    assert type(a) is type(b)
    assert (a._state.adding, a._state.db) == (b._state.adding, b._state.db) == (False, "default")
    assert {k: v for k, v in a.__dict__.items() if k != "_state"} == \
        {k: v for k, v in b.__dict__.items() if k != "_state"}


def test_every_project_model_loads_directly():
    assert PROJECT_MODELS
    not_installed = [m.__name__ for m in PROJECT_MODELS if m.from_db.__func__ is not loading._fast_from_db]
    assert not_installed == []


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_loaded_record_is_the_one_django_builds(model):
    names, values = _row(model)
    _same(model.from_db("default", names, values), _django(model, names, values))


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_deferred_fields_stay_unloaded_as_with_django(model):
    names, values = _row(model)
    keep = [i for i in range(len(names)) if i % 2 == 0]  # every other field, pk included
    names, values = [names[i] for i in keep], [values[i] for i in keep]
    fast = model.from_db("default", names, values)
    _same(fast, _django(model, names, values))
    assert fast.get_deferred_fields() == _django(model, names, values).get_deferred_fields() != set()


@pytest.mark.django_db
def test_fetched_record_reads_saves_and_relates_as_usual(school_a):
    from tests.hazards.factories import hazard as make_hazard

    made = make_hazard(school_a)
    hazard = Hazard.objects.select_related("organisation").get(pk=made.pk)
    assert hazard.organisation == school_a and hazard.organisation_id == school_a.pk
    assert hazard.number == made.number and not hazard._state.adding
    hazard.location = "east stairs"
    hazard.save(update_fields=["location"])
    assert Hazard.objects.get(pk=made.pk).location == "east stairs"
    assert Hazard.objects.only("number").get(pk=made.pk).location == "east stairs"  # deferred, then loaded


def test_a_post_init_receiver_sends_records_through_init():
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Hazard)
    try:
        names, values = _row(Hazard)
        record = Hazard.from_db("default", names, values)
    finally:
        post_init.disconnect(receiver, sender=Hazard)
    assert seen == [record]
