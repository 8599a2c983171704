from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """One message to one person. `key` makes a reminder idempotent: the database refuses a second
    notice with the same key for the same recipient, however often or concurrently a task runs.
    Keys of daily reminders carry the date, e.g. "hazard:42:due-soon:2026-11-25".
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notices"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    key = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    level = models.CharField(
        max_length=10, default="info",
        choices=[("info", _("Information")), ("warning", _("Warning")), ("danger", _("Urgent"))],
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notice_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title


class Delivery(models.Model):
    """A notice sent on an outside channel (e-mail, later a group-chat webhook).

    Unique per (notice, channel): a retried task never sends the same notice twice.
    """

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20)
    status = models.CharField(
        max_length=10, default="pending", choices=[("pending", "pending"), ("sent", "sent"), ("skipped", "skipped")]
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notice", "channel"], name="delivery_once_per_channel")]

    def __str__(self):
        return f"{self.channel}: {self.status}"
