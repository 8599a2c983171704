"""Reads of the books that pages and exports share: the general ledger (总账) and the detail
ledger (明细账) of a school. Both take the school the caller has already looked up through the
user's scope; their number of queries does not grow with the number of movements."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import IN_KINDS, BureauControl, Chemical, CustodianTraining, Movement, MovementKind

ZERO = Decimal("0")
IN_Q = Q(kind__in=IN_KINDS) | Q(kind=MovementKind.COUNT, base_quantity__gt=0)


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz))


@dataclass
class MonthLine:
    month: datetime.date
    opening: Decimal
    received: Decimal
    issued: Decimal
    closing: Decimal


@dataclass
class ChemicalLedger:
    chemical: Chemical
    unit: str
    opening: Decimal
    months: list[MonthLine] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.months[-1].closing if self.months else self.opening

    @property
    def received(self) -> Decimal:
        return sum((m.received for m in self.months), ZERO)

    @property
    def issued(self) -> Decimal:
        return sum((m.issued for m in self.months), ZERO)


def general_ledger(*, organisation, year: int) -> list[ChemicalLedger]:
    """Per chemical (in g or mL): the opening balance of the year, then per month with movements
    the opening, what came in, what went out and the closing balance. Three queries."""
    start, end = year_bounds(year)
    moves = Movement.objects.filter(organisation=organisation)
    openings = {
        (r["chemical"], r["base_unit"]): r["total"]
        for r in moves.filter(occurred_at__lt=start).values("chemical", "base_unit")
        .annotate(total=Sum("base_quantity")).order_by()
    }
    monthly = (
        moves.filter(occurred_at__gte=start, occurred_at__lt=end)
        .annotate(month=TruncMonth("occurred_at")).values("chemical", "base_unit", "month")
        .annotate(received=Sum("base_quantity", filter=IN_Q), issued=Sum("base_quantity", filter=~IN_Q))
        .order_by("chemical", "base_unit", "month")
    )
    ledgers: dict[tuple, ChemicalLedger] = {}
    for key, total in openings.items():
        ledgers[key] = ChemicalLedger(chemical=None, unit=key[1], opening=total or ZERO)
    for r in monthly:
        key = (r["chemical"], r["base_unit"])
        ledger = ledgers.setdefault(key, ChemicalLedger(chemical=None, unit=key[1], opening=ZERO))
        opening = ledger.closing
        received, issued = r["received"] or ZERO, -(r["issued"] or ZERO)
        month = r["month"].date() if isinstance(r["month"], datetime.datetime) else r["month"]
        ledger.months.append(MonthLine(month=month, opening=opening, received=received, issued=issued,
                                       closing=opening + received - issued))
    chemicals = Chemical.objects.in_bulk([k[0] for k in ledgers])
    out = []
    for (chem_id, _unit), ledger in ledgers.items():
        if not ledger.months and ledger.opening == 0:
            continue
        ledger.chemical = chemicals[chem_id]
        out.append(ledger)
    out.sort(key=lambda g: (g.chemical.name_zh, g.unit))
    return out


@dataclass
class DetailLine:
    movement: Movement
    received: Decimal
    issued: Decimal
    balance: Decimal


def detail_ledger(*, organisation, chemical, year: int) -> tuple[Decimal, list[DetailLine]]:
    """Every movement of `chemical` at the school in `year`, in time order, with the running
    balance (in g or mL) after it; and the balance brought forward. Two queries."""
    start, end = year_bounds(year)
    moves = Movement.objects.filter(organisation=organisation, chemical=chemical)
    opening = moves.filter(occurred_at__lt=start).aggregate(total=Sum("base_quantity"))["total"] or ZERO
    balance = opening
    lines = []
    rows = (moves.filter(occurred_at__gte=start, occurred_at__lt=end)
            .select_related("container", "created_by", "second_person", "counterparty", "reverses")
            .order_by("occurred_at", "pk"))
    for m in rows:
        balance += m.base_quantity
        incoming = m.kind in IN_KINDS or (m.kind == MovementKind.COUNT and m.base_quantity > 0)
        lines.append(DetailLine(movement=m, received=m.base_quantity if incoming else ZERO,
                                issued=ZERO if incoming else -m.base_quantity, balance=balance))
    return opening, lines


def _ancestor_paths(path: str) -> list[str]:
    """"00000001.00000042." -> ["00000001.", "00000001.00000042."]."""
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


def bureau_controls_over(school):
    """The additions to two-person control made by the bureaus above `school`."""
    return BureauControl.objects.filter(organisation__path__in=_ancestor_paths(school.path))


def is_controlled(chemical, school) -> bool:
    """Is every movement of `chemical` at `school` under two-person control (双人收发、双人记账)?
    The national flags (highly toxic, explosive or drug precursor, flammable, explosive) or an
    addition by a bureau above the school. The one rule every entry point asks."""
    if chemical.is_controlled:
        return True
    return bureau_controls_over(school).filter(chemical=chemical).exists()


def controls_for(user):
    """Bureau additions `user` may read: those of the bureaus they see, and those made above any
    organisation they belong to (a school reads what its bureaus added)."""
    from campaign_site.generic.scoping import scope_q, user_scope_paths

    paths = user_scope_paths(user)
    if paths is None:
        return BureauControl.objects.all()
    above = {p for path in paths for p in _ancestor_paths(path)}
    return BureauControl.objects.filter(scope_q(user, "organisation__path") | Q(organisation__path__in=sorted(above)))


def controlled_rows_q(prefix: str = "") -> Q:
    """Rows (containers, movements: anything with `chemical` and `organisation`) whose chemical is
    under two-person control at their school: `is_controlled` as a filter, in one query."""
    from django.db.models import Exists, F, OuterRef
    from django.db.models.lookups import StartsWith

    from .models import controlled_q

    bureau = BureauControl.objects.filter(StartsWith(OuterRef(f"{prefix}organisation__path"),
                                                     F("organisation__path")),
                                          chemical=OuterRef(f"{prefix}chemical"))
    return controlled_q(f"{prefix}chemical__") | Q(Exists(bureau))


def controlled_by_bureau(school) -> set[int]:
    """Pks of the chemicals the bureaus above `school` added to two-person control (one query)."""
    return set(bureau_controls_over(school).values_list("chemical_id", flat=True))


def valid_training(user, school, day=None):
    """`user`'s custodian training at `school` valid on `day` (default today), the latest first; or None."""
    day = day or timezone.localdate()
    if user is None or getattr(user, "pk", None) is None:
        return None
    return (CustodianTraining.objects.filter(person=user, organisation=school, trained_on__lte=day,
                                             valid_until__gte=day)
            .order_by("-valid_until", "-pk").first())


def has_valid_training(user, school, day=None) -> bool:
    return valid_training(user, school, day) is not None


def chemicals_on_books(organisation):
    """Chemicals with at least one container at the school (choices of the detail ledger)."""
    return Chemical.objects.filter(containers__organisation=organisation).distinct().order_by("name_zh")


def pending_for_container(container, user):
    """Open two-person requests about `container` that `user` may see (newest first)."""
    from django.contrib.contenttypes.models import ContentType

    from campaign_site.generic.models import PendingAction, PendingStatus

    return (PendingAction.objects.visible_to(user)
            .filter(kind="chemicals.movement", status=PendingStatus.PENDING,
                    content_type=ContentType.objects.get_for_model(container), object_id=container.pk)
            .select_related("requested_by").order_by("-requested_at", "-pk"))


def controlled_stock_by_school(schools=None) -> dict[int, int]:
    """Containers of controlled chemicals (双人双锁 double management) in stock per school of the
    queryset `schools` (None: every school): {school id: n} — what the container list shows for
    status "in stock" and double management "yes". One query."""
    from django.db.models import Count

    from .models import Container, ContainerStatus, controlled_q

    qs = Container.objects.filter(controlled_q("chemical__"), status=ContainerStatus.IN_STOCK)
    if schools is not None:
        qs = qs.filter(organisation__in=schools)
    return {row["organisation"]: row["n"] for row in qs.order_by().values("organisation").annotate(n=Count("pk"))}


# Requisitions (领用审批单) ------------------------------------------------------------------------


@dataclass
class LineAccount:
    """What became of one requisition line, in the line's unit: issued and returned are the books'
    movements with the requisition's number as reference (reversals included), consumed is booked
    on the line; pending is what still awaits a second custodian."""

    line: object
    issued: Decimal = ZERO
    returned: Decimal = ZERO
    pending_issue: Decimal = ZERO
    pending_return: Decimal = ZERO
    pending_other: int = 0

    @property
    def consumed(self) -> Decimal:
        return self.line.consumed

    @property
    def outstanding(self) -> Decimal:
        """Issued and neither returned nor booked as consumed."""
        return self.issued - self.returned - self.consumed

    @property
    def issuable(self) -> Decimal:
        """What may still be issued against the approved amount."""
        return max(self.line.quantity - self.issued - self.pending_issue, ZERO)

    @property
    def has_pending(self) -> bool:
        return bool(self.pending_issue or self.pending_return or self.pending_other)


def _in_unit(quantity, from_unit: str, to_unit: str) -> Decimal:
    from .models import convert

    try:
        return convert(quantity, from_unit, to_unit)
    except (ValueError, KeyError):
        return ZERO  # never booked: an issue in another dimension is refused by the service


def requisition_movements(requisition):
    """The movements of the books booked against `requisition` (its number as reference)."""
    return Movement.objects.filter(organisation=requisition.organisation_id, reference=requisition.number,
                                   kind__in=[MovementKind.ISSUE, MovementKind.RETURN])


def requisition_pending(requisition):
    """Issues and returns of `requisition` still awaiting a second custodian."""
    from campaign_site.generic.models import PendingAction, PendingStatus

    return PendingAction.objects.filter(organisation=requisition.organisation_id, kind="chemicals.movement",
                                        status=PendingStatus.PENDING, payload__op="record",
                                        payload__reference=requisition.number)


def requisition_accounts(requisition) -> list[LineAccount]:
    """One LineAccount per line of `requisition` (four queries, whatever the number of lines)."""
    from campaign_site.generic.models import PendingAction, PendingStatus

    from .models import Container

    accounts = {line.chemical_id: LineAccount(line) for line in requisition.lines.select_related("chemical")}
    if requisition.pk is None or not accounts:
        return list(accounts.values())
    rows = (requisition_movements(requisition).order_by().values("chemical", "kind", "base_unit")
            .annotate(q=Sum("base_quantity")))
    for row in rows:
        account = accounts.get(row["chemical"])
        if account is None:
            continue
        quantity = _in_unit(row["q"], row["base_unit"], account.line.unit)
        if row["kind"] == MovementKind.ISSUE:
            account.issued += -quantity
        else:
            account.returned += quantity
    pending = list(requisition_pending(requisition).values_list("payload", flat=True))
    chemical_of = dict(Container.objects.filter(pk__in=[p.get("container") for p in pending])
                       .values_list("pk", "chemical_id"))
    for payload in pending:
        account = accounts.get(chemical_of.get(payload.get("container")))
        if account is None:
            continue
        quantity = _in_unit(Decimal(payload.get("quantity") or "0"), payload.get("unit", ""), account.line.unit)
        if payload.get("kind") == MovementKind.ISSUE:
            account.pending_issue += quantity
        elif payload.get("kind") == MovementKind.RETURN:
            account.pending_return += quantity
    # A reversal of one of its movements that awaits a second custodian also keeps it open.
    moved = requisition_movements(requisition).values_list("pk", flat=True)
    for payload in PendingAction.objects.filter(organisation=requisition.organisation_id, kind="chemicals.movement",
                                                status=PendingStatus.PENDING, payload__op="reverse",
                                                payload__movement__in=list(moved)).values_list("payload", flat=True):
        chemical = Movement.objects.filter(pk=payload.get("movement")).values_list("chemical", flat=True).first()
        if chemical in accounts:
            accounts[chemical].pending_other += 1
    return list(accounts.values())


def requisition_settled(accounts: list[LineAccount]) -> bool:
    """Something was issued and every issued amount is returned or consumed, nothing pending."""
    return (any(a.issued > 0 for a in accounts)
            and all(a.outstanding == 0 and not a.has_pending for a in accounts))


def overdue_requisitions(user):
    """Requisitions whose leftovers are overdue, in `user`'s scope."""
    from .models import Requisition, RequisitionStatus

    return Requisition.objects.visible_to(user).filter(status=RequisitionStatus.ISSUED, overdue_at__isnull=False)
# Segregation (分类存放): what shares a cabinet that must not ------------------------------------


@dataclass
class SegregationViolation:
    cabinet: object
    first: Chemical
    second: Chemical
    reason: str


LIVE_STATUSES = ("in_stock", "awaiting")


def segregation_violations(containers) -> list[SegregationViolation]:
    """Pairs of chemicals kept in one cabinet against the segregation table (or the flags), among
    the live containers of the queryset `containers` (scope it first): three queries whatever the
    number of containers — the distinct (cabinet, chemical) pairs, their chemicals, their cabinets."""
    from itertools import combinations

    from .models import Cabinet
    from .segregation import conflict_between

    pairs = (containers.filter(status__in=LIVE_STATUSES).order_by().values_list("cabinet_id", "chemical_id")
             .distinct())
    by_cabinet: dict[int, set[int]] = {}
    for cabinet_id, chemical_id in pairs:
        by_cabinet.setdefault(cabinet_id, set()).add(chemical_id)
    crowded = {c: ids for c, ids in by_cabinet.items() if len(ids) > 1}
    if not crowded:
        return []
    chemicals = Chemical.objects.in_bulk({i for ids in crowded.values() for i in ids})
    cabinets = Cabinet.objects.select_related("organisation", "room").in_bulk(crowded)
    out = []
    for cabinet_id, ids in crowded.items():
        for a, b in combinations(sorted(ids), 2):
            conflict = conflict_between(chemicals[a], chemicals[b])
            if conflict is not None:
                out.append(SegregationViolation(cabinets[cabinet_id], chemicals[a], chemicals[b], conflict.reason))
    return sorted(out, key=lambda v: (v.cabinet.organisation.path, v.cabinet.code))


def segregation_counts_by_school(containers) -> dict[int, int]:
    """{school id: the number of violations `segregation_violations` lists for it} among the live
    containers of `containers`, for figures over many schools: two queries, and each pair of
    chemicals is judged once however many cabinets hold it (no cabinet objects, no reasons)."""
    from itertools import combinations

    from .segregation import in_conflict

    pairs = (containers.filter(status__in=LIVE_STATUSES).order_by()
             .values_list("cabinet__organisation_id", "cabinet_id", "chemical_id").distinct())
    by_cabinet: dict[tuple[int, int], set[int]] = {}
    for school_id, cabinet_id, chemical_id in pairs:
        by_cabinet.setdefault((school_id, cabinet_id), set()).add(chemical_id)
    crowded = {key: ids for key, ids in by_cabinet.items() if len(ids) > 1}
    counts: dict[int, int] = {}
    if not crowded:
        return counts
    chemicals = Chemical.objects.in_bulk({i for ids in crowded.values() for i in ids})
    judged: dict[tuple[int, int], bool] = {}
    for (school_id, _cabinet_id), ids in crowded.items():
        for pair in combinations(sorted(ids), 2):
            found = judged.get(pair)
            if found is None:
                found = judged[pair] = in_conflict(chemicals[pair[0]], chemicals[pair[1]])
            if found:
                counts[school_id] = counts.get(school_id, 0) + 1
    return counts


# Stock counts (盘点) ----------------------------------------------------------------------------
# A cabinet holding stock is counted every CHEMICAL_COUNT_INTERVAL_DAYS after its last completed
# count, or, never counted (or emptied and refilled since), after its oldest container in stock was
# received: `count_from`. Due on count_from + interval; overdue once the grace days after it passed.


def count_interval() -> datetime.timedelta:
    from django.conf import settings

    return datetime.timedelta(days=settings.CHEMICAL_COUNT_INTERVAL_DAYS)


def count_overdue_cutoff(today: datetime.date) -> datetime.date:
    """A cabinet whose `count_from` is before this day is overdue on `today`."""
    from django.conf import settings

    return today - count_interval() - datetime.timedelta(days=settings.CHEMICAL_COUNT_GRACE_DAYS)


def with_count_schedule(cabinets):
    """`cabinets` holding stock, annotated with `last_counted` (day of the last completed count),
    `first_received` (oldest container in stock) and `count_from` (the day the next count is due
    from). Subqueries: one query whatever the number of cabinets."""
    from django.db.models import DateField, OuterRef, Subquery
    from django.db.models.functions import Coalesce, Greatest

    from .models import Container, ContainerStatus, StockCount, StockCountStatus

    last = StockCount.objects.filter(cabinet=OuterRef("pk"), status=StockCountStatus.COMPLETED) \
        .order_by("-counted_on").values("counted_on")[:1]
    first = Container.objects.filter(cabinet=OuterRef("pk"), status=ContainerStatus.IN_STOCK) \
        .order_by("received_on").values("received_on")[:1]
    return (cabinets.annotate(last_counted=Subquery(last, output_field=DateField()),
                              first_received=Subquery(first, output_field=DateField()))
            .filter(first_received__isnull=False)
            .annotate(count_from=Greatest(Coalesce("last_counted", "first_received"), "first_received")))


def overdue_count_cabinets(cabinets, today: datetime.date | None = None):
    """The cabinets of `cabinets` holding stock whose count is overdue on `today`."""
    today = today or timezone.localdate()
    return with_count_schedule(cabinets).filter(count_from__lt=count_overdue_cutoff(today))


def overdue_counts_by_school(schools, today: datetime.date | None = None) -> dict[int, int]:
    """Cabinets whose stock count is overdue per school of the queryset `schools`: {school id: n}
    (schools with none are left out). One query."""
    from django.db.models import Count

    from .models import Cabinet

    rows = overdue_count_cabinets(Cabinet.objects.filter(organisation__in=schools), today) \
        .order_by().values("organisation").annotate(n=Count("pk"))
    return {row["organisation"]: row["n"] for row in rows}


@dataclass
class CountSchedule:
    last_counted: datetime.date | None
    due_on: datetime.date | None  # None: nothing in stock, nothing to count
    overdue: bool
    open_count: object = None


def count_schedule(cabinet, today: datetime.date | None = None) -> CountSchedule:
    """When `cabinet` was last counted, when its next count is due, whether it is overdue, and the
    count in progress (if any). Two queries."""
    from .models import Cabinet, StockCount, StockCountStatus

    today = today or timezone.localdate()
    row = with_count_schedule(Cabinet.objects.filter(pk=cabinet.pk)).values("last_counted", "count_from").first()
    open_count = StockCount.objects.filter(cabinet=cabinet, status=StockCountStatus.OPEN).first()
    if row is None:
        last = StockCount.objects.filter(cabinet=cabinet, status=StockCountStatus.COMPLETED) \
            .order_by("-counted_on").values_list("counted_on", flat=True).first()
        return CountSchedule(last_counted=last, due_on=None, overdue=False, open_count=open_count)
    return CountSchedule(last_counted=row["last_counted"], due_on=row["count_from"] + count_interval(),
                         overdue=row["count_from"] < count_overdue_cutoff(today), open_count=open_count)


def count_lines(count):
    """The lines of a count with their container, chemical, counter and adjustment (one query)."""
    return count.lines.select_related("container", "container__chemical", "counted_by", "movement",
                                      "pending_action").order_by("container__position", "container_id")


def controlled_count_differences(count) -> list:
    """The lines of a completed count whose difference concerns a controlled chemical."""
    controlled = controlled_by_bureau(count.organisation)
    return [line for line in count_lines(count)
            if line.found is not None and line.found != line.expected
            and (line.container.chemical.is_controlled or line.container.chemical_id in controlled)]


# The bureau's view of its schools (issue 8 §10) -----------------------------------------------


@dataclass
class SchoolFigures:
    """What the bureau sees of one school's chemicals. A new figure: a field here and one grouped
    query in `bureau_school_figures` (never one query per school), a column in BureauSchoolTable."""

    controlled_containers: int = 0  # containers in stock of chemicals under two-person control
    controlled_chemicals: int = 0  # distinct chemicals among them
    pending_movements: int = 0  # movements awaiting a second custodian (not on the books yet)
    segregation_violations: int = 0  # pairs of chemicals sharing a cabinet against the table
    overdue_counts: int = 0  # cabinets whose half-monthly stock count is overdue


def bureau_school_figures(school_ids) -> dict[int, SchoolFigures]:
    """{school id: SchoolFigures} for the schools `school_ids` (the caller scoped them to the user;
    a school with nothing gets zeros). A fixed number of queries whatever the number of schools:
    one for the controlled stock, one for the pending movements, at most two for segregation, one
    for the overdue stock counts."""
    from django.db.models import Count

    from campaign_site.generic.models import PendingAction, PendingStatus

    from .models import Container, ContainerStatus

    ids = list(school_ids)
    figures = {pk: SchoolFigures() for pk in ids}
    if not ids:
        return figures
    stock = (Container.objects.filter(controlled_rows_q(), organisation__in=ids, status=ContainerStatus.IN_STOCK)
             .order_by().values("organisation")
             .annotate(containers=Count("pk"), chemicals=Count("chemical", distinct=True)))
    for row in stock:
        figures[row["organisation"]].controlled_containers = row["containers"]
        figures[row["organisation"]].controlled_chemicals = row["chemicals"]
    pending = (PendingAction.objects.filter(organisation__in=ids, kind="chemicals.movement",
                                            status=PendingStatus.PENDING, expires_at__gt=timezone.now())
               .order_by().values("organisation").annotate(n=Count("pk")))
    for row in pending:
        figures[row["organisation"]].pending_movements = row["n"]
    for school_id, n in segregation_counts_by_school(Container.objects.filter(organisation__in=ids)).items():
        figures[school_id].segregation_violations = n
    for school_id, n in overdue_counts_by_school(ids).items():
        figures[school_id].overdue_counts = n
    return figures
