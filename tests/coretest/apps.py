from django.apps import AppConfig


class CoreTestConfig(AppConfig):
    """Small concrete models over the core's abstract bases, installed only in the test settings."""

    name = "tests.coretest"
    label = "coretest"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from campaign_site.generic import twoperson

        from . import models

        twoperson.register(
            "coretest.move", models.carry_out_move, roles={"principal", "other_leader"}, label="Gadget movement",
            eligible=models.trained, on_close=models.release_move,
        )
