"""The national lists that flag chemicals: 剧毒 (highly toxic), 易制爆 (explosive precursors), 易制毒
(drug precursors, categories 1–3).

One importer serves the command `manage.py load_chemical_list FILE --flag ...` and the bureau's
upload page (generic import view: upload, preview with row errors, confirm). A list is the whole
current edition for its flag: every chemical in the file gets the flag (added to the catalogue
when new), every chemical flagged before but no longer in the file loses it. All rows or none.
"""
from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign_site.accounts.models import OrgKind
from campaign_site.accounts.permissions import BUREAU_MANAGER_ROLES
from campaign_site.generic.errors import DomainError
from campaign_site.generic.excel import CellError, Column
from campaign_site.generic.importing import Importer

from .cas import cas_error, normalize_cas
from .models import Chemical, DrugPrecursorCategory, ListFlag

LIST_COLUMNS = [
    Column("number", "序号", aliases=("number", "编号"), required=False),
    Column("name", "品名", aliases=("name", "名称", "化学品名称")),
    Column("alias", "别名", aliases=("alias", "aliases"), required=False),
    Column("cas", "CAS号", aliases=("cas", "CAS", "CAS No.", "CAS编号")),
    Column("category", "类别", aliases=("category", "分类"), required=False),
    Column("note", "备注", aliases=("note", "hazard_note", "说明"), required=False),
]


def can_load_lists(user) -> bool:
    """The administrator and a bureau's safety staff load national lists."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.memberships.filter(is_active=True, role__in=list(BUREAU_MANAGER_ROLES)) \
        .exclude(organisation__kind=OrgKind.SCHOOL).exists()


class ListOptionsForm(forms.Form):
    flag = forms.ChoiceField(label=gettext_lazy("List"), choices=ListFlag.choices)
    category = forms.TypedChoiceField(
        label=gettext_lazy("Drug precursor category"), required=False, coerce=int, empty_value=None,
        choices=[("", gettext_lazy("From the file's 类别 column"))] + list(DrugPrecursorCategory.choices),
        help_text=gettext_lazy("Only for a drug-precursor list without a 类别 column: the category of every row."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def chemical_list_apply(*, flag: str, entries: list[dict], category: int | None = None, actor=None) -> dict:
    """Set `flag` on every chemical of `entries` and clear it on those flagged before but not listed.

    `entries`: dicts with name, alias, cas ("" when the list gives none), note and, for drug
    precursors, category (1–3). Returns counts: flagged, added, unchanged, cleared. Raises DomainError.
    """
    if flag not in ListFlag.values:
        raise DomainError(_("Unknown list “%(flag)s”: use highly_toxic, explosive_precursor or drug_precursor.")
                          % {"flag": flag})
    if not entries:
        raise DomainError(_("The list is empty."))
    drug = flag == ListFlag.DRUG_PRECURSOR
    counts = {"flagged": 0, "added": 0, "unchanged": 0, "cleared": 0}
    reason = _("National list loaded: %(list)s") % {"list": ListFlag(flag).label}
    seen: set[int] = set()
    with transaction.atomic():
        by_cas = {c.cas: c for c in Chemical.objects.select_for_update().filter(
            cas__in=[e["cas"] for e in entries if e["cas"]])}
        for entry in entries:
            value = (entry.get("category") or category) if drug else True
            if drug and value not in DrugPrecursorCategory.values:
                raise DomainError(_("“%(name)s” has no drug-precursor category: give the 类别 column or "
                                    "--category 1, 2 or 3.") % {"name": entry["name"]})
            chem = by_cas.get(entry["cas"]) if entry["cas"] else \
                Chemical.objects.filter(cas__isnull=True, name_zh=entry["name"]).first()
            field = "drug_precursor_category" if drug else flag
            if chem is None:
                chem = Chemical(name_zh=entry["name"], aliases=entry.get("alias", "")[:500],
                                cas=entry["cas"] or None, note=entry.get("note", "")[:300], **{field: value})
                chem._change_reason = reason
                chem._history_user = actor
                chem.save()
                if chem.cas:
                    by_cas[chem.cas] = chem
                counts["added"] += 1
            elif getattr(chem, field) == value:
                counts["unchanged"] += 1
            else:
                setattr(chem, field, value)
                chem._change_reason = reason
                chem._history_user = actor
                chem.save(update_fields=[field])
                counts["flagged"] += 1
            seen.add(chem.pk)
        stale = Chemical.objects.select_for_update().exclude(pk__in=seen)
        if drug:
            stale = stale.filter(drug_precursor_category__isnull=False)
            if category:
                stale = stale.filter(drug_precursor_category=category)
        else:
            stale = stale.filter(**{flag: True})
        for chem in stale:
            if drug:
                chem.drug_precursor_category = None
            else:
                setattr(chem, flag, False)
            chem._change_reason = reason
            chem._history_user = actor
            chem.save(update_fields=["drug_precursor_category" if drug else flag])
            counts["cleared"] += 1
    return counts


class ChemicalListImporter(Importer):
    columns = LIST_COLUMNS
    title = gettext_lazy("Load a national chemical list")
    template_filename = "national_chemical_list"
    example_rows = [[1, "硝酸", "", "7697-37-2", "", "氧化性液体，类别3"]]
    options_form_class = ListOptionsForm
    max_rows = 5000

    counts: dict | None = None

    @classmethod
    def can_import(cls, user) -> bool:
        return can_load_lists(user)

    def parse_number(self, value):
        return _text(value)

    def parse_name(self, value):
        text = _text(value)
        if not text:
            raise CellError(_("the name must be filled in"))
        return text[:200]

    def parse_alias(self, value):
        return _text(value)

    def parse_note(self, value):
        return _text(value)

    def parse_cas(self, value):
        text = normalize_cas(_text(value))
        if not text:
            return ""
        message = cas_error(text)
        if message:
            raise CellError(message)
        return text

    def parse_category(self, value):
        text = _text(value)
        if not text:
            return None
        text = text.replace("第", "").replace("类", "")
        mapping = {"1": 1, "2": 2, "3": 3, "一": 1, "二": 2, "三": 3, "1.0": 1, "2.0": 2, "3.0": 3}
        if text not in mapping:
            raise CellError(_("the category is 1, 2 or 3"))
        return mapping[text]

    def clean_row(self, cleaned):
        if self.options.get("flag") == ListFlag.DRUG_PRECURSOR and not (cleaned.get("category")
                                                                       or self.options.get("category")):
            raise CellError(_("no drug-precursor category: fill in the 类别 column or choose the category"))
        return cleaned

    def check_rows(self, rows):
        seen = {}
        for row in rows:
            if row.errors or not row.cleaned or not row.cleaned["cas"]:
                continue
            cas = row.cleaned["cas"]
            if cas in seen:
                row.errors.append(_("CAS number %(cas)s is already on row %(row)s") % {"cas": cas, "row": seen[cas]})
            else:
                seen[cas] = row.number

    def save(self, rows):
        self.counts = chemical_list_apply(flag=self.options.get("flag"), entries=rows,
                                          category=self.options.get("category") or None, actor=self.user)
        return len(rows)
