"""Public tip pages (no login) and the bureau's triage pages. Thin: forms -> tips.py services."""
from __future__ import annotations

from django.conf import settings
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from campaign_site.generic.errors import DomainError
from campaign_site.generic.limits import file_limit, upload_limit
from campaign_site.generic.views import ObjectDetailView, ObjectListView, TransitionView

from .forms_tips import TipFilterSet, TipPublicForm, TipStatusForm, TipTable
from .models import TIP_FLOW, Tip, TipStatus
from .permissions import can_triage
from .tips import tip_by_code, tip_submit, tips_visible_to, tracking_code_display

SESSION_LAST_CODE = "tips_public:last_code"


def _submit_rate():
    return getattr(settings, "TIP_SUBMIT_RATE", "10/h")


def _lookup_rate():
    return getattr(settings, "TIP_LOOKUP_RATE", "60/h")


def _too_many(request):
    return render(request, "tips_public/rate_limited.html", {"title": _("Too many requests")}, status=429)


# -- public ------------------------------------------------------------------------------------


@upload_limit(file_limit("ATTACHMENT_MAX_BYTES"))  # one photo: a bigger body is refused unread
@never_cache
def tip_create(request):
    if request.method == "POST":
        if is_ratelimited(request, group="tips_public:create", key="ip", rate=_submit_rate(), method="POST",
                          increment=True):
            return _too_many(request)
        form = TipPublicForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                tip = tip_submit(
                    organisation=data["school"], description=data["description"], location=data["location"],
                    contact_name=data["contact_name"], contact_phone=data["contact_phone"], photo=data["photo"],
                )
            except DomainError as exc:
                form.add_error("photo" if data.get("photo") else None, exc.message)
            else:
                request.session[SESSION_LAST_CODE] = tip.tracking_code
                return redirect("tips_public:done")
        status = 400 if form.errors else 200
    else:
        initial = {}
        if request.GET.get("school", "").isdigit():
            initial["school"] = int(request.GET["school"])
        form = TipPublicForm(initial=initial)
        status = 200
    return render(request, "tips_public/tip_form.html", {"form": form, "title": _("Report a hazard")}, status=status)


@never_cache
def tip_done(request):
    code = request.session.get(SESSION_LAST_CODE)
    if not code:
        return redirect("tips_public:create")
    return render(request, "tips_public/tip_done.html", {
        "title": _("Thank you: your report was received"),
        "code": tracking_code_display(code),
        "status_url": f"{reverse('tips_public:status')}?code={code}",
    })


@never_cache
def tip_status(request):
    code = request.GET.get("code", "").strip()
    form = TipStatusForm(initial={"code": code})
    ctx = {"form": form, "title": _("Follow your report"), "searched": bool(code)}
    if code:
        if is_ratelimited(request, group="tips_public:status", key="ip", rate=_lookup_rate(), method="GET",
                          increment=True):
            return _too_many(request)
        tip = tip_by_code(code)
        if tip is not None:
            # Status only: no description, school details, names or hazard numbers.
            ctx.update({
                "tip_code": tracking_code_display(tip.tracking_code),
                "tip_status": tip.status,
                "tip_status_label": tip.get_status_display(),
                "tip_received": tip.created_at,
                "tip_triaged": tip.triaged_at,
            })
    return render(request, "tips_public/tip_status.html", ctx, status=200 if not code or "tip_code" in ctx else 404)


# -- bureau triage -----------------------------------------------------------------------------


class TipListView(ObjectListView):
    model = Tip
    table_class = TipTable
    filterset_class = TipFilterSet
    title = _("Public tips")

    def get_queryset(self):
        return tips_visible_to(self.request.user)

    def get_empty_text(self):
        return _("No tips yet. The public report hazards at %(url)s; each new tip is announced to you.") % {
            "url": self.request.build_absolute_uri(reverse("tips_public:create"))}

    def get_table_kwargs(self):
        return {"empty_text": self.get_empty_text()}

    def get_summary(self, queryset):
        counts = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
        current = self.request.GET.get("status", "")
        base = self.request.path
        styles = {TipStatus.RECEIVED: "warning", TipStatus.ACCEPTED: "success", TipStatus.REJECTED: "secondary"}
        return [
            {"label": label, "count": counts.get(value, 0), "url": f"{base}?status={value}",
             "active": current == value, "style": styles[value]}
            for value, label in TipStatus.choices
        ]

    def get_export_filename(self):
        return _("public tips")


class TipDetailView(ObjectDetailView):
    model = Tip
    workflow = TIP_FLOW
    template_name = "hazards/tip_detail.html"
    detail_fields = ("organisation", "description", "location", "contact_name", "contact_phone", "status",
                     "reject_reason", "hazard", "created_at", "triaged_by", "triaged_at")

    def get_queryset(self):
        return tips_visible_to(self.request.user)

    def get_detail_rows(self):
        rows = super().get_detail_rows()
        if self.object.status != TipStatus.REJECTED:
            rows = [r for r in rows if r[0] != Tip._meta.get_field("reject_reason").verbose_name]
        return rows

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        tip = self.object
        ctx["tip_code"] = tracking_code_display(tip.tracking_code)
        ctx["title"] = _("Tip %(code)s") % {"code": ctx["tip_code"]}
        return ctx

    def step_url(self, name):
        return reverse(f"hazards:tip_{name}", args=[self.object.pk])  # one URL per step


class TipStepView(TransitionView):
    """Accept or reject a tip (TIP_FLOW in models.py). Bureau staff who may not triage: 403."""

    model = Tip
    workflow = TIP_FLOW
    permission = can_triage
    template_name = "hazards/tip_triage.html"

    def get_queryset(self):
        return tips_visible_to(self.request.user)

    def get_title(self):
        return f"{self.transition.button_label(self.object)} · {tracking_code_display(self.object.tracking_code)}"
