import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.filtersets import school_filter
from campaign_site.campaigns.models import Campaign, CampaignStatus
from campaign_site.campaigns.selectors import Timeliness
from campaign_site.generic.filtersets import ScopedFilterSet

from .models import BullyingScreening, MonthlyReport, ReportStatus, Summary, SummaryKind


class MonthlyReportFilterSet(ScopedFilterSet):
    organisation = school_filter()
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    month = django_filters.DateFilter(field_name="month", label=_("Month"),
                                      widget=django_filters.widgets.forms.DateInput(attrs={"type": "month"}),
                                      input_formats=["%Y-%m", "%Y-%m-%d"])

    class Meta:
        model = MonthlyReport
        fields = ["organisation", "status", "month"]


class OverviewFilterSet(ScopedFilterSet):
    """Filters of the bureau's overview (the campaign and month are chosen above the table)."""

    campaign = django_filters.ModelChoiceFilter(label=_("Campaign"), method="chosen_above",
                                                queryset=Campaign.objects.live().exclude(status=CampaignStatus.DRAFT)
                                                .only("pk", "title", "title_en"))
    month = django_filters.CharFilter(label=_("Month"), method="chosen_above",
                                      widget=django_filters.widgets.forms.TextInput(attrs={"type": "month"}))
    q = django_filters.CharFilter(label=_("School"), method="search")
    timeliness = django_filters.ChoiceFilter(label=_("Submission"), choices=Timeliness.choices, method="by_time")
    report_status = django_filters.ChoiceFilter(label=_("Report"), choices=ReportStatus.choices, method="by_status")

    class Meta:
        model = MonthlyReport._meta.get_field("organisation").related_model
        fields = ["campaign", "month", "q", "timeliness", "report_status"]

    def chosen_above(self, qs, name, value):
        return qs  # the view picks the campaign and month (they decide the rows, not a filter)

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def by_time(self, qs, name, value):
        # no campaign month chosen (none visible): the rows are empty and carry no timeliness
        return qs.filter(timeliness=value) if "timeliness" in qs.query.annotations else qs.none()

    def by_status(self, qs, name, value):
        return qs.filter(report_status=value) if "report_status" in qs.query.annotations else qs.none()


class ScreeningFilterSet(ScopedFilterSet):
    organisation = school_filter()
    week_from = django_filters.DateFilter(field_name="week", lookup_expr="gte", label=_("Weeks from"),
                                          widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    week_to = django_filters.DateFilter(field_name="week", lookup_expr="lte", label=_("Weeks to"),
                                        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = BullyingScreening
        fields = ["organisation", "week_from", "week_to"]


class SummaryFilterSet(ScopedFilterSet):
    organisation = school_filter()
    kind = django_filters.ChoiceFilter(choices=SummaryKind.choices, label=_("Kind"))

    class Meta:
        model = Summary
        fields = ["organisation", "kind"]


class SummaryOverviewFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("School"), method="search")
    timeliness = django_filters.ChoiceFilter(label=_("Submission"), choices=Timeliness.choices, method="by_time")

    class Meta:
        model = OverviewFilterSet.Meta.model
        fields = ["q", "timeliness"]

    search = OverviewFilterSet.search
    by_time = OverviewFilterSet.by_time
