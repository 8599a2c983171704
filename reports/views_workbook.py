"""The bureau's monthly statistics workbook: the overview's button starts it (a background task),
its page shows the progress, then its owner downloads it. Only the person who asked sees the job."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from . import permissions, selectors, workbook
from .models import WorkbookJob, WorkbookJobStatus


def _bureau_for(request, campaign):
    """The bureau whose schools the workbook lists: the user's current bureau (the campaign's own
    bureau for a superuser without one)."""
    organisation = getattr(request, "organisation", None)
    if organisation is not None and not organisation.is_school:
        return organisation
    if request.user.is_superuser:
        return campaign.organisation
    raise PermissionDenied


class WorkbookStartView(LoginRequiredMixin, View):
    """POST campaign=&month=YYYY-MM from the overview: queue the workbook, go to its progress page."""

    def post(self, request):
        if not permissions.can_view_overview(request.user):
            raise PermissionDenied
        pk, wanted = request.POST.get("campaign", ""), request.POST.get("month", "")
        campaign = selectors.campaigns_for(request.user).filter(pk=pk).first() if pk.isdigit() else None
        month = next((m for m in selectors.campaign_months(campaign) if f"{m:%Y-%m}" == wanted), None) \
            if campaign else None
        if month is None:
            messages.error(request, _("Choose a campaign and one of its months for the workbook."))
            return redirect("reports:overview")
        job = workbook.workbook_job_start(owner=request.user, bureau=_bureau_for(request, campaign),
                                          campaign=campaign, month=month)
        return redirect(job.get_absolute_url())


class WorkbookJobView(LoginRequiredMixin, DetailView):
    """The workbook's progress (htmx polls the fragment until it ends), then its download link."""

    model = WorkbookJob
    template_name = "reports/workbook_job.html"
    fragment_template = "reports/_workbook_job.html"
    context_object_name = "job"

    def get_queryset(self):
        return WorkbookJob.objects.visible_to(self.request.user).select_related("bureau", "campaign")

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return [self.fragment_template]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        job = self.object
        ctx["title"] = _("Statistics workbook %(month)s: %(campaign)s") % {
            "month": f"{job.month:%Y-%m}", "campaign": job.campaign.title}
        ctx["overview_url"] = f"{reverse('reports:overview')}?campaign={job.campaign_id}&month={job.month:%Y-%m}"
        ctx["keep_days"] = settings.WORKBOOK_KEEP_DAYS
        return ctx


class WorkbookDownloadView(LoginRequiredMixin, View):
    """The built workbook, for the person who asked for it only (404 for everyone else)."""

    model = WorkbookJob

    def get(self, request, pk):
        job = get_object_or_404(WorkbookJob.objects.visible_to(request.user).select_related("bureau"), pk=pk)
        if job.status != WorkbookJobStatus.DONE:
            return redirect(job.get_absolute_url())
        if not job.file_path or not default_storage.exists(job.file_path):
            messages.info(request, _("This workbook's file was removed %(days)s days after it was built. Build it "
                                     "again from the monthly reports.") % {"days": settings.WORKBOOK_KEEP_DAYS})
            return redirect(job.get_absolute_url())
        return FileResponse(default_storage.open(job.file_path, "rb"), as_attachment=True,
                            filename=workbook.filename(job.bureau, job.month),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
