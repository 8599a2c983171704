from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from .models import Notice
from .services import notice_mark_read


class NoticeListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notice_list.html"
    paginate_by = 30

    def get_queryset(self):
        qs = Notice.objects.filter(recipient=self.request.user)
        if self.request.GET.get("unread"):
            qs = qs.filter(read_at__isnull=True)
        return qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("Notices")
        return ctx


@login_required
def notice_open(request, pk):
    """Mark the notice read and follow its link (a notice is only ever its recipient's)."""
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    notice_mark_read(user=request.user, notice_ids=[notice.pk])
    if notice.url and url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()}):
        return redirect(notice.url)
    return redirect("notifications:list")


@login_required
@require_POST
def notice_read_all(request):
    count = notice_mark_read(user=request.user)
    messages.success(request, _("%(count)d notices marked as read.") % {"count": count})
    return redirect("notifications:list")
