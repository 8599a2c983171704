"""Builders of contractors and disposal batches, through the services (actor None: the system)."""
import datetime
import itertools

from django.utils import timezone

from chemicals import disposal

_n = itertools.count(1)


def contractor(bureau, *, valid_from=None, valid_until=None, **fields):
    """A contractor on `bureau`'s list, its licence valid for a year around today unless told."""
    n = next(_n)
    today = timezone.localdate()
    fields.setdefault("name", f"危废处置公司{n}")
    fields.setdefault("licence_number", f"豫危废经许{n:05d}")
    fields.setdefault("licence_scope", "HW49 其他废物（实验室废物）")
    fields.setdefault("licence_authority", "河南省生态环境厅")
    return disposal.contractor_create(
        organisation=bureau, actor=None, licence_valid_from=valid_from or today - datetime.timedelta(days=180),
        licence_valid_until=valid_until or today + datetime.timedelta(days=185), **fields)


def batch(school, *, to=None, handover_on=None, manifest_number=None):
    """A draft batch of `school` to a contractor of its bureau."""
    to = to or contractor(school.parent)
    return disposal.disposal_create(
        organisation=school, actor=None, contractor=to, handover_on=handover_on or timezone.localdate(),
        manifest_number=f"4101{next(_n):08d}" if manifest_number is None else manifest_number)
