from django.apps import AppConfig


class CoreTestConfig(AppConfig):
    """Small concrete models over the core's abstract bases, installed only in the test settings."""

    name = "tests.coretest"
    label = "coretest"
    default_auto_field = "django.db.models.BigAutoField"
