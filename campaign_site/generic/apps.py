from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GenericConfig(AppConfig):
    name = "campaign_site.generic"
    label = "generic"
    verbose_name = _("Shared records")

    # The project's own apps: their models' get_FOO_display read cached labels (generic/choices.py)
    # and their records are loaded without Model.__init__ (generic/loading.py).
    PROJECT_APPS = ("accounts", "generic", "notifications", "campaigns", "hazards", "chemicals", "schoolbus",
                    "reports")

    def ready(self):
        from . import choices, loading, periodic

        choices.install(self.PROJECT_APPS)
        loading.install(self.PROJECT_APPS)

        periodic.register(
            name="heartbeat", task="campaign_site.generic.tasks.heartbeat", every_seconds=60,
            description="Records that beat and a worker are alive (health page).",
        )
        periodic.register(
            name="audit-prune", task="campaign_site.generic.tasks.audit_prune", crontab="40 3 * * *",
            description="Removes security audit records older than AUDIT_RETENTION_DAYS (at least 183 days).",
        )
        periodic.register(
            name="pending-actions-expire", task="campaign_site.generic.tasks.pending_actions_expire",
            crontab="7 * * * *", description="Two-person requests past their window are marked expired.",
        )
        periodic.register(
            name="purge-import-previews", task="campaign_site.generic.tasks.purge_import_previews",
            every_seconds=3600,
            description="Deletes import files uploaded for a preview and never confirmed, after a day.",
        )
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from .audit import audit_admin_log_entry

        post_save.connect(audit_admin_log_entry, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
