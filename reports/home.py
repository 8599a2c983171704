"""Home page widgets of the reports app (registered with campaign_site.generic.home)."""
from django.urls import reverse

from campaign_site.generic.home import register
from hazards import permissions as hazard_permissions
from hazards import selectors as hazard_selectors

from . import dashboards


@register(31)
def bureau_hazard_counts(request):
    """For bureau staff: open, major, listed and overdue hazards below them, read from the
    dashboards' rollups (a city bureau's home page counted a million hazards live: ~600 ms); before
    the first rollup (a fresh installation) they are counted live."""
    user = request.user
    if not user.is_authenticated or not hazard_permissions.sees_bureau_dashboard(user):
        return None
    counts = dashboards.home_hazard_counts(user)
    if counts is None:
        from hazards.models import Hazard

        counts = hazard_selectors.hazard_status_counts(Hazard.objects.visible_to(user))
    return {"template": "reports/_home_hazards.html", "counts": counts, "as_of": counts.get("as_of"),
            "list_url": reverse("hazards:hazard_list")}
