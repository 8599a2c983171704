"""Home page widget: schools by type for bureau staff, the school card for school users."""
from django.utils.translation import gettext as _

from campaign_site.generic import home

from . import selectors
from .models import SchoolType
from .permissions import is_manager


@home.register(order=90)
def organisation_widget(request):
    org = getattr(request, "organisation", None)
    if not org:  # a lazy object: `is None` would not see an empty one
        return None
    if org.is_bureau:
        labels = dict(SchoolType.choices)
        counts = [{**row, "label": labels.get(row["school_type"], row["school_type"])}
                  for row in selectors.school_counts_by_type(request.user)]
        return {"template": "accounts/home_widget.html", "kind": "bureau", "counts": counts,
                "total": sum(row["n"] for row in counts), "can_manage": is_manager(request.user),
                "title": _("Schools below you")}
    return {"template": "accounts/home_widget.html", "kind": "school", "school": org,
            "departments": org.departments.count(), "people": org.people.count()}
