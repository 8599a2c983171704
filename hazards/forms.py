"""Forms of the hazards app (declarations: the rules are in services.py)."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Department, Organisation, Person, User
from campaign_site.campaigns.models import Campaign, CheckItem, FocusArea
from campaign_site.generic.forms import DateInput, ScopedForm, ScopedFormMixin, ScopedModelForm, UploadField

from .models import (
    AccountabilityRecord,
    Hazard,
    HazardLevel,
    InspectionKind,
    InspectionSchedule,
    ItemResult,
)


class MultiplePhotoInput(forms.ClearableFileInput):
    """`<input type=file multiple accept="image/*" capture="environment">`: the phone opens its camera."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        base = {"accept": "image/*", "capture": "environment"}
        base.update(attrs or {})
        super().__init__(base)


class PhotosField(UploadField):
    """Photos checked and reduced while the form is cleaned, before the service's transaction."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault("widget", MultiplePhotoInput())
        super().__init__(images_only=True, multiple=True, **kwargs)


def _school_choices(user):
    return Organisation.objects.schools().visible_to(user).filter(is_active=True)


def _focus_areas(user):
    campaigns = Campaign.objects.visible_to(user).live()
    return FocusArea.objects.filter(campaign__in=campaigns).select_related("campaign").order_by(
        "-campaign__start", "order")


class HazardFieldsMixin:
    """Narrows the people/department choices to the hazard's school once it is known (used with
    ScopedModelForm, which keeps them within what the user sees)."""

    def scope_to_school(self, school):
        if school is None:
            return
        for name in ("responsible_person", "watcher", "found_by"):
            if name in self.fields:
                self.fields[name].queryset = Person.objects.filter(organisation__path__startswith=school.path)
        if "responsible_department" in self.fields:
            self.fields["responsible_department"].queryset = Department.objects.filter(organisation=school)


class HazardForm(HazardFieldsMixin, ScopedModelForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("School"))
    photos = PhotosField(help_text=_("Take or choose photos of the hazard."))

    class Meta:
        model = Hazard
        fields = ["organisation", "title", "location", "level", "focus_area", "found_on", "deadline",
                  "description", "measures", "responsible_department", "responsible_person", "funds",
                  "interim_measures", "watcher"]
        widgets = {
            "found_on": DateInput(), "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}), "measures": forms.Textarea(attrs={"rows": 2}),
            "interim_measures": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "interim_measures": _("For a major hazard: what keeps people safe until it is fixed."),
            "watcher": _("For a major hazard: the person who keeps watch (明确专人盯防)."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        schools = _school_choices(user)
        self.fields["organisation"].queryset = schools
        self.fields["focus_area"].queryset = _focus_areas(user)
        self.fields["focus_area"].label_from_instance = lambda a: f"{a.campaign.label} · {a.label}"
        today = timezone.localdate()
        self.fields["found_on"].initial = today
        self.fields["deadline"].initial = today + timezone.timedelta(days=7)
        school = None
        if self.is_bound:
            school = schools.filter(pk=self.data.get("organisation") or 0).first()
        else:
            only = list(schools[:2])
            if len(only) == 1:
                school = only[0]
                self.fields["organisation"].initial = school
        # Without a school yet, the people offered are those the user sees (already scoped).
        self.scope_to_school(school)


class HazardEditForm(HazardFieldsMixin, ScopedModelForm):
    class Meta:
        model = Hazard
        fields = ["title", "location", "level", "focus_area", "deadline", "description", "measures",
                  "responsible_department", "responsible_person", "funds", "interim_measures", "watcher",
                  "cause_analysis"]
        widgets = {
            "deadline": DateInput(),
            "description": forms.Textarea(attrs={"rows": 2}), "measures": forms.Textarea(attrs={"rows": 2}),
            "interim_measures": forms.Textarea(attrs={"rows": 2}), "cause_analysis": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["focus_area"].queryset = _focus_areas(user) | FocusArea.objects.filter(
            pk=self.instance.focus_area_id or 0)
        self.scope_to_school(self.instance.organisation)
        if self.instance.level == HazardLevel.MAJOR:
            # Lowering a major hazard is the bureau's decision (hazard_update refuses it too).
            self.fields["level"].disabled = True
            self.fields["level"].help_text = _("Only the bureau can lower a major hazard: use “Propose lowering "
                                               "to general” on the hazard's page.")


# Steps of the closed loop -------------------------------------------------------------------


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RectifyForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    cause_analysis = forms.CharField(label=_("Cause analysis"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}),
                                     help_text=_("Required for a recurring hazard before it can be closed."))
    photos = PhotosField(label=_("Photos after rectification"))


class ReinspectForm(forms.Form):
    result = forms.ChoiceField(label=_("Re-inspection result"), widget=forms.RadioSelect,
                               choices=[("pass", _("Passed: the hazard is fixed")),
                                        ("fail", _("Failed: rectify again"))])
    note = forms.CharField(label=_("Finding / reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self):
        return {"passed": self.cleaned_data["result"] == "pass", "note": self.cleaned_data["note"]}


class DelistForm(forms.Form):
    result = forms.ChoiceField(label=_("Bureau re-inspection"), widget=forms.RadioSelect,
                               choices=[("pass", _("Passed: delist and close")),
                                        ("fail", _("Failed: rectify again"))])
    note = forms.CharField(label=_("Finding / reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self):
        return {"passed": self.cleaned_data["result"] == "pass", "note": self.cleaned_data["note"]}


class ListingForm(ScopedForm):
    measure = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("Owner"), max_length=120)
    funds = forms.CharField(label=_("Funds"), max_length=120)
    bureau_deadline = forms.DateField(label=_("Bureau deadline"), widget=DateInput())
    contingency_plan = forms.CharField(label=_("Contingency plan"), widget=forms.Textarea(attrs={"rows": 2}))
    interim_measures = forms.CharField(label=_("Interim control measures"), widget=forms.Textarea(attrs={"rows": 2}))
    watcher = forms.ModelChoiceField(label=_("Watcher"), queryset=Person.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, obj=None, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        hazard = obj
        if hazard is not None:
            self.fields["watcher"].queryset = Person.objects.filter(organisation=hazard.organisation)
            self.fields["interim_measures"].initial = hazard.interim_measures
            self.fields["watcher"].initial = hazard.watcher_id
            self.fields["bureau_deadline"].initial = hazard.deadline


class LevelProposalForm(forms.Form):
    note = forms.CharField(label=_("Why is it no longer a major hazard?"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("The bureau decides and may re-inspect; until then the hazard stays major."))


class LevelDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("lower", _("Lower to a general hazard")), ("keep", _("Keep it major"))])
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Recorded on the hazard's timeline; the school is told."))

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)
        if obj is not None and obj.level_proposed_at is None:
            # Without the school's proposal there is nothing to refuse: the bureau lowers it or leaves the page.
            self.fields["decision"].choices = self.fields["decision"].choices[:1]
            self.fields["decision"].initial = "lower"

    def service_kwargs(self):
        return {"lower": self.cleaned_data["decision"] == "lower", "note": self.cleaned_data["note"]}


class BureauDeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("Bureau deadline"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# Inspections --------------------------------------------------------------------------------


class InspectionForm(ScopedFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("School"))
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    planned_for = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    focus_areas = forms.ModelMultipleChoiceField(
        label=_("Focus areas (their check items become the checklist)"), required=False,
        queryset=FocusArea.objects.none(), widget=forms.CheckboxSelectMultiple)
    leader = forms.ModelChoiceField(label=_("Led by"), required=False, queryset=User.objects.none(),
                                    help_text=_("Leader-led inspections: the principal or other leader."))
    participants = forms.CharField(label=_("Participants"), max_length=300, required=False)
    extra_items = forms.CharField(
        label=_("Other check items (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For an ad-hoc inspection, or to add to the campaign's items."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organisation"].queryset = _school_choices(user)
        self.fields["focus_areas"].queryset = _focus_areas(user)
        self.fields["focus_areas"].label_from_instance = lambda a: f"{a.campaign.label} · {a.label}"
        from campaign_site.accounts.permissions import LEADER_ROLES

        self.fields["leader"].queryset = User.objects.filter(
            memberships__role__in=list(LEADER_ROLES), memberships__is_active=True,
            memberships__organisation__in=_school_choices(user)).distinct()
        only = list(self.fields["organisation"].queryset[:2])
        if len(only) == 1:
            self.fields["organisation"].initial = only[0]

    def clean_extra_items(self):
        return [line.strip() for line in self.cleaned_data["extra_items"].splitlines() if line.strip()]


class ItemResultForm(ScopedForm):
    item = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(label=_("Result"), widget=forms.RadioSelect,
                               choices=[(ItemResult.PASS, ItemResult.PASS.label), (ItemResult.FAIL, ItemResult.FAIL.label),
                                        (ItemResult.NA, ItemResult.NA.label)])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = PhotosField()
    open_hazard = forms.BooleanField(label=_("Register a hazard for this failed item"), required=False)
    hazard_title = forms.CharField(label=_("Hazard"), max_length=200, required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL,
                              required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput(), required=False)
    measures = forms.CharField(label=_("Rectification measures"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    responsible_person = forms.ModelChoiceField(label=_("Responsible person"), required=False,
                                                queryset=Person.objects.none())

    def __init__(self, *args, inspection=None, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.inspection = inspection
        if inspection is not None:
            self.fields["responsible_person"].queryset = Person.objects.filter(organisation=inspection.organisation)
            self.fields["deadline"].initial = timezone.localdate() + timezone.timedelta(days=7)

    def clean(self):
        data = super().clean()
        if data.get("open_hazard"):
            if data.get("result") != ItemResult.FAIL:
                self.add_error("open_hazard", _("Only a failed item opens a hazard."))
            for name in ("location", "deadline"):
                if not data.get(name):
                    self.add_error(name, _("Required to register the hazard."))
        return data

    def clean_item(self):
        pk = self.cleaned_data["item"]
        item = self.inspection.items.filter(pk=pk).first() if self.inspection is not None else None
        if item is None:
            raise forms.ValidationError(_("This check item is not part of the inspection."))
        return item

    def service_kwargs(self) -> dict:
        """What inspection_record takes (the "record" step of INSPECTION_FLOW)."""
        data = self.cleaned_data
        item = data["item"]
        return {"item": item, "result": data["result"], "note": data["note"], "photos": data["photos"],
                "hazard": self.hazard_values(item)}

    def hazard_values(self, item):
        data = self.cleaned_data
        if not data.get("open_hazard"):
            return None
        return {
            "title": (data.get("hazard_title") or item.text)[:200],
            "location": data["location"],
            "deadline": data["deadline"],
            "level": data.get("level") or HazardLevel.GENERAL,
            "measures": data.get("measures") or "",
            "responsible_person": data.get("responsible_person"),
            "description": data.get("note") or "",
        }


class AddItemForm(forms.Form):
    text = forms.CharField(label=_("Check item"), widget=forms.Textarea(attrs={"rows": 2}))


class CompleteForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ScheduleForm(ScopedFormMixin, forms.ModelForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("School"))

    class Meta:
        model = InspectionSchedule
        fields = ["organisation", "title", "kind", "frequency", "next_due", "focus_areas", "assignee"]
        widgets = {"next_due": DateInput(), "focus_areas": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["organisation"].queryset = _school_choices(user)
        self.fields["focus_areas"].queryset = _focus_areas(user)
        self.fields["focus_areas"].label_from_instance = lambda a: f"{a.campaign.label} · {a.label}"
        self.fields["kind"].choices = [(k, v) for k, v in InspectionKind.choices
                                       if k not in (InspectionKind.BUREAU, InspectionKind.UNANNOUNCED)]
        self.fields["assignee"].queryset = User.objects.filter(
            memberships__organisation__in=_school_choices(user), memberships__is_active=True).distinct()
        only = list(self.fields["organisation"].queryset[:2])
        if len(only) == 1:
            self.fields["organisation"].initial = only[0]


# Accountability -----------------------------------------------------------------------------


class AccountabilityForm(ScopedFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Organisation"))
    person_name = forms.CharField(label=_("Person"), max_length=60, required=False)
    department_name = forms.CharField(label=_("Department"), max_length=60, required=False,
                                      help_text=_("A department of the organisation chosen above."))
    hazard_numbers = forms.CharField(label=_("Related hazards"), required=False,
                                     help_text=_("Hazard numbers, separated by commas or spaces."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.CharField(label=_("Measure taken"), widget=forms.Textarea(attrs={"rows": 2}))
    decided_on = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    decided_by = forms.CharField(label=_("Decided by"), max_length=120)
    made_public = forms.BooleanField(label=_("Exposed in a circular"), required=False)

    def __init__(self, *args, user=None, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", {
                "organisation": instance.organisation_id, "person_name": instance.person.name if instance.person else "",
                "department_name": instance.department.name if instance.department else "",
                "hazard_numbers": " ".join(h.number for h in instance.hazards.all()),
                "reason": instance.reason, "measure": instance.measure, "decided_on": instance.decided_on,
                "decided_by": instance.decided_by, "made_public": instance.made_public,
            })
        super().__init__(*args, user=user, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.visible_to(user)
        if instance is not None:
            self.fields["organisation"].disabled = True

    def clean(self):
        data = super().clean()
        org = data.get("organisation") or (self.instance.organisation if self.instance else None)
        if org is None:
            return data
        person_name = (data.get("person_name") or "").strip()
        dept_name = (data.get("department_name") or "").strip()
        if not person_name and not dept_name:
            raise forms.ValidationError(_("Name the person or the department held to account."))
        data["department"] = None
        if dept_name:
            dept = Department.objects.filter(organisation=org, name=dept_name).first()
            if dept is None:
                self.add_error("department_name", _("%(org)s has no department “%(name)s”.")
                               % {"org": org, "name": dept_name})
            data["department"] = dept
        data["person"] = None
        if person_name:
            data["person"] = Person.objects.filter(organisation__path__startswith=org.path, name=person_name) \
                .order_by("pk").first()
            data["new_person_name"] = person_name if data["person"] is None else ""
        numbers = [n for n in data.get("hazard_numbers", "").replace(",", " ").replace("，", " ").split() if n]
        hazards = list(Hazard.objects.visible_to(self.user).filter(number__in=numbers,
                                                                   organisation__path__startswith=org.path))
        missing = sorted(set(numbers) - {h.number for h in hazards})
        if missing:
            self.add_error("hazard_numbers", _("Unknown hazard numbers: %(numbers)s") % {"numbers": ", ".join(missing)})
        data["hazards"] = hazards
        return data


__all__ = ["HazardForm", "HazardEditForm", "CheckItem", "AccountabilityRecord"]
