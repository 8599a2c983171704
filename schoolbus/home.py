"""Home page widget of the school bus records (registered with campaign_site.generic.home)."""
import datetime

from django.urls import reverse
from django.utils import timezone

from campaign_site.generic.home import register

from . import permissions, selectors
from .models import Vehicle, Violation


@register(50)
def bus_summary(request):
    """Buses, documents running out and this month's violations, for whoever reads the bus records."""
    user = request.user
    if not permissions.can_view(user):
        return None
    vehicles = Vehicle.objects.visible_to(user)
    if not vehicles.exists():
        return None
    today = timezone.localdate()
    expiring = (selectors.expiring_vehicles(today).visible_to(user).count()
                + selectors.expiring_drivers(today).visible_to(user).count())
    violations = Violation.objects.visible_to(user).filter(date__gte=today - datetime.timedelta(days=30)).count()
    return {"template": "schoolbus/_home.html", "vehicles": vehicles.exclude(status="scrapped").count(),
            "expiring": expiring, "violations": violations,
            "vehicle_url": reverse("schoolbus:vehicle_list"), "violation_url": reverse("schoolbus:violation_list")}
