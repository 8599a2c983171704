"""The bureau's view of its schools' chemicals (issue 8 §10): per school the controlled stock,
the movements awaiting a second custodian and the segregation violations, in a fixed number of
queries whatever the number of schools; the list's export gives the same figures as a workbook."""
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation
from campaign_site.generic.views import ObjectListView

from . import permissions
from .filtersets import BureauSchoolFilterSet
from .tables import BureauSchoolTable


class BureauView(ObjectListView):
    model = Organisation
    table_class = BureauSchoolTable
    filterset_class = BureauSchoolFilterSet
    permission = staticmethod(permissions.can_view_bureau)
    template_name = "chemicals/list.html"
    title = _("Schools' hazardous chemicals")
    paginate_by = 50

    def get_queryset(self):
        return Organisation.objects.schools().visible_to(self.request.user).only("pk", "name", "path")

    def get_export_filename(self):
        return str(_("Schools' hazardous chemicals"))
