"""Objects of the chemicals app for the generic access and query-count tests."""
import itertools
from decimal import Decimal

from chemicals import disposal, services
from chemicals.models import (
    BureauControl,
    Cabinet,
    Chemical,
    ChemicalRoom,
    Container,
    CustodianTraining,
    Deterioration,
    DisposalBatch,
    Movement,
    Requisition,
    StockCount,
    WasteContractor,
)

from . import disposal_factories as df
from . import factories as cf

_n = itertools.count(1)


def _chemical(school):
    """A new catalogue entry (the catalogue is national: `school` is not used)."""
    return Chemical.objects.create(name_zh=f"测试试剂{next(_n)}", storage_class="general")


def _cabinet(school):
    return cf.cabinet(school, controlled=True)


def _movement(school):
    bottle = cf.container(school, cf.SALT, size="100")
    return services.movement_record(container=bottle, kind="issue", quantity=Decimal("10"), actor=None)


def _training(school):
    return cf.training(school, cf.custodian(school))


def _control(school):
    """An addition by the bureau above `school` (a school's own bureau, not the school)."""
    return services.control_add(organisation=school.parent, chemical=_chemical(school), actor=None,
                                reason="区局要求双人管理")


def _count(school):
    """A stock count in progress of a cabinet holding one bottle."""
    bottle = cf.container(school, cf.SALT, size="100")
    return services.stock_count_start(cabinet=bottle.cabinet, actor=None)


def _contractor(school):
    """A contractor on the list of the bureau above `school` (every school below it sees it: SHARED)."""
    return df.contractor(school.parent)


def _batch(school):
    return df.batch(school)


def _deterioration(school):
    bottle = cf.container(school, cf.SALT, size="100")
    return disposal.container_mark_deteriorated(container=bottle, actor=None, reason="结块变色")


OBJECTS = {
    ChemicalRoom: cf.room,
    Cabinet: _cabinet,
    Container: cf.container,
    Movement: _movement,
    CustodianTraining: _training,
    BureauControl: _control,
    Requisition: cf.requisition,
    StockCount: _count,
    WasteContractor: _contractor,
    DisposalBatch: _batch,
    Deterioration: _deterioration,
}
SHARED = {WasteContractor}
# The list for scrap shows containers found deteriorated (or expired): one per Deterioration.
VIEW_MODELS = {"chemicals:disposal_candidates": Deterioration}
LIST_OBJECTS = {Chemical: _chemical}
