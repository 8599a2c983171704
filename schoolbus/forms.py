"""Forms of the school bus records (declarations: the rules are in services.py)."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaign_site.accounts.models import Organisation, Person
from campaign_site.generic.forms import DateInput, ScopedModelForm, UploadField

from . import permissions
from .gps import Datum
from .models import (
    Driver,
    Escort,
    GateSlot,
    HiredCoach,
    HireEvent,
    Rider,
    Route,
    RouteStop,
    SpeedZone,
    Trip,
    Vehicle,
    VehicleStatus,
)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class SchoolFieldMixin:
    """A "school" choice on create forms: the schools whose bus records the user keeps
    (one school: chosen for them)."""

    def add_school_field(self):
        schools = permissions.schools_managed_by(self.user) if self.user is not None else Organisation.objects.none()
        field = forms.ModelChoiceField(queryset=schools, label=_("School"), empty_label=None)
        self.fields = {"organisation": field, **self.fields}
        if len(schools) == 1:
            field.widget = forms.HiddenInput()
            field.initial = schools[0].pk


DATE_WIDGETS = {name: DateInput() for name in (
    "registered_on", "permit_valid_until", "inspected_on", "insurance_valid_until", "birth_date", "licence_since",
    "endorsement_valid_until", "health_checked_on", "records_checked_on", "trained_on", "training_valid_until",
    "date")}


class VehicleForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = Vehicle
        fields = ["plate", "operator", "make_model", "seats", "meets_standard", "is_assembled", "registered_on",
                  "permit_number", "permit_office", "permit_route", "permit_valid_until", "inspected_on", "insurer",
                  "insurance_valid_until", "escape_hammer", "extinguisher", "first_aid_kit", "satellite_locator",
                  "status"]
        widgets = DATE_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.add_school_field()
        elif self.instance.status == VehicleStatus.SCRAPPED:
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _("A scrapped vehicle stays scrapped.")


class DriverForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = Driver
        fields = ["name", "id_number", "phone", "birth_date", "licence_class", "licence_since",
                  "endorsement_valid_until", "health_checked_on", "records_checked_on", "full_point_cycles",
                  "serious_accident", "drink_driving", "overload_speeding_last_year", "criminal_record", "is_active"]
        widgets = DATE_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.add_school_field()


class EscortForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = Escort
        fields = ["name", "phone", "trained_on", "training_valid_until", "is_active"]
        widgets = DATE_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.add_school_field()


class RouteForm(SchoolFieldMixin, ScopedModelForm):
    track_text = forms.CharField(
        label=_("Approved track"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One “longitude,latitude” (WGS-84) per line, in driving order."))

    class Meta:
        model = Route
        fields = ["name", "speed_limit", "tolerance_m", "grace_seconds", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.add_school_field()
        elif self.instance.track:
            self.fields["track_text"].initial = "\n".join(f"{lon},{lat}" for lon, lat in self.instance.track)


class StopForm(forms.ModelForm):
    class Meta:
        model = RouteStop
        fields = ["order", "name", "longitude", "latitude", "morning_time", "afternoon_time"]
        widgets = {"morning_time": TimeInput(), "afternoon_time": TimeInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False


class ZoneForm(forms.ModelForm):
    class Meta:
        model = SpeedZone
        fields = ["name", "kind", "longitude", "latitude", "radius_m", "limit"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class RiderForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = Rider
        fields = ["name", "grade_class", "route", "stop", "guardian_name", "guardian_phone", "id_number",
                  "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stop"].queryset = RouteStop.objects.visible_to(self.user).select_related("route") \
            if self.user is not None else RouteStop.objects.none()
        if self.instance.pk is None:
            self.add_school_field()
        else:
            # Full values are never put into a page: leave empty to keep the stored one.
            for name in ("guardian_phone", "id_number"):
                self.fields[name].required = False
                self.fields[name].help_text = _("Leave empty to keep the number on file.")
                self.initial[name] = ""


class TripForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = Trip
        fields = ["date", "run", "route", "vehicle", "driver", "escort", "boarded", "alighted", "departed_at",
                  "arrived_at", "pre_trip_check", "check_note", "adverse_weather"]
        widgets = {**DATE_WIDGETS, "departed_at": TimeInput(), "arrived_at": TimeInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vehicle"].queryset = self.fields["vehicle"].queryset.exclude(status=VehicleStatus.SCRAPPED)
        self.fields["driver"].queryset = self.fields["driver"].queryset.filter(is_active=True)
        self.fields["escort"].queryset = self.fields["escort"].queryset.filter(is_active=True)
        if self.instance.pk is None:
            self.fields["date"].initial = timezone.localdate()
            self.add_school_field()


class TrackUploadForm(forms.Form):
    file = forms.FileField(label=_("GPS export (.xlsx or CSV)"))
    datum = forms.ChoiceField(label=_("Coordinates"), choices=Datum.CHOICES, initial=Datum.WGS84,
                              help_text=_("GCJ-02 is what Chinese map services use; it is converted to WGS-84."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class HireEventForm(SchoolFieldMixin, ScopedModelForm):
    class Meta:
        model = HireEvent
        fields = ["title", "event_date", "destination", "pupils", "company", "company_licence",
                  "company_licence_valid_until"]
        widgets = {"event_date": DateInput(), "company_licence_valid_until": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.add_school_field()


class HiredCoachForm(forms.ModelForm):
    class Meta:
        model = HiredCoach
        fields = ["plate", "seats", "transport_permit_valid_until", "inspection_valid_until", "insurance_valid_until",
                  "condition_ok", "driver_name", "driver_licence_class", "driver_licence_valid_until",
                  "driver_records_clean"]
        widgets = {name: DateInput() for name in ("transport_permit_valid_until", "inspection_valid_until",
                                                  "insurance_valid_until", "driver_licence_valid_until")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


# Gate duty and reports of unlicensed vehicles ---------------------------------------------------


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)


def _school_choice(form, schools):
    field = forms.ModelChoiceField(queryset=schools, label=_("School"), empty_label=None)
    form.fields = {"organisation": field, **form.fields}
    if len(schools) == 1:
        field.widget = forms.HiddenInput()
        field.initial = schools[0].pk


class GateRosterForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("On duty"),
                                    help_text=_("A school leader or duty officer from the staff list."))
    slot = forms.ChoiceField(label=_("Slot"), choices=GateSlot.choices)
    first_date = forms.DateField(label=_("First day"), widget=DateInput())
    last_date = forms.DateField(label=_("Last day"), widget=DateInput(), required=False,
                                help_text=_("Empty for the first day only."))
    weekdays_only = forms.BooleanField(label=_("School days only (Monday to Friday)"), required=False, initial=True)
    starts_at = forms.TimeField(label=_("From"), widget=TimeInput(), required=False,
                                help_text=_("Empty: 07:00 for arrival, 16:30 for dismissal."))
    ends_at = forms.TimeField(label=_("To"), widget=TimeInput(), required=False,
                              help_text=_("Empty: 08:00 for arrival, 17:30 for dismissal."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        schools = permissions.schools_rostered_by(user) if user is not None else Organisation.objects.none()
        _school_choice(self, schools)
        self.fields["person"].queryset = Person.objects.filter(organisation__in=schools).order_by("organisation",
                                                                                                   "name")
        self.fields["first_date"].initial = timezone.localdate()


class GateSignInForm(forms.Form):
    reason = forms.CharField(label=_("Reason for signing in on their behalf"), max_length=200, required=False)


class VehicleReportForm(forms.Form):
    plate = forms.CharField(label=_("Plate number"), max_length=16,
                            help_text=_("As read; write “unknown” when it could not be read."))
    vehicle_description = forms.CharField(label=_("Vehicle"), max_length=120, required=False,
                                          help_text=_("Kind, colour, make (e.g. white minivan)."))
    seen_at = forms.DateTimeField(label=_("Seen at"), widget=DateTimeInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    pupils_seen = forms.IntegerField(label=_("Pupils seen"), min_value=1, max_value=200)
    note = forms.CharField(label=_("What was seen"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = UploadField(label=_("Photo"), images_only=True, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        _school_choice(self, permissions.schools_reporting(user) if user is not None
                       else Organisation.objects.none())
        self.fields["seen_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
