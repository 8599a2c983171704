"""Home page widget: requisitions of chemicals waiting for the user (approval, issue) and those whose
leftovers are overdue, for the school's approvers and custodians."""
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from campaign_site.accounts.permissions import has_role
from campaign_site.generic import home

from . import permissions
from .models import Requisition, RequisitionStatus


@home.register(order=55)
def requisitions_widget(request):
    org = getattr(request, "organisation", None)
    if not org or not org.is_school:
        return None
    user = request.user
    approver = has_role(user, org, permissions.APPROVER_ROLES)
    keeper = permissions.can_keep(user, org)
    if not (approver or keeper):
        return None
    counts = Requisition.objects.filter(organisation=org).aggregate(
        to_approve=Count("pk", filter=Q(status=RequisitionStatus.SUBMITTED) & ~Q(requester=user)),
        to_issue=Count("pk", filter=Q(status=RequisitionStatus.APPROVED)),
        overdue=Count("pk", filter=Q(status=RequisitionStatus.ISSUED, overdue_at__isnull=False)),
    )
    rows = []
    if approver and counts["to_approve"]:
        rows.append((_("Awaiting your approval"), "submitted", counts["to_approve"], ""))
    if keeper and counts["to_issue"]:
        rows.append((_("Approved, to issue"), "approved", counts["to_issue"], ""))
    if counts["overdue"]:
        rows.append((_("Leftovers overdue"), "", counts["overdue"], "overdue"))
    if not rows:
        return None
    return {"template": "chemicals/home_requisitions.html", "title": _("Requisitions of chemicals"),
            "rows": [{"label": label, "status": status, "n": n, "overdue": overdue}
                     for label, status, n, overdue in rows]}


@home.register(order=56)
def counts_widget(request):
    """The school's cabinets whose stock count is overdue, and its counts in progress, for the
    custodians and the leaders who approve."""
    from .models import Cabinet, StockCount, StockCountStatus
    from .selectors import overdue_count_cabinets

    org = getattr(request, "organisation", None)
    if not org or not org.is_school:
        return None
    user = request.user
    if not (permissions.can_keep(user, org) or has_role(user, org, permissions.APPROVER_ROLES)):
        return None
    overdue = overdue_count_cabinets(Cabinet.objects.filter(organisation=org)).count()
    counting = StockCount.objects.filter(organisation=org, status=StockCountStatus.OPEN).count()
    if not (overdue or counting):
        return None
    return {"template": "chemicals/home_counts.html", "title": _("Stock counts"), "overdue": overdue,
            "counting": counting}
