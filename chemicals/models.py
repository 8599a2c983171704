"""Hazardous chemicals in school labs.

The catalogue (`Chemical`) is national reference data, the same for every school: any logged-in
user may read it, only the administrator and the bureau's list uploads change it. Everything a
school keeps (rooms, cabinets, containers, the ledger) is owned by that school and scoped.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from campaign_site.generic.ledger import QUANTITY_DIGITS, QUANTITY_PLACES, Balance, LedgerEntry, format_quantity
from campaign_site.generic.links import reverse  # django.urls.reverse from a template: list rows link cheaply
from campaign_site.generic.models import OrganisationOwned
from campaign_site.generic.workflow import Transition, Workflow

from .cas import validate_cas


class StorageClass(models.TextChoices):
    """Storage classes the segregation table (chemicals/data/segregation.json) is written in."""

    ACID = "acid", _("Acids")
    BASE = "base", _("Bases")
    OXIDISER = "oxidiser", _("Oxidisers")
    FLAMMABLE_LIQUID = "flammable_liquid", _("Flammable liquids")
    FLAMMABLE_SOLID = "flammable_solid", _("Flammable solids and reducers")
    WATER_REACTIVE = "water_reactive", _("Water-reactive substances")
    CYANIDE_SULFIDE = "cyanide_sulfide", _("Cyanides and sulfides")
    TOXIC = "toxic", _("Toxic substances")
    AQUEOUS = "aqueous", _("Aqueous solutions")
    GENERAL = "general", _("General reagents")


class GHSPictogram(models.TextChoices):
    GHS01 = "GHS01", _("GHS01 exploding bomb")
    GHS02 = "GHS02", _("GHS02 flame")
    GHS03 = "GHS03", _("GHS03 flame over circle")
    GHS04 = "GHS04", _("GHS04 gas cylinder")
    GHS05 = "GHS05", _("GHS05 corrosion")
    GHS06 = "GHS06", _("GHS06 skull and crossbones")
    GHS07 = "GHS07", _("GHS07 exclamation mark")
    GHS08 = "GHS08", _("GHS08 health hazard")
    GHS09 = "GHS09", _("GHS09 environment")


class DrugPrecursorCategory(models.IntegerChoices):
    FIRST = 1, _("Category 1")
    SECOND = 2, _("Category 2")
    THIRD = 3, _("Category 3")


class ListFlag(models.TextChoices):
    """The national lists a bureau loads (`load_chemical_list --flag`)."""

    HIGHLY_TOXIC = "highly_toxic", _("Highly toxic (剧毒)")
    EXPLOSIVE_PRECURSOR = "explosive_precursor", _("Explosive precursor (易制爆)")
    DRUG_PRECURSOR = "drug_precursor", _("Drug precursor (易制毒)")


class ChemicalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """National reference data: every logged-in user reads the whole catalogue."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.all()

    def controlled(self):
        return self.filter(CONTROLLED_Q)


def controlled_q(prefix: str = "") -> models.Q:
    """Chemicals under double management by the national flags (`prefix` e.g. "chemical__")."""
    return (
        models.Q(**{f"{prefix}highly_toxic": True}) | models.Q(**{f"{prefix}explosive_precursor": True})
        | models.Q(**{f"{prefix}drug_precursor_category__isnull": False}) | models.Q(**{f"{prefix}flammable": True})
        | models.Q(**{f"{prefix}explosive": True})
    )


CONTROLLED_Q = controlled_q()


class Chemical(models.Model):
    name_zh = models.CharField(_("Chinese name"), max_length=200, db_index=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    aliases = models.CharField(_("aliases"), max_length=500, blank=True, help_text=_("Separated by ；"))
    cas = models.CharField(_("CAS number"), max_length=12, unique=True, null=True, blank=True,
                           validators=[validate_cas])
    formula = models.CharField(_("formula"), max_length=60, blank=True)
    ghs_pictograms = models.CharField(_("GHS pictograms"), max_length=60, blank=True,
                                      help_text=_("Codes separated by spaces, e.g. GHS02 GHS07"))
    hazard_classes = models.CharField(_("hazard classes"), max_length=300, blank=True)
    storage_class = models.CharField(_("storage class"), max_length=20, choices=StorageClass.choices,
                                     default=StorageClass.GENERAL)
    highly_toxic = models.BooleanField(_("highly toxic (剧毒)"), default=False)
    explosive_precursor = models.BooleanField(_("explosive precursor (易制爆)"), default=False)
    drug_precursor_category = models.PositiveSmallIntegerField(
        _("drug precursor category (易制毒)"), choices=DrugPrecursorCategory.choices, null=True, blank=True)
    flammable = models.BooleanField(_("flammable"), default=False)
    explosive = models.BooleanField(_("explosive"), default=False)
    light_sensitive = models.BooleanField(_("light-sensitive"), default=False)
    volatile = models.BooleanField(_("volatile"), default=False)
    deliquescent = models.BooleanField(_("deliquescent"), default=False)
    hydrolysable = models.BooleanField(_("hydrolysable"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = ChemicalQuerySet.as_manager()

    class Meta:
        verbose_name = _("chemical")
        verbose_name_plural = _("chemical catalogue")
        ordering = ["name_zh", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(drug_precursor_category__isnull=True)
                | models.Q(drug_precursor_category__in=[1, 2, 3]),
                name="chemical_drug_category_1_3",
            ),
        ]

    def __str__(self):
        return f"{self.name_zh}（{self.cas}）" if self.cas else self.name_zh

    @property
    def drug_precursor(self) -> bool:
        return self.drug_precursor_category is not None

    @property
    def is_controlled(self) -> bool:
        """Under double management (双人双锁、双人收发、双人记账) by the national flags."""
        return bool(self.highly_toxic or self.explosive_precursor or self.drug_precursor or self.flammable
                    or self.explosive)

    @property
    def pictogram_list(self) -> list[str]:
        return [p for p in self.ghs_pictograms.split() if p in GHSPictogram.values]

    def flag_labels(self) -> list[str]:
        labels = []
        if self.highly_toxic:
            labels.append(_("Highly toxic"))
        if self.explosive_precursor:
            labels.append(_("Explosive precursor"))
        if self.drug_precursor:
            labels.append(_("Drug precursor, category %(n)s") % {"n": self.drug_precursor_category})
        if self.flammable:
            labels.append(_("Flammable"))
        if self.explosive:
            labels.append(_("Explosive"))
        return [str(x) for x in labels]

    def keeping_labels(self) -> list[str]:
        labels = []
        if self.light_sensitive:
            labels.append(_("Light-sensitive: dark container"))
        if self.volatile:
            labels.append(_("Volatile: keep sealed"))
        if self.deliquescent:
            labels.append(_("Deliquescent: keep sealed"))
        if self.hydrolysable:
            labels.append(_("Hydrolysable: keep sealed"))
        return [str(x) for x in labels]


# -- where things are: rooms, cabinets, containers (owned by a school) ------------------------------

class Unit(models.TextChoices):
    GRAM = "g", _("g")
    KILOGRAM = "kg", _("kg")
    MILLILITRE = "mL", _("mL")
    LITRE = "L", _("L")


# unit -> (dimension, factor to the dimension's base unit)
UNIT_FACTORS = {
    Unit.GRAM: ("mass", Decimal("1")),
    Unit.KILOGRAM: ("mass", Decimal("1000")),
    Unit.MILLILITRE: ("volume", Decimal("1")),
    Unit.LITRE: ("volume", Decimal("1000")),
}


def convert(quantity, from_unit: str, to_unit: str) -> Decimal:
    """`quantity` in `from_unit` expressed in `to_unit`; ValueError between mass and volume."""
    dim_from, f_from = UNIT_FACTORS[Unit(from_unit)]
    dim_to, f_to = UNIT_FACTORS[Unit(to_unit)]
    if dim_from != dim_to:
        raise ValueError(f"cannot convert {from_unit} to {to_unit}")
    return Decimal(quantity) * f_from / f_to


class RoomKind(models.TextChoices):
    STOREROOM = "storeroom", _("Chemical storeroom")
    PREP_ROOM = "prep_room", _("Preparation room")
    LAB = "lab", _("Laboratory")


class ChemicalRoom(OrganisationOwned):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices, default=RoomKind.STOREROOM)
    location = models.CharField(_("building and floor"), max_length=200, blank=True)
    hazard_sign = models.BooleanField(_("hazard sign posted"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("chemical room")
        verbose_name_plural = _("chemical rooms")
        ordering = ["organisation__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="chemicals_room_name_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("chemicals:room_detail", args=[self.pk])


class CabinetKind(models.TextChoices):
    GENERAL = "general", _("General reagent cabinet")
    ACID_BASE = "acid_base", _("Acid and base cabinet")
    FLAMMABLE = "flammable", _("Flammables cabinet (explosion-proof)")
    OXIDISER = "oxidiser", _("Oxidiser cabinet")
    TOXIC = "toxic", _("Highly toxic safe")
    PRECURSOR = "precursor", _("Precursor cabinet")


class Cabinet(OrganisationOwned):
    """A cabinet in a room. A controlled cabinet (双人双锁) has two locks whose keys two different
    custodians hold."""

    room = models.ForeignKey(ChemicalRoom, verbose_name=_("room"), on_delete=models.PROTECT,
                             related_name="cabinets")
    code = models.CharField(_("cabinet number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=CabinetKind.choices, default=CabinetKind.GENERAL)
    hazard_sign = models.BooleanField(_("hazard sign posted"), default=False)
    controlled = models.BooleanField(
        _("two locks (双人双锁)"), default=False,
        help_text=_("Holds highly toxic, precursor, flammable or explosive chemicals: two locks, two key holders."))
    key_holder_1 = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("first key holder"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    key_holder_2 = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("second key holder"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("cabinet")
        verbose_name_plural = _("cabinets")
        ordering = ["organisation__name", "code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="chemicals_cabinet_code_unique"),
            models.CheckConstraint(
                condition=models.Q(key_holder_1__isnull=True) | models.Q(key_holder_2__isnull=True)
                | ~models.Q(key_holder_1=models.F("key_holder_2")),
                name="chemicals_cabinet_two_different_key_holders",
            ),
            models.CheckConstraint(
                condition=models.Q(controlled=False)
                | models.Q(key_holder_1__isnull=False, key_holder_2__isnull=False),
                name="chemicals_cabinet_controlled_has_two_keys",
            ),
        ]

    def __str__(self):
        return f"{self.room.name} · {self.code}"

    def get_absolute_url(self):
        return reverse("chemicals:cabinet_detail", args=[self.pk])


class ContainerStatus(models.TextChoices):
    IN_STOCK = "in_stock", _("In stock")
    EMPTY = "empty", _("Used up")
    SCRAPPED = "scrapped", _("Scrapped")
    TRANSFERRED = "transferred", _("Transferred out")
    AWAITING = "awaiting", _("Receipt awaiting a second custodian")
    NOT_RECEIVED = "not_received", _("Receipt not confirmed")


class Container(OrganisationOwned):
    """One bottle, bag or drum in a fixed cabinet and place (定柜定位). Its quantity is its ledger
    balance (`ContainerStock`); `size` is what it held when it was received."""

    chemical = models.ForeignKey(Chemical, verbose_name=_("chemical"), on_delete=models.PROTECT,
                                 related_name="containers")
    cabinet = models.ForeignKey(Cabinet, verbose_name=_("cabinet"), on_delete=models.PROTECT,
                                related_name="containers")
    position = models.CharField(pgettext_lazy("shelf", "position"), max_length=60, blank=True, help_text=_("Shelf and place, e.g. 2-3"))
    lot = models.CharField(_("lot number"), max_length=60, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    received_on = models.DateField(_("received on"))
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices)
    size = models.DecimalField(_("content when received"), max_digits=QUANTITY_DIGITS,
                               decimal_places=QUANTITY_PLACES)
    status = models.CharField(_("status"), max_length=20, choices=ContainerStatus.choices,
                              default=ContainerStatus.IN_STOCK)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("container")
        verbose_name_plural = _("containers")
        ordering = ["organisation__name", "chemical__name_zh", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(size__gt=0), name="chemicals_container_size_positive"),
            models.CheckConstraint(condition=models.Q(unit__in=["g", "kg", "mL", "L"]),
                                   name="chemicals_container_unit_known"),
        ]

    def __str__(self):
        return f"{self.chemical.name_zh} #{self.pk}" + (f"（{self.lot}）" if self.lot else "")

    def get_absolute_url(self):
        return reverse("chemicals:container_detail", args=[self.pk])


# -- the books: an append-only ledger of movements, a balance per container -------------------------

class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt (入库)")
    ISSUE = "issue", _("Issue (领用)")
    RETURN = "return", _("Return of leftover (归还)")
    CONSUMPTION = "consumption", _("Consumption (消耗)")
    WASTE = "waste", _("Waste (废弃)")
    SCRAP = "scrap", _("Scrap (报废)")
    TRANSFER_OUT = "transfer_out", _("Transfer out (调出)")
    COUNT = "count", _("Count adjustment (盘点)")


# +1 books into the container, -1 out of it; a count adjustment carries its own sign.
KIND_SIGN = {
    MovementKind.RECEIPT: 1, MovementKind.RETURN: 1,
    MovementKind.ISSUE: -1, MovementKind.CONSUMPTION: -1, MovementKind.WASTE: -1, MovementKind.SCRAP: -1,
    MovementKind.TRANSFER_OUT: -1, MovementKind.COUNT: 0,
}
IN_KINDS = [k for k, s in KIND_SIGN.items() if s > 0]
OUT_KINDS = [k for k, s in KIND_SIGN.items() if s < 0]


class ContainerStock(Balance):
    """What is left in a container (in its unit), moved only by posting a `Movement`."""

    container = models.OneToOneField(Container, verbose_name=_("container"), on_delete=models.PROTECT,
                                     related_name="stock")

    class Meta(Balance.Meta):
        verbose_name = _("stock")
        verbose_name_plural = _("stock")


class Movement(LedgerEntry):
    """One line of the books (领、用、剩、废、耗): never changed or deleted; a correction is a
    reversing entry. `quantity` is signed and in the container's unit; `base_quantity` the same
    in g or mL, for the general ledger across containers of different sizes."""

    balance_model = ContainerStock

    container = models.ForeignKey(Container, verbose_name=_("container"), on_delete=models.PROTECT,
                                  related_name="movements")
    chemical = models.ForeignKey(Chemical, verbose_name=_("chemical"), on_delete=models.PROTECT,
                                 related_name="movements")
    kind = models.CharField(_("movement"), max_length=20, choices=MovementKind.choices)
    entered_quantity = models.DecimalField(_("quantity as entered"), max_digits=QUANTITY_DIGITS,
                                           decimal_places=QUANTITY_PLACES)
    entered_unit = models.CharField(_("unit as entered"), max_length=4, choices=Unit.choices)
    base_quantity = models.DecimalField(_("quantity in g or mL"), max_digits=QUANTITY_DIGITS + 3,
                                        decimal_places=QUANTITY_PLACES)
    base_unit = models.CharField(_("base unit"), max_length=4, choices=Unit.choices)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    counterparty = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received or returned by"),
                                     null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    counterparty_name = models.CharField(_("received or returned by (name)"), max_length=100, blank=True)
    reason = models.CharField(_("reason or purpose"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True,
                                 help_text=_("Requisition, delivery note or count number"))
    equipment = models.CharField(_("measured with"), max_length=100, blank=True,
                                 help_text=_("e.g. electronic balance 0.01 g, 100 mL measuring cylinder"))
    controlled = models.BooleanField(_("double management"), default=False)
    second_person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("second custodian"), null=True,
                                      blank=True, on_delete=models.PROTECT, related_name="+")
    pending_action = models.ForeignKey("generic.PendingAction", verbose_name=_("two-person confirmation"),
                                       null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta(LedgerEntry.Meta):
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["occurred_at", "pk"]
        indexes = [
            models.Index(fields=["organisation", "chemical", "occurred_at"], name="chem_move_org_chem_time"),
            models.Index(fields=["container", "occurred_at"], name="chem_move_container_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(second_person__isnull=True) | models.Q(created_by__isnull=True)
                | ~models.Q(second_person=models.F("created_by")),
                name="chemicals_movement_two_different_people",
            ),
            models.CheckConstraint(
                condition=models.Q(controlled=False) | models.Q(second_person__isnull=False),
                name="chemicals_movement_controlled_has_second_person",
            ),
            models.CheckConstraint(condition=~models.Q(quantity=0), name="chemicals_movement_not_zero"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.chemical.name_zh} {self.quantity} {self.container.unit}"

    def get_absolute_url(self):
        return reverse("chemicals:movement_detail", args=[self.pk])

    def balance_key(self):
        return {"container": self.container}


# -- two-person control: what a bureau adds to the national flags, who is trained ---------------------

class BureauControl(OrganisationOwned):
    """A chemical a bureau puts under two-person control (双人双锁、双人收发) for every school below
    it, beyond the national flags. `organisation` is the bureau."""

    chemical = models.ForeignKey(Chemical, verbose_name=_("chemical"), on_delete=models.PROTECT,
                                 related_name="bureau_controls")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("chemical under bureau control")
        verbose_name_plural = _("chemicals under bureau control")
        ordering = ["organisation__name", "chemical__name_zh", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "chemical"], name="chemicals_bureau_control_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.chemical.name_zh}"

    def get_absolute_url(self):
        return reverse("chemicals:control_list")


class CustodianTraining(OrganisationOwned):
    """A custodian's training for keeping hazardous chemicals (保管员培训), valid for a period. Only a
    custodian with a record valid on the day may sign a controlled movement."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("custodian"), on_delete=models.PROTECT,
                               related_name="custodian_trainings")
    course = models.CharField(_("course"), max_length=200)
    certificate = models.CharField(_("certificate number"), max_length=100, blank=True)
    trained_by = models.CharField(_("trained by"), max_length=200, blank=True)
    trained_on = models.DateField(_("trained on"))
    valid_until = models.DateField(_("valid until"))
    activity = models.ForeignKey("campaigns.Activity", verbose_name=_("training on file"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+",
                                 help_text=_("The school's training session this record comes from, if any."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("custodian training")
        verbose_name_plural = _("custodian trainings")
        ordering = ["organisation__name", "-valid_until", "pk"]
        indexes = [models.Index(fields=["person", "organisation", "valid_until"], name="chem_training_valid")]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("trained_on")),
                                   name="chemicals_training_valid_after_trained"),
        ]

    def __str__(self):
        return f"{self.person.display_name} · {self.course}"

    def get_absolute_url(self):
        return reverse("chemicals:training_detail", args=[self.pk])

    def is_valid_on(self, day) -> bool:
        return self.trained_on <= day <= self.valid_until


# -- requisitions (领用审批单): a teacher asks, the lab head or principal approves, custodians issue ------

class RequisitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ISSUED = "issued", _("Issued: leftovers due")
    CLOSED = "closed", _("Closed")


def _requisition_booked(result) -> str:
    """The message after issuing, returning or consuming: booked, or waiting for a second custodian."""
    if isinstance(result, Movement | RequisitionLine):
        return _("Booked on the requisition.")
    return _("Nothing is booked yet: a second custodian must confirm it.")


_RP = "chemicals.permissions."
_RS = "chemicals.services."
_RF = "chemicals.forms."
REQUISITION_FLOW = Workflow(
    Transition("submit", source=[RequisitionStatus.DRAFT], target=RequisitionStatus.SUBMITTED,
               label=_("Submit for approval"), icon="send", service=_RS + "requisition_submit",
               permission=_RP + "can_submit_requisition", done=_("The requisition was submitted for approval.")),
    Transition("approve", source=[RequisitionStatus.SUBMITTED], target=RequisitionStatus.APPROVED,
               label=_("Approve"), style="success", icon="check-lg", confirm=True,
               service=_RS + "requisition_approve", permission=_RP + "can_approve_requisition",
               done=_("The requisition was approved: the custodians may issue it.")),
    Transition("reject", source=[RequisitionStatus.SUBMITTED], target=RequisitionStatus.REJECTED,
               label=_("Reject"), style="outline-danger", icon="x-lg", note_required=True,
               form=_RF + "RequisitionReasonForm", service=_RS + "requisition_reject",
               permission=_RP + "can_approve_requisition", done=_("The requisition was rejected.")),
    # A custodian issues a line from a container (the first issue moves the requisition to "issued").
    Transition("issue", source=[RequisitionStatus.APPROVED, RequisitionStatus.ISSUED], label=_("Issue"),
               icon="box-arrow-right", form=_RF + "RequisitionIssueForm", service=_RS + "requisition_issue",
               permission=_RP + "can_issue_requisition", done=_requisition_booked),
    Transition("issued", source=[RequisitionStatus.APPROVED], target=RequisitionStatus.ISSUED,
               label=_("Issued")),
    Transition("return_leftover", source=[RequisitionStatus.ISSUED], label=_("Book a returned leftover"),
               icon="box-arrow-in-left", form=_RF + "RequisitionReturnForm", service=_RS + "requisition_return",
               permission=_RP + "can_issue_requisition", done=_requisition_booked),
    Transition("consume", source=[RequisitionStatus.ISSUED], label=_("Book as consumed"), icon="fire",
               style="outline-primary", form=_RF + "RequisitionConsumeForm", service=_RS + "requisition_consume",
               permission=_RP + "can_issue_requisition", done=_requisition_booked),
    Transition("close", source=[RequisitionStatus.ISSUED], target=RequisitionStatus.CLOSED,
               label=_("Close"), style="outline-success", icon="check2-all", service=_RS + "requisition_close",
               permission=_RP + "can_issue_requisition",
               done=_("The requisition was closed: everything issued is returned or consumed.")),
    subject="requisition",
    events={"overdue": _("Leftovers overdue")},
)


class Requisition(OrganisationOwned):
    """A requisition (领用审批单): amounts of chemicals a teacher needs for a class. Issues and returns
    are movements of the books whose `reference` is the requisition's number; what was used up is
    booked on its lines. The leftovers are due `CHEMICAL_LEFTOVER_HOURS` after the later of the
    first issue and the time of use."""

    organisation = models.ForeignKey("accounts.Organisation", verbose_name=_("school"), on_delete=models.PROTECT,
                                     related_name="requisitions", related_query_name="requisition")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                  on_delete=models.PROTECT, related_name="chemical_requisitions")
    class_name = models.CharField(_("class or grade"), max_length=100)
    purpose = models.CharField(_("purpose"), max_length=300, help_text=_("The experiment or lesson"))
    use_at = models.DateTimeField(_("time of use"))
    status = models.CharField(_("status"), max_length=20, choices=RequisitionStatus.choices,
                              default=RequisitionStatus.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved or rejected by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    review_note = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    leftover_due_at = models.DateTimeField(_("leftovers due"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("marked overdue at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "leftover_due_at"], name="chem_requisition_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("requester")),
                name="chemicals_requisition_not_self_approved",
            ),
        ]

    def __str__(self):
        return _("Requisition %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        """The requisition's number, also the `reference` of its movements."""
        return f"LY{self.pk:06d}" if self.pk else ""

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None and self.status == RequisitionStatus.ISSUED

    def get_absolute_url(self):
        return reverse("chemicals:requisition_detail", args=[self.pk])


class RequisitionLine(models.Model):
    """One chemical on a requisition: the amount asked for (and approved), and what of the issued
    amount was booked as used up (消耗), in the line's unit."""

    requisition = models.ForeignKey(Requisition, verbose_name=_("requisition"), on_delete=models.CASCADE,
                                    related_name="lines")
    chemical = models.ForeignKey(Chemical, verbose_name=_("chemical"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices)
    consumed = models.DecimalField(_("booked as consumed"), max_digits=QUANTITY_DIGITS,
                                   decimal_places=QUANTITY_PLACES, default=Decimal("0"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("requisition line")
        verbose_name_plural = _("requisition lines")
        ordering = ["requisition", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["requisition", "chemical"], name="chemicals_requisition_line_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="chemicals_requisition_line_positive"),
            models.CheckConstraint(condition=models.Q(consumed__gte=0), name="chemicals_requisition_consumed_gte0"),
        ]

    def __str__(self):
        return f"{self.chemical.name_zh} {format_quantity(self.quantity)} {self.unit}"


# -- stock counts (盘点): every half month per cabinet, differences become count adjustments ----------

class StockCountStatus(models.TextChoices):
    OPEN = "open", _("Counting")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


def _count_completed(result) -> str:
    """The message after completing a count: what was booked and what waits for a second custodian."""
    waiting = getattr(result, "waiting", 0)
    if waiting:
        return _("The count is complete. %(n)s adjustment(s) of controlled chemicals wait for a second custodian.") \
            % {"n": waiting}
    return _("The count is complete: every difference is booked as a count adjustment.")


COUNT_FLOW = Workflow(
    Transition("complete", source=[StockCountStatus.OPEN], target=StockCountStatus.COMPLETED,
               label=_("Complete the count"), style="success", icon="clipboard-check", confirm=True,
               form=_RF + "CountCompleteForm", service=_RS + "stock_count_complete",
               permission=_RP + "can_count", done=_count_completed),
    Transition("cancel", source=[StockCountStatus.OPEN], target=StockCountStatus.CANCELLED,
               label=_("Cancel the count"), style="outline-danger", icon="x-lg", note_required=True,
               form=_RF + "RequisitionReasonForm", service=_RS + "stock_count_cancel",
               permission=_RP + "can_count", done=_("The count was cancelled: nothing was booked.")),
    subject="count",
    events={"hazard": _("Hazard opened")},
)


class StockCount(OrganisationOwned):
    """A stock count (盘点) of one cabinet. Starting it lists every container in stock with the
    quantity the books expect (`StockCountLine.expected`); the custodians enter what they find and
    whether each container is there, sealed and labelled; completing it books every difference as a
    count adjustment (盘点) through the books (a controlled chemical's waits for a second custodian).
    A cabinet has at most one count in progress."""

    cabinet = models.ForeignKey(Cabinet, verbose_name=_("cabinet"), on_delete=models.PROTECT,
                                related_name="stock_counts")
    status = models.CharField(_("status"), max_length=20, choices=StockCountStatus.choices,
                              default=StockCountStatus.OPEN, db_index=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    counted_on = models.DateField(_("counted on"), null=True, blank=True, db_index=True,
                                  help_text=_("The day the count was completed: the next is due from it."))
    differences = models.PositiveIntegerField(_("differences"), default=0)
    findings = models.PositiveIntegerField(_("containers missing, unsealed or unlabelled"), default=0)
    hazard_key = models.CharField(_("hazard opened"), max_length=120, blank=True,
                                  help_text=_("The finding a controlled difference opened a hazard for."))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["cabinet", "status", "counted_on"], name="chem_count_cabinet_done")]
        constraints = [
            models.UniqueConstraint(fields=["cabinet"], condition=models.Q(status="open"),
                                    name="chemicals_one_open_count_per_cabinet"),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(counted_on__isnull=False,
                                                                    completed_at__isnull=False),
                name="chemicals_completed_count_has_date"),
        ]

    def __str__(self):
        return _("Stock count %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        """The count's number, also the `reference` of its adjustments."""
        return f"PD{self.pk:06d}" if self.pk else ""

    def get_absolute_url(self):
        return reverse("chemicals:count_detail", args=[self.pk])


class StockCountLine(models.Model):
    """One container on a count: what the books expected when the count started (in the
    container's unit), what was found, and its state; after completion the adjustment booked (or
    the two-person request it waits on)."""

    count = models.ForeignKey(StockCount, verbose_name=_("stock count"), on_delete=models.CASCADE,
                              related_name="lines")
    container = models.ForeignKey(Container, verbose_name=_("container"), on_delete=models.PROTECT,
                                  related_name="count_lines")
    expected = models.DecimalField(_("on the books"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES)
    found = models.DecimalField(_("found"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES, null=True,
                                blank=True)
    present = models.BooleanField(_("in the cabinet"), default=True)
    sealed = models.BooleanField(_("sealed"), default=True)
    labelled = models.BooleanField(_("labelled"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    counted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("counted by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    movement = models.ForeignKey(Movement, verbose_name=_("adjustment"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    pending_action = models.ForeignKey("generic.PendingAction", verbose_name=_("two-person confirmation"),
                                       null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stock count line")
        verbose_name_plural = _("stock count lines")
        ordering = ["count", "container__position", "container_id"]
        constraints = [
            models.UniqueConstraint(fields=["count", "container"], name="chemicals_count_line_unique"),
            models.CheckConstraint(condition=models.Q(expected__gte=0), name="chemicals_count_expected_gte0"),
            models.CheckConstraint(condition=models.Q(found__isnull=True) | models.Q(found__gte=0),
                                   name="chemicals_count_found_gte0"),
        ]

    def __str__(self):
        return f"{self.count} · #{self.container_id}"

    @property
    def difference(self) -> Decimal | None:
        return None if self.found is None else self.found - self.expected

    @property
    def problems(self) -> list[str]:
        out = []
        if not self.present:
            out.append(_("missing"))
        else:
            if not self.sealed:
                out.append(_("not sealed"))
            if not self.labelled:
                out.append(_("not labelled"))
        return [str(x) for x in out]


# -- expiry and disposal: deteriorated containers, waste contractors, disposal batches ----------------


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split(".") if p]
    return [".".join(parts[: i + 1]) + "." for i in range(len(parts))]


class ContractorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A bureau's contractors: its own staff and those above it see them, and so does every
        school below it (a school hands its waste only to a contractor its bureau keeps)."""
        from campaign_site.generic.scoping import scope_q, user_scope_paths

        paths = user_scope_paths(user)
        if paths is None:
            return self.all()
        above = sorted({p for path in paths for p in _ancestor_paths(path)})
        return self.filter(scope_q(user, "organisation__path") | models.Q(organisation__path__in=above))


class WasteContractor(OrganisationOwned):
    """A unit licensed to take lab hazardous waste (处置单位), kept by a bureau (district or city) for
    the schools below it. Its licence (危险废物经营许可证) is valid from one day to another."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=60)
    licence_scope = models.CharField(_("licensed scope"), max_length=500,
                                     help_text=_("The waste categories the licence covers, e.g. HW49 laboratory "
                                                 "waste"))
    licence_authority = models.CharField(_("issued by"), max_length=200)
    licence_valid_from = models.DateField(_("licence valid from"))
    licence_valid_until = models.DateField(_("licence valid until"), db_index=True)
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ContractorQuerySet.as_manager()

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("waste contractor")
        verbose_name_plural = _("waste contractors")
        ordering = ["organisation__name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "licence_number"],
                                    name="chemicals_contractor_licence_unique"),
            models.CheckConstraint(condition=models.Q(licence_valid_until__gte=models.F("licence_valid_from")),
                                   name="chemicals_contractor_licence_dates"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("chemicals:contractor_detail", args=[self.pk])

    def licence_valid_on(self, day) -> bool:
        return self.licence_valid_from <= day <= self.licence_valid_until


class Deterioration(OrganisationOwned):
    """A custodian found a container deteriorated (变质: discoloured, caked, leaking label ...): it is
    listed for scrap like an expired one."""

    container = models.OneToOneField(Container, verbose_name=_("container"), on_delete=models.PROTECT,
                                     related_name="deterioration")
    found_on = models.DateField(_("found on"))
    reason = models.CharField(_("what was found"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("deterioration")
        verbose_name_plural = _("deteriorations")
        ordering = ["-found_on", "pk"]

    def __str__(self):
        return f"{self.container} · {self.reason}"


class DisposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    HANDED_OVER = "handed_over", _("Handed over")
    CANCELLED = "cancelled", _("Cancelled")


_DS = "chemicals.disposal."
_DF = "chemicals.disposal_forms."
DISPOSAL_FLOW = Workflow(
    Transition("add_container", source=[DisposalStatus.DRAFT], label=_("Add a container"), icon="plus-lg",
               style="outline-primary", form=_DF + "DisposalContainerForm", service=_DS + "disposal_add_container",
               permission=_RP + "can_keep_disposal", done=_("The container is on the batch.")),
    Transition("add_waste", source=[DisposalStatus.DRAFT], label=_("Add lab waste"), icon="plus-lg",
               style="outline-primary", form=_DF + "DisposalWasteForm", service=_DS + "disposal_add_waste",
               permission=_RP + "can_keep_disposal", done=_("The waste is on the batch.")),
    Transition("remove_item", source=[DisposalStatus.DRAFT], label=_("Remove a line"), icon="dash-lg",
               style="outline-secondary", form=_DF + "DisposalRemoveForm", service=_DS + "disposal_remove_item",
               permission=_RP + "can_keep_disposal", done=_("The line was removed from the batch.")),
    Transition("hand_over", source=[DisposalStatus.DRAFT], target=DisposalStatus.HANDED_OVER,
               label=_("Hand over to the contractor"), style="success", icon="truck", confirm=True,
               service=_DS + "disposal_hand_over", permission=_RP + "can_keep_disposal",
               done=_("The batch was handed over: its containers are booked out as scrap.")),
    Transition("cancel", source=[DisposalStatus.DRAFT], target=DisposalStatus.CANCELLED, label=_("Cancel"),
               style="outline-danger", icon="x-lg", note_required=True, form=_RF + "RequisitionReasonForm",
               service=_DS + "disposal_cancel", permission=_RP + "can_keep_disposal",
               done=_("The batch was cancelled.")),
    subject="batch",
)


class DisposalBatch(OrganisationOwned):
    """Containers and lab waste a school hands to a licensed contractor on one day, with the
    transfer manifest number (危险废物转移联单号). On hand-over the contractor's licence as it stood is
    copied onto the batch; the database refuses a handed-over batch whose copied licence does not
    cover the hand-over date."""

    contractor = models.ForeignKey(WasteContractor, verbose_name=_("contractor"), on_delete=models.PROTECT,
                                   related_name="batches")
    handover_on = models.DateField(_("hand-over date"))
    manifest_number = models.CharField(_("transfer manifest number (转移联单号)"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DisposalStatus.choices,
                              default=DisposalStatus.DRAFT, db_index=True)
    licence_number = models.CharField(_("licence number at hand-over"), max_length=60, blank=True)
    licence_valid_from = models.DateField(_("licence valid from"), null=True, blank=True)
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    handed_over_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(OrganisationOwned.Meta):
        verbose_name = _("disposal batch")
        verbose_name_plural = _("disposal batches")
        ordering = ["-handover_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["manifest_number"], condition=~models.Q(manifest_number=""),
                                    name="chemicals_disposal_manifest_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="handed_over") | models.Q(
                    ~models.Q(manifest_number=""), licence_valid_from__lte=models.F("handover_on"),
                    licence_valid_until__gte=models.F("handover_on")),
                name="chemicals_disposal_licence_valid_on_handover",
            ),
        ]

    def __str__(self):
        return _("Disposal batch %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"CZ{self.pk:06d}" if self.pk else ""

    def get_absolute_url(self):
        return reverse("chemicals:disposal_detail", args=[self.pk])


class DisposalItem(models.Model):
    """One line of a batch: a container on the books (its remaining quantity is booked out as scrap
    on hand-over), or lab waste that never was on the books (waste liquid, contaminated packaging)."""

    batch = models.ForeignKey(DisposalBatch, verbose_name=_("disposal batch"), on_delete=models.CASCADE,
                              related_name="items")
    container = models.ForeignKey(Container, verbose_name=_("container"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="disposal_items")
    description = models.CharField(_("waste"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=QUANTITY_DIGITS, decimal_places=QUANTITY_PLACES,
                                   null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=4, choices=Unit.choices, blank=True)
    movement = models.ForeignKey(Movement, verbose_name=_("movement"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    pending_action = models.ForeignKey("generic.PendingAction", verbose_name=_("two-person confirmation"),
                                       null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disposal line")
        verbose_name_plural = _("disposal lines")
        ordering = ["batch", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(container__isnull=False)
                | models.Q(~models.Q(description=""), quantity__gt=0),
                name="chemicals_disposal_item_container_or_waste",
            ),
        ]

    def __str__(self):
        if self.container_id:
            return str(self.container)
        return f"{self.description} {format_quantity(self.quantity)} {self.unit}"
