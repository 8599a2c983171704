"""Excel hazard register (台账) import and export pages. Rules live in ledger.py."""
from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

from campaign_site.accounts.models import Organisation
from campaign_site.generic.export import XLSX_MIME
from campaign_site.generic.views import ImportView

from .ledger import LedgerImporter, importable_schools, ledger_write


class LedgerImportView(ImportView):
    importer_class = LedgerImporter
    template_name = "hazards/ledger_import.html"

    def get_initial(self):
        initial = super().get_initial()
        org = getattr(self.request, "organisation", None)
        if org is not None and org.is_school:
            initial["school"] = org.pk
        return initial

    def get_success_url(self):
        try:
            return reverse("hazards:hazard_list")
        except NoReverseMatch:
            return reverse("hazards:ledger_import")


@login_required
def ledger_export(request):
    """The register of one school as .xlsx in the import layout (?school=<pk>, else the school the
    user acts for; a bureau user without ?school chooses one)."""
    schools = Organisation.objects.schools().visible_to(request.user)
    pk = request.GET.get("school", "")
    if pk:
        school = schools.filter(pk=pk).first() if pk.isdigit() else None
        if school is None:
            raise Http404
    else:
        org = getattr(request, "organisation", None)
        school = org if org is not None and org.is_school else None
        if school is None:
            return render(request, "hazards/ledger_export.html", {
                "title": _("Export a hazard register (Excel)"),
                "schools": schools.select_related("parent").order_by("path"),
                "can_import": importable_schools(request.user).exists(),
            })
    buf = io.BytesIO()
    ledger_write(buf, school=school, user=request.user)
    name = f"{school.name}-{_('hazard register')}-{timezone.localtime():%Y%m%d}.xlsx"
    response = HttpResponse(buf.getvalue(), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response
