"""Pages of the monthly reports: the school's reports and this month's, one report with its
statistics table, the bureau's overview of who reported."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from campaign_site.campaigns.models import Campaign, Deadline
from campaign_site.campaigns.selectors import timeliness
from campaign_site.generic.errors import DomainError
from campaign_site.generic.scoping import get_visible_or_404
from campaign_site.generic.views import (
    ObjectCreateView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    TransitionView,
)

from . import permissions, selectors, services, statistics
from .filtersets import (
    MonthlyReportFilterSet,
    OverviewFilterSet,
    ScreeningFilterSet,
    SummaryFilterSet,
    SummaryOverviewFilterSet,
)
from .forms import ItemForm, ReportForm, ScreeningForm, SummaryForm
from .models import MIN_TYPICAL_CASES, MIN_WORK_INFO, REPORT_FLOW, BullyingScreening, MonthlyReport, ReportItem, Summary
from .tables import MonthlyReportTable, OverviewTable, ScreeningTable, SummaryOverviewTable, SummaryTable


class ReportListView(ObjectListView):
    """The reports the user sees; a school's people also see this month's report to open."""

    model = MonthlyReport
    select_related = ("organisation", "campaign")
    table_class = MonthlyReportTable
    filterset_class = MonthlyReportFilterSet
    template_name = "reports/report_list.html"
    title = gettext_lazy("Monthly reports")
    empty_text = gettext_lazy("No monthly report yet. Open this month's report above.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        school = self.request.organisation
        ctx["to_open"] = []
        if school is not None and school.is_school and permissions.can_open_report(self.request.user, school):
            month = timezone.localdate().replace(day=1)
            for campaign in selectors.asking_monthly_reports(Campaign.objects.applying_to(school)).order_by("-start"):
                if month in selectors.campaign_months(campaign):
                    report = MonthlyReport.objects.filter(organisation=school, campaign=campaign, month=month).first()
                    ctx["to_open"].append({"campaign": campaign, "month": month, "report": report,
                                           "due": selectors.due_date(campaign, month)})
        return ctx


class ReportOpenView(LoginRequiredMixin, View):
    """POST: this month's report of the user's school for a campaign (made on first use)."""

    def post(self, request):
        school = request.organisation
        if school is None or not permissions.can_open_report(request.user, school):
            raise PermissionDenied
        pk = request.POST.get("campaign", "")
        campaign = Campaign.objects.live().visible_to(request.user).filter(pk=pk).first() if pk.isdigit() else None
        if campaign is None:
            messages.error(request, _("Choose the campaign whose monthly report you want to start."))
            return redirect("reports:report_list")
        try:
            report = services.report_open(school=school, campaign=campaign, month=timezone.localdate(),
                                          actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("reports:report_list")
        return redirect(report.get_absolute_url())


class ReportDetailView(ObjectDetailView):
    model = MonthlyReport
    select_related = ("organisation", "campaign__organisation", "approved_by", "reviewed_by")
    template_name = "reports/report_detail.html"
    workflow = REPORT_FLOW
    step_url_name = "reports:report_step"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        report, user = self.object, self.request.user
        if report.figures is not None and not report.is_editable:
            figures, ctx["figures_live"] = report.figures, False
        else:
            schools = type(report.organisation).objects.filter(pk=report.organisation_id)
            figures = statistics.compute(schools, report.month, report.campaign)[report.organisation_id]
            ctx["figures_live"] = True
        ctx["table"] = statistics.table(report, figures)
        ctx["items"] = list(report.items.select_related("created_by").order_by("-kind", "pk"))  # work information first
        ctx["counts"] = selectors.item_counts(report)
        ctx["min_info"], ctx["min_cases"] = MIN_WORK_INFO, MIN_TYPICAL_CASES
        ctx["timeliness"] = selectors.report_timeliness(report, report.due_date)
        ctx["can_edit"] = permissions.can_edit_report(user, report)
        ctx["can_review"] = permissions.can_review_report(user, report)
        return ctx


class ReportEditView(ObjectEditView):
    model = MonthlyReport
    form_class = ReportForm
    permission = permissions.can_edit_report
    success_message = gettext_lazy("The report was saved.")

    def perform_save(self, form):
        return services.report_update(report=self.object, actor=self.request.user, **form.service_kwargs())


class ReportStepView(TransitionView):
    model = MonthlyReport
    workflow = REPORT_FLOW


class ItemCreateView(ObjectCreateView):
    """A piece of work information or a typical case on a report (the report's pk in the URL)."""

    model = MonthlyReport
    form_class = ItemForm
    permission = permissions.can_edit_report
    success_message = gettext_lazy("Added to the report.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.report = get_visible_or_404(MonthlyReport, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.report

    def get_initial(self):
        return {"kind": self.request.GET.get("kind") or "work_info"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Add to the report %(report)s") % {"report": self.report}
        return ctx

    def perform_save(self, form):
        return services.item_save(report=self.report, actor=self.request.user, **form.cleaned_data)


class ItemEditView(ObjectEditView):
    model = ReportItem
    select_related = ("report__organisation",)
    form_class = ItemForm
    permission = permissions.can_edit_report
    success_message = gettext_lazy("The item was saved.")

    def perform_save(self, form):
        return services.item_save(report=self.object.report, item=self.object, actor=self.request.user,
                                  **form.cleaned_data)


class _ItemPostView(LoginRequiredMixin, View):
    """A POST from the report's page about one of its items."""

    model = ReportItem

    def post(self, request, pk):
        item = get_visible_or_404(ReportItem.objects.select_related("report"), request.user, pk=pk)
        try:
            with transaction.atomic():
                message = self.act(item)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        return redirect(item.report.get_absolute_url() + "#items")


class ItemDeleteView(_ItemPostView):
    def act(self, item):
        services.item_delete(item=item, actor=self.request.user)
        return _("“%(title)s” was removed from the report.") % {"title": item.title}


class ItemCircularView(_ItemPostView):
    def act(self, item):
        selected = self.request.POST.get("selected") == "1"
        services.item_select_for_circular(item=item, actor=self.request.user, selected=selected)
        return _("The case was chosen for the circular.") if selected else _("The case was dropped from the circular.")


class OverviewView(ObjectListView):
    """The bureau's view of one campaign month: every school on time, late, missing or not yet due."""

    model = MonthlyReport
    table_class = OverviewTable
    filterset_class = OverviewFilterSet
    template_name = "reports/overview.html"
    permission = permissions.can_view_overview
    paginate_by = 50
    empty_text = gettext_lazy("No school of this campaign is visible to you.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.campaigns, self.campaign, self.months, self.month = [], None, [], None
        if request.user.is_authenticated:
            self.campaigns = list(selectors.campaigns_for(request.user, monthly_reports=True)[:50])
            chosen = request.GET.get("campaign")
            self.campaign = next((c for c in self.campaigns if str(c.pk) == chosen), None) or \
                (self.campaigns[0] if self.campaigns else None)
            self.months = selectors.campaign_months(self.campaign) if self.campaign else []
            self.month = selectors.latest_due_month(self.campaign) if self.campaign else None
            wanted = request.GET.get("month", "")
            for month in self.months:
                if wanted in (f"{month:%Y-%m}", month.isoformat()):
                    self.month = month

    def get_queryset(self):
        if self.month is None:
            return MonthlyReport._meta.get_field("organisation").related_model.objects.none()
        return selectors.overview(self.campaign, self.month, self.request.user)

    def get_title(self):
        if self.month is None:
            return _("Monthly reports")
        return _("Monthly reports %(month)s: %(campaign)s") % {"month": f"{self.month:%Y-%m}",
                                                                "campaign": self.campaign.label}

    def get_export_filename(self):
        return _("monthly reports")

    def get_summary(self, queryset):
        if self.month is None:
            return None
        counts = selectors.overview_counts(self.campaign, self.month, self.request.user)
        base = f"?campaign={self.campaign.pk}&month={self.month:%Y-%m}"
        get = self.request.GET
        items = [
            (_("On time"), counts["on_time"], "timeliness", "on_time", "success"),
            (_("Late"), counts["late"], "timeliness", "late", "warning"),
            (_("Missing"), counts["missing"], "timeliness", "missing", "danger"),
            (_("Not yet due"), counts["not_due"], "timeliness", "not_due", "secondary"),
            (_("Awaiting review"), counts["awaiting_review"], "report_status", "submitted", "info"),
            (_("Returned"), counts["returned"], "report_status", "returned", "danger"),
        ]
        return [{"label": label, "count": n, "url": f"{base}&{key}={value}", "style": style,
                 "active": get.get(key) == value} for label, n, key, value, style in items]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(campaigns=self.campaigns, campaign=self.campaign, months=self.months, month=self.month,
                   due=selectors.due_date(self.campaign, self.month) if self.month else None)
        return ctx


class ScreeningListView(ObjectListView):
    model = BullyingScreening
    select_related = ("organisation",)
    table_class = ScreeningTable
    filterset_class = ScreeningFilterSet
    create_url_name = "reports:screening_create"
    title = gettext_lazy("Bullying screenings")
    empty_text = gettext_lazy("No screening recorded yet. Screen every week and record it here; the month's "
                              "screenings go into the monthly report.")


class ScreeningDetailView(ObjectDetailView):
    model = BullyingScreening
    select_related = ("organisation", "created_by")
    template_name = "reports/screening_detail.html"
    detail_fields = ("organisation", "week", "screened_on", "classes_covered", "risks_found", "findings",
                     "measures", "created_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = permissions.can_open_report(self.request.user, self.object)
        return ctx


class ScreeningCreateView(ObjectCreateView):
    model = BullyingScreening
    form_class = ScreeningForm
    permission = permissions.can_open_report
    success_message = gettext_lazy("The screening was recorded.")

    def get_permission_object(self):
        return self.request.organisation

    def perform_save(self, form):
        return services.screening_save(school=self.request.organisation, actor=self.request.user,
                                       **form.cleaned_data)


class ScreeningEditView(ObjectEditView):
    model = BullyingScreening
    form_class = ScreeningForm
    permission = permissions.can_open_report
    success_message = gettext_lazy("The screening was saved.")

    def perform_save(self, form):
        return services.screening_save(school=self.object.organisation, actor=self.request.user,
                                       screening=self.object, **form.cleaned_data)


class SummaryListView(ObjectListView):
    model = Summary
    select_related = ("organisation",)
    table_class = SummaryTable
    filterset_class = SummaryFilterSet
    template_name = "reports/summary_list.html"
    title = gettext_lazy("Summaries")
    empty_text = gettext_lazy("No summary handed in yet.")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        school = self.request.organisation
        ctx["due"] = (selectors.summaries_due(school) if school is not None and school.is_school
                      and permissions.can_open_report(self.request.user, school) else [])
        ctx["can_overview"] = permissions.can_view_overview(self.request.user)
        return ctx


class SummaryDetailView(ObjectDetailView):
    model = Summary
    select_related = ("organisation", "deadline__campaign", "submitted_by")
    template_name = "reports/summary_detail.html"
    detail_fields = ("organisation", "kind", "period", "due_date", "first_submitted_at", "submitted_by", "text")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = permissions.can_open_report(self.request.user, self.object)
        ctx["timeliness"] = timeliness(self.object.first_submitted_at, self.object.due_date)
        return ctx


class SummaryCreateView(ObjectCreateView):
    """Hand in a summary: `?deadline=<id>&period=<YYYY-MM-DD>` from the list of summaries due."""

    model = Summary
    form_class = SummaryForm
    permission = permissions.can_open_report
    success_message = gettext_lazy("The summary was handed in.")

    def get_permission_object(self):
        return self.request.organisation

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            source = request.GET  # the form posts back to its own URL, query string included
            pk = source.get("deadline", "")
            self.deadline = (Deadline.objects.visible_to(request.user).select_related("campaign__organisation")
                             .filter(pk=pk).first() if pk.isdigit() else None)
            try:
                self.period = datetime.date.fromisoformat(source.get("period", ""))
            except ValueError:
                self.period = None
            if self.deadline is None or self.period is None:
                messages.error(request, _("Choose the summary to hand in from the list of summaries due."))
                return redirect("reports:summary_list")
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"title": f"{self.request.organisation.name}{self.deadline.label}"}

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"{self.deadline.label} · {self.period:%Y-%m-%d}"
        return ctx

    def perform_save(self, form):
        return services.summary_submit(school=self.request.organisation, deadline=self.deadline, period=self.period,
                                       actor=self.request.user, **form.cleaned_data)


class SummaryEditView(ObjectEditView):
    model = Summary
    select_related = ("deadline__campaign__organisation",)
    form_class = SummaryForm
    permission = permissions.can_open_report
    success_message = gettext_lazy("The summary was saved.")

    def perform_save(self, form):
        s = self.object
        return services.summary_submit(school=s.organisation, deadline=s.deadline, period=s.period,
                                       actor=self.request.user, summary=s, **form.cleaned_data)


class SummaryOverviewView(ObjectListView):
    """The bureau's view of one summary deadline (and month): who handed it in on time, late or not."""

    model = Summary
    table_class = SummaryOverviewTable
    filterset_class = SummaryOverviewFilterSet
    template_name = "reports/summary_overview.html"
    permission = permissions.can_view_overview
    paginate_by = 50
    empty_text = gettext_lazy("No school of this campaign is visible to you.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.choices, self.choice = [], None
        if request.user.is_authenticated:
            for campaign in selectors.campaigns_for(request.user)[:10]:
                for deadline in selectors.summary_deadlines(campaign):
                    for period, due in selectors.summary_periods(deadline):
                        self.choices.append((deadline, period, due))
            wanted = (request.GET.get("deadline", ""), request.GET.get("period", ""))
            self.choice = next((c for c in self.choices if (str(c[0].pk), c[1].isoformat()) == wanted), None) \
                or (max(self.choices, key=lambda c: c[2]) if self.choices else None)

    def get_queryset(self):
        if self.choice is None:
            return MonthlyReport._meta.get_field("organisation").related_model.objects.none()
        return selectors.summary_overview(self.choice[0], self.choice[1], self.request.user)

    def get_title(self):
        if self.choice is None:
            return _("Summaries")
        return _("%(deadline)s (due %(due)s)") % {"deadline": self.choice[0].label, "due": self.choice[2].isoformat()}

    def get_export_filename(self):
        return _("summaries")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(choices=self.choices, choice=self.choice)
        return ctx
