"""Shared records used by every app: transition records, attachments, worker heartbeats, pending
two-person confirmations; and the abstract base of every organisation-owned model.

`OrganisationOwned` (abstract)
    class Cabinet(OrganisationOwned):
        name = models.CharField(...)

    gives the model an `organisation` foreign key to accounts.Organisation (`PROTECT`; reverse
    accessor `<app>_<model>_set`, e.g. `school.chemicals_cabinet_set`), history
    (django-simple-history, one historical table per concrete model in its own app:
    `Cabinet.history`, `obj.history.all()`), and `objects = ScopedQuerySet.as_manager()`, so
    `Cabinet.objects.visible_to(user)` is scoped like every other owned model. Override
    `organisation` to give it another label (`verbose_name=_("school")`) or `limit_choices_to`;
    give `objects` a subclass of `ScopedQuerySet` for extra queryset methods or a narrower
    `visible_to`. Model-level `Meta` options go in `class Meta(OrganisationOwned.Meta)`.
"""
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .links import reverse  # django.urls.reverse from a template: list rows link cheaply
from .scoping import ScopedQuerySet


class OrganisationOwned(models.Model):
    """Abstract base: owned by one organisation, scoped with `visible_to(user)`, with history."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set", related_query_name="%(app_label)s_%(class)s",
    )
    history = HistoricalRecords(inherit=True)

    objects = ScopedQuerySet.as_manager()

    scope_field = "organisation"

    class Meta:
        abstract = True


class TransitionLog(models.Model):
    """Who moved which record from which state to which, when, and why. Never edited."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transition record")
        verbose_name_plural = _("transition records")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.from_state} → {self.to_state}"


def attachment_path(instance, filename):
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{instance.organisation_id}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    """A validated file attached to any record; served only through the scoped download view."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, blank=True)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith("image/")


class Heartbeat(models.Model):
    """Last time a Celery worker ran the heartbeat task and beat sent it (health page)."""

    name = models.CharField(max_length=20, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name}: {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AuditResult(models.TextChoices):
    SUCCESS = "success", _("succeeded")
    FAILURE = "failure", _("unsuccessful")
    DENIED = "denied", _("refused")


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a security audit record."""


class AuditEventQuerySet(ScopedQuerySet):
    """Audit records are never changed or deleted: `update()` and `delete()` refuse. Only the
    retention task removes records older than the retention period (`generic.audit.audit_prune`)."""

    def update(self, **kwargs):
        raise AppendOnlyError("Security audit records cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Security audit records cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Security audit records cannot be deleted.")

    _update = update


class AuditEvent(models.Model):
    """One security-relevant event: who, from where, did what to which object, with which result.

    Append-only (see AuditEventQuerySet and save()/delete() below). Written with
    `campaign_site.generic.audit.audit_record(...)`."""

    at = models.DateTimeField(_("date and time"), default=timezone.now, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    # The name typed at the login form, kept even when no such account exists.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=10, choices=AuditResult.choices, default=AuditResult.SUCCESS)
    detail = models.TextField(_("detail"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("security audit record")
        verbose_name_plural = _("security audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "at"])]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Security audit records cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Security audit records cannot be deleted.")

    @property
    def action_label(self) -> str:
        from .audit import action_label

        return action_label(self.action)
class PendingStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class PendingAction(OrganisationOwned):
    """An action one person asked for that a second, different person must confirm before it runs
    (two-person control). Written and moved only by `campaign_site.generic.twoperson`."""

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    summary = models.CharField(_("what"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(default=dict, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    status = models.CharField(_("status"), max_length=20, choices=PendingStatus.choices,
                              default=PendingStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    expires_at = models.DateTimeField(_("to be confirmed by"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta(OrganisationOwned.Meta):
        abstract = False
        verbose_name = _("request awaiting confirmation")
        verbose_name_plural = _("requests awaiting confirmation")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["organisation", "status", "expires_at"]),
            models.Index(fields=["content_type", "object_id"]),
        ]
        constraints = [
            # The second person is never the first, whatever writes the row.
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True) | ~models.Q(confirmed_by=models.F("requested_by")),
                name="pendingaction_confirmer_is_another_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status=PendingStatus.CONFIRMED, confirmed_by__isnull=False)
                | (~models.Q(status=PendingStatus.CONFIRMED) & models.Q(confirmed_by__isnull=True)),
                name="pendingaction_confirmed_names_its_confirmer",
            ),
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("requested_at")),
                                   name="pendingaction_window_after_request"),
        ]

    def __str__(self):
        return self.summary

    def get_absolute_url(self):
        return reverse("generic:pending_detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == PendingStatus.PENDING

    @property
    def is_expired(self) -> bool:
        return self.status == PendingStatus.EXPIRED or (self.is_pending and timezone.now() >= self.expires_at)


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    VALIDATING = "validating", _("Checking the rows")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is its owner's alone (another user, even the bureau above, gets 404)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)


class ImportJob(models.Model):
    """A confirmed import too large to run in the request (more than `IMPORT_BACKGROUND_ROWS`
    rows): the previewed file is checked again and written by a Celery task
    (`generic.tasks.run_import_job`), all rows or none, while its page shows the progress.
    Written only by `campaign_site.generic.importing`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT,
                              related_name="+")
    organisation = models.ForeignKey("accounts.Organisation", verbose_name=_("organisation"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    importer = models.CharField(_("importer"), max_length=200)  # dotted path of the Importer class
    title = models.CharField(_("what"), max_length=200)
    file_path = models.CharField(max_length=300)  # the previewed upload under MEDIA_ROOT
    options = models.JSONField(default=dict, blank=True)  # the preview's options (pks, flags)
    result_url = models.CharField(max_length=300, blank=True)  # where the imported rows are listed
    status = models.CharField(_("status"), max_length=20, choices=ImportJobStatus.choices,
                              default=ImportJobStatus.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)  # {"saved": n} or {"rows": [{"row": n, "errors": []}]}
    # Shown once to the owner, then erased (the initial passwords of a user import). No history.
    secret = models.JSONField(default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background import")
        verbose_name_plural = _("background imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return f"{self.title} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("generic:import_job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0
        return min(100, round(100 * self.rows_done / self.rows_total))
