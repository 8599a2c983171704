"""Pages of the two-person confirmation (see twoperson.py): the list of requests awaiting the
user's confirmation plus their own open requests, one request with the confirm form (the user's own
password) and its timeline, and cancelling by the requester. Every lookup is scoped (404)."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from campaign_site.generic.scoping import get_visible_or_404

from . import twoperson
from .errors import DomainError
from .models import PendingAction, PendingStatus
from .workflow import transitions_for

LIST_LIMIT = 100
# Wrong passwords a person may enter on confirm pages before they must wait (the form must not
# become a way to guess the password of a session left open).
WRONG_PASSWORD_RATE = "5/15m"


def _too_many_wrong_passwords(request, *, increment: bool) -> bool:
    return is_ratelimited(request, group="generic:pending_confirm", key="user", rate=WRONG_PASSWORD_RATE,
                          increment=increment)


class ConfirmForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("Enter your own password to confirm that you, in person, approve this."),
    )


class CancelForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=500)


def _labels(actions):
    for a in actions:
        spec = twoperson._registry.get(a.kind)
        a.kind_label = spec.label if spec else a.kind
    return actions


@login_required
def pending_list(request):
    user = request.user
    awaiting = list(
        twoperson.awaiting_confirmation(user).select_related("organisation", "requested_by")
        .order_by("expires_at", "pk")[:LIST_LIMIT]
    )
    awaiting = [a for a in awaiting if twoperson.can_confirm(user, a)]
    mine = list(
        PendingAction.objects.visible_to(user).filter(requested_by=user, status=PendingStatus.PENDING)
        .select_related("organisation").order_by("expires_at", "pk")[:LIST_LIMIT]
    )
    return render(request, "generic/pending_list.html", {
        "title": _("Awaiting confirmation"), "awaiting": _labels(awaiting), "mine": _labels(mine),
    })


pending_list.model = PendingAction


def _timeline(action):
    labels = dict(PendingStatus.choices)
    timeline = list(transitions_for(action))
    for t in timeline:
        t.to_label = twoperson.PENDING_FLOW.entry_label(t, labels)
        t.from_label = ""
    return timeline


@login_required
def pending_detail(request, pk):
    action = get_visible_or_404(
        PendingAction.objects.select_related("organisation", "requested_by", "confirmed_by"), request.user, pk=pk
    )
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _too_many_wrong_passwords(request, increment=False):
        form.add_error(None, _("Too many wrong passwords: please wait 15 minutes before you try again."))
    elif request.method == "POST" and form.is_valid():
        try:
            twoperson.pending_action_confirm(action=action, user=request.user, password=form.cleaned_data["password"])
        except DomainError as exc:
            if exc.code == "password":
                _too_many_wrong_passwords(request, increment=True)
            form.add_error(None, exc.message)
            action.refresh_from_db()
        else:
            messages.success(request, _("Confirmed: %(what)s") % {"what": action.summary})
            target = action.target
            url = getattr(target, "get_absolute_url", None) if target is not None else None
            return redirect(url() if url else "generic:pending_list")
    _labels([action])
    return render(request, "generic/pending_detail.html", {
        "title": action.summary, "action": action, "form": form,
        "can_confirm": twoperson.can_confirm(request.user, action),
        "can_cancel": twoperson.can_cancel(request.user, action),
        "cancel_form": CancelForm(), "timeline": _timeline(action),
    })


pending_detail.model = PendingAction


@login_required
@require_POST
def pending_cancel(request, pk):
    action = get_visible_or_404(PendingAction, request.user, pk=pk)
    form = CancelForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        twoperson.pending_action_cancel(action=action, user=request.user, note=note)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("generic:pending_detail", pk=action.pk)
    messages.success(request, _("The request was cancelled."))
    return redirect("generic:pending_list")


pending_cancel.model = PendingAction
