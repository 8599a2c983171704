"""get_FOO_display of the project's models: cached labels, same answers as Django's own."""
import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from campaign_site.generic import choices
from campaign_site.generic.apps import GenericConfig
from hazards.models import Hazard, HazardLevel, HazardStatus


def _models_with_choices():
    for model in apps.get_models():
        if model._meta.app_label in GenericConfig.PROJECT_APPS:
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_every_project_choice_field_reads_cached_labels():
    found = list(_models_with_choices())
    assert len(found) > 40  # history models included
    for model, field in found:
        assert model.__dict__[f"get_{field.name}_display"].func is choices.choice_label, model


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_match_djangos_in_each_language(language):
    with translation.override(language):
        for model, field in _models_with_choices():
            obj = model()
            for value, _label in field.flatchoices:
                setattr(obj, field.attname, value)
                assert getattr(obj, f"get_{field.name}_display")() == Model._get_FIELD_display(obj, field)


def test_the_label_follows_the_active_language():
    hazard = Hazard(level=HazardLevel.MAJOR, status=HazardStatus.REGISTERED)
    with translation.override("zh-hans"):
        chinese = hazard.get_level_display()
    with translation.override("en"):
        english = hazard.get_level_display()
    assert (chinese, english) == ("重大", "Major")


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Hazard(level="nonsense").get_level_display() == "nonsense"
    assert Hazard(level=None).get_level_display() is None
