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


@register(51)
def gate_duty_summary(request):
    """Gate duty at a glance: today's duties still to sign, and duties missed this month (the
    principal's and the safety officer's view of the roster)."""
    from campaign_site.accounts.models import Role

    from .models import GateDuty

    user = request.user
    if not (user.is_authenticated and (user.is_superuser or user.memberships.filter(
            is_active=True, role__in=[Role.PRINCIPAL, Role.SAFETY_OFFICER, Role.OTHER_LEADER]).exists())):
        return None
    duties = GateDuty.objects.visible_to(user)
    today = timezone.localdate()
    month = duties.filter(date__gte=today.replace(day=1), date__lte=today)
    if not month.exists():
        return None
    return {"template": "schoolbus/_home_gate.html", "missed": month.missed().count(),
            "today": duties.filter(date=today).count(),
            "today_signed": duties.filter(date=today, signed_in_at__isnull=False).count(),
            "list_url": reverse("schoolbus:gate_list"), "today_url": reverse("schoolbus:gate_today")}
