"""Printable labels of cabinets and containers (issue 8 §11): one label from a record's page, a
sheet for a cabinet's containers or for a selection, on A4 or a label printer's roll."""
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView

from campaign_site.generic.views import ScopedViewMixin

from . import labels, permissions
from .models import Cabinet, Container


class LabelPageMixin:
    template_name = "chemicals/labels.html"
    permission = staticmethod(permissions.can_view)

    def absolute(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def label_context(self, items, *, back_url: str, title) -> dict:
        size = labels.size_of(self.request)
        query = self.request.GET.copy()
        choices = []
        for key, label in labels.SIZES.items():
            query["size"] = key
            choices.append((key, label, f"?{query.urlencode()}"))
        return {"labels": items, "size": size, "sizes": choices, "back_url": back_url, "title": title}


class ContainerLabelView(LabelPageMixin, ScopedViewMixin, DetailView):
    model = Container
    select_related = ("organisation", "chemical", "cabinet", "cabinet__room")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(self.label_context([labels.container_label(self.object, self.absolute)],
                                      back_url=self.object.get_absolute_url(),
                                      title=_("Label: %(record)s") % {"record": self.object}))
        return ctx


class CabinetLabelView(LabelPageMixin, ScopedViewMixin, DetailView):
    """The cabinet's own label; with `with_containers` the sheet of its live containers after it."""

    model = Cabinet
    select_related = ("organisation", "room", "key_holder_1", "key_holder_2")
    with_containers = False

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        cabinet = self.object
        items = [labels.cabinet_label(cabinet, labels.cabinet_contents(cabinet), self.absolute)]
        title = _("Label: cabinet %(cabinet)s") % {"cabinet": cabinet}
        if self.with_containers:
            containers = labels.containers_for_labels(
                Container.objects.filter(cabinet=cabinet, status__in=labels.LIVE_STATUSES))
            items += [labels.container_label(c, self.absolute) for c in containers]
            title = _("Labels: cabinet %(cabinet)s and its containers") % {"cabinet": cabinet}
        ctx.update(self.label_context(items, back_url=cabinet.get_absolute_url(), title=title))
        return ctx


class LabelSelectionView(LabelPageMixin, ScopedViewMixin, TemplateView):
    """A sheet for the containers ticked on a cabinet's page (?container=<id>&container=<id>).
    A container the user may not see answers 404, as its own page would."""

    title = _("Labels of the selected containers")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        wanted = self.request.GET.getlist("container")
        if any(not v.isdigit() for v in wanted):
            raise Http404("not a container number")
        ids = {int(v) for v in wanted}
        containers = list(labels.containers_for_labels(
            Container.objects.visible_to(self.request.user).filter(pk__in=ids)))
        if len(containers) != len(ids):
            raise Http404("container not found")
        ctx.update(self.label_context([labels.container_label(c, self.absolute) for c in containers],
                                      back_url=containers[0].cabinet.get_absolute_url() if containers else "",
                                      title=_("Labels of the selected containers")))
        return ctx
