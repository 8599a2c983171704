"""The heartbeat behind the health page.

Beat sends `heartbeat` every minute: the beat process records "beat" when it publishes it, and
the worker records "worker" when it runs it. If either stops, its time goes stale."""
from datetime import timedelta

from celery import shared_task
from celery.signals import beat_init, before_task_publish
from django.utils import timezone

from .models import Heartbeat

HEARTBEAT_TASK = "campaign_site.generic.tasks.heartbeat"
_state = {"in_beat": False}


def _seen(name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


@shared_task(name=HEARTBEAT_TASK)
def heartbeat() -> None:
    _seen("worker")


@beat_init.connect
def _mark_beat_process(**kwargs):
    _state["in_beat"] = True


@before_task_publish.connect
def _beat_published(sender=None, **kwargs):
    if _state["in_beat"] and sender == HEARTBEAT_TASK:
        _seen("beat")


AUDIT_PRUNE_TASK = "campaign_site.generic.tasks.audit_prune"


@shared_task(name=AUDIT_PRUNE_TASK)
def audit_prune() -> int:
    """Remove security audit records older than the retention period (at least six months)."""
    from .audit import audit_prune as prune

    return prune()
@shared_task(name="campaign_site.generic.tasks.pending_actions_expire")
def pending_actions_expire() -> int:
    """Two-person requests past their window are marked expired (and their holds released)."""
    from .twoperson import pending_actions_expire as expire

    return expire()


IMPORT_PREVIEW_MAX_AGE = timedelta(days=1)


def import_previews_purge(*, older_than: timedelta = IMPORT_PREVIEW_MAX_AGE) -> int:
    """Delete the uploaded files kept between an import's preview and its confirmation
    (MEDIA_ROOT/imports/<user>/<token>) once they are older than `older_than`: a preview never
    confirmed would otherwise stay on disk for good (not the file of a background import still to
    run), and erase the initial passwords a background import finished more than `older_than` ago
    still keeps unshown. Returns the number of files removed."""
    from django.core.files.storage import default_storage

    from .models import ImportJob

    cutoff = timezone.now() - older_than
    removed = 0
    # What a background import kept to show once (initial passwords) goes too, shown or not.
    ImportJob.objects.filter(finished_at__lt=cutoff).exclude(secret=[]).update(secret=[])
    if not default_storage.exists("imports"):
        return 0
    # A background import still waiting for (or running on) a worker keeps its file.
    waiting = set(ImportJob.objects.filter(finished_at__isnull=True).values_list("file_path", flat=True))
    folders, _files = default_storage.listdir("imports")
    for folder in folders:
        base = f"imports/{folder}"
        _sub, files = default_storage.listdir(base)
        for name in files:
            path = f"{base}/{name}"
            if path in waiting:
                continue
            try:
                if default_storage.get_modified_time(path) < cutoff:
                    default_storage.delete(path)
                    removed += 1
            except FileNotFoundError:
                continue  # confirmed (and deleted) meanwhile
    return removed


@shared_task(name="campaign_site.generic.tasks.purge_import_previews")
def purge_import_previews() -> int:
    return import_previews_purge()


@shared_task(name="campaign_site.generic.tasks.run_import_job")
def run_import_job(job_id: str) -> str:
    """A confirmed import too large for the request (importing.import_job_run)."""
    from .importing import import_job_run

    return import_job_run(job_id)
