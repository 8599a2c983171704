"""Site-wide pages: home, attachments (scoped download/upload) and the health page."""
from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import home as home_registry
from .attachments import attachment_add
from .errors import DomainError
from .forms import AttachmentForm
from .limits import file_limit, upload_limit
from .models import Attachment, Heartbeat


@login_required
def home(request):
    return render(request, "home.html", {"widgets": home_registry.widgets_for(request), "title": _("Home")})


def _target_visible(att: Attachment, user) -> bool:
    """The record the file belongs to must be visible too (some records are narrower than their
    organisation: public tips are for the bureau only)."""
    model = att.content_type.model_class()
    manager = getattr(model, "objects", None)
    if manager is None or not hasattr(manager.all(), "visible_to"):
        return True
    return manager.visible_to(user).filter(pk=att.object_id).exists()


@login_required
def attachment_download(request, pk):
    att = Attachment.objects.visible_to(request.user).filter(pk=pk).first()
    if att is None or not _target_visible(att, request.user):
        raise Http404
    # Only re-encoded images are shown inline; a PDF (which may carry /OpenAction scripts for
    # the browser's viewer) and every other file are downloads.
    inline = att.is_image
    response = FileResponse(att.file.open("rb"), content_type=att.mime_type, as_attachment=not inline,
                            filename=att.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@upload_limit(file_limit("ATTACHMENT_MAX_BYTES"))
@login_required
@require_POST
def attachment_upload(request, ct, pk):
    try:
        model = ContentType.objects.get_for_id(ct).model_class()
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    if model is None or not hasattr(model.objects.all(), "visible_to"):
        raise Http404
    obj = model.objects.visible_to(request.user).filter(pk=pk).first()
    if obj is None:
        raise Http404
    can = getattr(obj, "can_attach", None)
    if can is not None and not can(request.user):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(obj=obj, upload=form.cleaned_data["file"], actor=request.user,
                           caption=form.cleaned_data["caption"], kind=request.POST.get("kind", ""))
            messages.success(request, _("File attached."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Please choose a file."))
    return redirect(obj.get_absolute_url())


HEALTHY_WITHIN = timedelta(minutes=3)


def health_status() -> dict:
    now = timezone.now()
    seen = {h.name: h.seen_at for h in Heartbeat.objects.all()}
    status = {}
    for name in ("worker", "beat"):
        at = seen.get(name)
        status[name] = {"seen_at": at, "ok": bool(at and now - at <= HEALTHY_WITHIN)}
    return status


@login_required
def health(request):
    if not request.user.is_system_admin:  # defined by the user model (accounts), not imported here
        raise PermissionDenied
    status = health_status()
    if request.GET.get("format") == "json":
        return JsonResponse({k: {"ok": v["ok"], "seen_at": v["seen_at"] and v["seen_at"].isoformat()}
                             for k, v in status.items()})
    return render(request, "generic/health.html", {"status": status, "title": _("System health")})
