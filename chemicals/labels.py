"""Printable labels (标签) for cabinets and containers: what is in it, its flags and GHS
pictograms, where it belongs, and a QR code of the record's address.

The QR code is drawn here, on the server, as inline SVG (segno): no image request, nothing from
outside. It encodes the record's absolute URL, which is scoped like every page: scanned by someone
of another school it answers 404."""
from __future__ import annotations

from dataclasses import dataclass, field

import segno
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import ContainerStatus

# Label sizes a custodian chooses: an A4 sheet of several labels, or one label per page of a
# label printer (60 x 40 mm, the common thermal roll).
SIZES = {
    "a4": _("A4 sheet (10 labels a page)"),
    "60x40": _("Label printer 60 × 40 mm"),
}
DEFAULT_SIZE = "a4"

LIVE_STATUSES = (ContainerStatus.IN_STOCK, ContainerStatus.AWAITING)


def size_of(request) -> str:
    value = request.GET.get("size", "")
    return value if value in SIZES else DEFAULT_SIZE


def qr_svg(url: str) -> str:
    """The QR code of `url` as an inline <svg> (viewBox only: the label's CSS gives its size)."""
    code = segno.make(url, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=1, border=2, omitsize=True, svgclass="label-qr", lineclass=None,
                                     title=url))


@dataclass
class Label:
    kind: str  # "container" or "cabinet"
    title: str
    subtitle: str
    url: str
    cas: str = ""
    flags: list[str] = field(default_factory=list)
    pictograms: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    controlled: bool = False

    @property
    def qr(self) -> str:
        return qr_svg(self.url)


def container_label(container, absolute) -> Label:
    """`absolute(path)` turns the record's path into the URL the QR code carries."""
    chem = container.chemical
    cabinet = container.cabinet
    place = f"{cabinet.room.name} · {cabinet.code}" + (f" · {container.position}" if container.position else "")
    lines = [str(_("Place: %(place)s") % {"place": place})]
    if container.lot:
        lines.append(str(_("Lot: %(lot)s") % {"lot": container.lot}))
    dates = [str(_("Received %(date)s") % {"date": container.received_on.isoformat()})]
    if container.expires_on:
        dates.append(str(_("expires %(date)s") % {"date": container.expires_on.isoformat()}))
    lines.append(" · ".join(dates))
    return Label(kind="container", title=chem.name_zh, subtitle=chem.name_en, cas=chem.cas or "",
                 flags=chem.flag_labels(), pictograms=chem.pictogram_list,
                 lines=[f"{container.organisation.name} · #{container.pk}", *lines],
                 url=absolute(container.get_absolute_url()), controlled=chem.is_controlled)


def cabinet_label(cabinet, chemicals, absolute) -> Label:
    """A cabinet's label: its number and room, and the flags and pictograms of the chemicals it
    holds now (`chemicals`, distinct), as of the day it is printed."""
    flags, pictograms = [], []
    for chem in chemicals:
        flags += [f for f in chem.flag_labels() if f not in flags]
        pictograms += [p for p in chem.pictogram_list if p not in pictograms]
    lines = [f"{cabinet.organisation.name} · {cabinet.room.name}", str(cabinet.get_kind_display())]
    if cabinet.controlled:
        holders = "、".join(h.display_name for h in (cabinet.key_holder_1, cabinet.key_holder_2) if h)
        lines.append(str(_("Two locks, keys: %(holders)s") % {"holders": holders}))
    lines.append(str(_("Contents as of %(date)s") % {"date": timezone.localdate().isoformat()}))
    return Label(kind="cabinet", title=str(_("Cabinet %(code)s") % {"code": cabinet.code}), subtitle="",
                 flags=sorted(set(flags), key=flags.index), pictograms=sorted(pictograms), lines=lines,
                 url=absolute(cabinet.get_absolute_url()), controlled=cabinet.controlled)


def containers_for_labels(queryset):
    """Containers with everything a label prints, in cabinet and position order (one query)."""
    return (queryset.select_related("organisation", "chemical", "cabinet", "cabinet__room")
            .order_by("cabinet__code", "position", "pk"))


def cabinet_contents(cabinet):
    """Distinct chemicals of the cabinet's live containers (one query)."""
    from .models import Chemical

    return Chemical.objects.filter(containers__cabinet=cabinet, containers__status__in=LIVE_STATUSES) \
        .distinct().order_by("name_zh")
