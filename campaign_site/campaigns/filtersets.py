import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.filtersets import organisation_filter
from campaign_site.accounts.models import Organisation, SchoolType
from campaign_site.generic.filtersets import ScopedFilterSet

from .models import Activity, ActivityKind, Campaign, CampaignStatus, PlanStatus
from .selectors import Timeliness
from .similarity import COPY_THRESHOLD


class CampaignFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CampaignStatus.choices)

    class Meta:
        model = Campaign
        fields = ["q", "status"]

    def search(self, qs, name, value):
        return qs.filter(Q(title__icontains=value) | Q(title_en__icontains=value)
                         | Q(document_number__icontains=value) | Q(issuer_name__icontains=value))


class PlanOverviewFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("School"), method="search")
    school_type = django_filters.ChoiceFilter(label=_("School type"), choices=SchoolType.choices)
    timeliness = django_filters.ChoiceFilter(label=_("Submission"), choices=Timeliness.choices, method="by_time")
    plan_status = django_filters.ChoiceFilter(label=_("Review"), choices=PlanStatus.choices, method="by_status")
    flagged = django_filters.BooleanFilter(label=_("Largely copied"), method="by_flag")

    class Meta:
        model = Organisation
        fields = ["q", "school_type", "timeliness", "plan_status", "flagged"]

    def search(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def by_time(self, qs, name, value):
        return qs.filter(timeliness=value)

    def by_status(self, qs, name, value):
        return qs.filter(plan_status=value)

    def by_flag(self, qs, name, value):
        if value is None:
            return qs
        if value:
            return qs.filter(plan_similarity__gte=COPY_THRESHOLD)
        return qs.filter(Q(plan_similarity__lt=COPY_THRESHOLD) | Q(plan_similarity__isnull=True))


class ActivityFilterSet(ScopedFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    organisation = organisation_filter()
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ActivityKind.choices)
    date_from = django_filters.DateFilter(label=_("From"), field_name="date", lookup_expr="gte",
                                          widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    date_to = django_filters.DateFilter(label=_("To"), field_name="date", lookup_expr="lte",
                                        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    campaign = django_filters.ModelChoiceFilter(label=_("Campaign"), queryset=Campaign.objects.live().only("pk", "title", "title_en"))

    class Meta:
        model = Activity
        fields = ["q", "organisation", "kind", "date_from", "date_to", "campaign"]

    def search(self, qs, name, value):
        return qs.filter(Q(topic__icontains=value) | Q(organisation__name__icontains=value))
