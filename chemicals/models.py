"""Hazardous chemicals in school labs.

The catalogue (`Chemical`) is national reference data, the same for every school: any logged-in
user may read it, only the administrator and the bureau's list uploads change it. Everything a
school keeps (rooms, cabinets, containers, the ledger) is owned by that school and scoped.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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


CONTROLLED_Q = (
    models.Q(highly_toxic=True) | models.Q(explosive_precursor=True) | models.Q(drug_precursor_category__isnull=False)
    | models.Q(flammable=True) | models.Q(explosive=True)
)


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
