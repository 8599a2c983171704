"""Home page widgets of the hazards app (registered with campaign_site.generic.home)."""
from django.urls import reverse

from campaign_site.generic.home import register

from . import selectors


@register(30)
def my_hazard_work(request):
    """Hazards waiting for me: to fix, to re-inspect, to sign off, to list or delist."""
    user = request.user
    if not user.is_authenticated:
        return None
    work = selectors.my_hazard_work(user)
    rows = []
    for key, qs in work.items():
        items = list(qs.select_related("organisation").order_by("deadline", "pk")[:5])
        if items:
            rows.append({"key": key, "items": items, "count": qs.count() if len(items) == 5 else len(items)})
    if not rows:
        return None
    return {"template": "hazards/_home_work.html", "rows": rows, "list_url": reverse("hazards:hazard_list")}
