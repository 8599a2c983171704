"""Pages of the circulars (通报): the list (with the bureau's "draft the circular" form), one circular
as a page with its approval steps, its Word document."""
from __future__ import annotations

import datetime

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from campaign_site.generic.scoping import get_visible_or_404
from campaign_site.generic.tables import Table
from campaign_site.generic.views import ObjectDetailView, ObjectEditView, ObjectListView, TransitionView

from . import permissions, selectors
from .circular import circular_edit
from .forms import CircularForm
from .models import CIRCULAR_FLOW, Circular, CircularStatus

CIRCULAR_STYLE = {CircularStatus.DRAFT: "secondary", CircularStatus.APPROVED: "info",
                  CircularStatus.PUBLISHED: "success"}


class CircularTable(Table):
    month = tables.DateColumn(format="Y-m", verbose_name=gettext_lazy("month"))
    title = tables.Column(linkify=True)
    number = tables.Column()
    organisation = tables.Column(order_by=("organisation__name",))
    date = tables.DateColumn(format="Y-m-d")
    status = tables.Column()

    class Meta:
        model = Circular
        phone_columns = ("title", "status")
        fields = ()
        sequence = ("month", "title", "number", "organisation", "date", "status")
        order_by = ("-month",)
        attrs = {"class": "table table-hover align-middle", "data-testid": "circular-table"}

    def render_status(self, value, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', CIRCULAR_STYLE.get(record.status, "secondary"),
                           value)


def _bureau_of(request):
    """The bureau the user drafts for: their current organisation when it is a bureau."""
    org = request.organisation
    return org if org is not None and org.is_bureau else None


class CircularListView(ObjectListView):
    """Circulars the user sees: the bureau's own in every state, the published ones of the bureaus above."""

    model = Circular
    select_related = ("organisation", "campaign")
    table_class = CircularTable
    template_name = "reports/circular_list.html"
    title = gettext_lazy("Circulars")
    empty_text = gettext_lazy("No circular yet.")
    export_formats = ()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        bureau = _bureau_of(self.request)
        ctx["can_draft"] = bureau is not None and permissions.can_draft_circular(self.request.user, bureau)
        if ctx["can_draft"]:
            campaigns = [c for c in selectors.campaigns_for(self.request.user, monthly_reports=True)[:20]
                         if bureau.path.startswith(c.organisation.path)]
            ctx["draft_campaigns"] = campaigns
            ctx["draft_months"] = sorted({m for c in campaigns for m in selectors.campaign_months(c)}, reverse=True)
        return ctx


class CircularDraftView(LoginRequiredMixin, View):
    """POST (bureau safety staff): draft this month's circular in the background (a draft is replaced)."""

    def post(self, request):
        from campaign_site.campaigns.models import Campaign

        from .tasks import draft_circular

        bureau = _bureau_of(request)
        if bureau is None or not permissions.can_draft_circular(request.user, bureau):
            raise PermissionDenied
        pk, month_text = request.POST.get("campaign", ""), request.POST.get("month", "")
        campaign = Campaign.objects.live().visible_to(request.user).filter(pk=pk).first() if pk.isdigit() else None
        try:
            month = datetime.date.fromisoformat(f"{month_text}-01")
        except ValueError:
            month = None
        if campaign is None or month is None or month not in selectors.campaign_months(campaign) \
                or not bureau.path.startswith(campaign.organisation.path):
            messages.error(request, _("Choose a campaign and one of its months."))
            return redirect("reports:circular_list")
        existing = Circular.objects.filter(organisation=bureau, campaign=campaign, month=month).first()
        if existing is not None and not existing.is_draft:
            messages.error(request, _("The circular for %(month)s is already %(status)s; it is not replaced.")
                           % {"month": f"{month:%Y-%m}", "status": existing.get_status_display()})
            return redirect(existing.get_absolute_url())
        args = (bureau.pk, campaign.pk, month.isoformat(), request.user.pk)
        transaction.on_commit(lambda: draft_circular.delay(*args))
        messages.success(request, _("The circular for %(month)s is being drafted from the records. It appears "
                                    "in this list in a moment; a draft of the same month is replaced.")
                         % {"month": f"{month:%Y-%m}"})
        return redirect("reports:circular_list")


class CircularDetailView(ObjectDetailView):
    model = Circular
    select_related = ("organisation", "campaign__organisation", "approved_by", "drafted_by")
    template_name = "reports/circular_detail.html"
    workflow = CIRCULAR_FLOW
    step_url_name = "reports:circular_step"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        circular, user = self.object, self.request.user
        ctx["content"] = circular.content
        ctx["can_edit"] = permissions.can_edit_circular(user, circular)
        ctx["can_redraft"] = circular.is_draft and permissions.can_draft_circular(user, circular.organisation) \
            and _bureau_of(self.request) == circular.organisation
        return ctx


class CircularEditView(ObjectEditView):
    """Correct the wording of a draft before a leader approves it."""

    model = Circular
    select_related = ("organisation",)
    form_class = CircularForm
    permission = permissions.can_edit_circular
    success_message = gettext_lazy("The circular was corrected and its Word document written again.")

    def perform_save(self, form):
        return circular_edit(circular=self.object, actor=self.request.user, **form.service_kwargs())


class CircularStepView(TransitionView):
    model = Circular
    workflow = CIRCULAR_FLOW


class CircularDocumentView(LoginRequiredMixin, View):
    """The circular's Word document (scoped like the circular: a school gets only published ones)."""

    model = Circular

    def get(self, request, pk):
        circular = get_visible_or_404(Circular, request.user, pk=pk)
        if not circular.document:
            raise Http404
        response = FileResponse(circular.document.open("rb"), as_attachment=True,
                                filename=f"{circular.title}.docx",
                                content_type="application/vnd.openxmlformats-officedocument."
                                             "wordprocessingml.document")
        response["X-Content-Type-Options"] = "nosniff"
        return response
