"""Forms: they check the shape of input; rules that involve other rows live in services."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from civic.core.filters import FilterForm
from civic.core.forms import (
    CheckboxesField,
    DateField,
    DateTimeField,
    ImageField,
    LatitudeField,
    LongitudeField,
    PhotoAltField,
    ThemesField,
    validate_plausible_date,
)
from civic.core.models import Theme
from civic.organizations.models import Organization
from civic.places.models import City
from events import services
from events.models import (
    MAX_EVENT_LENGTH,
    SPOKEN_LANGUAGES,
    BoardCategory,
    BoardKind,
    CommunityBoardEntry,
    Event,
    EventKind,
    EventSeries,
)
from events.services import MAX_GUESTS

LOCAL_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventForm(forms.ModelForm):
    """Create or edit an event. Start and end are typed in the city's local time."""

    starts_at = DateTimeField(label=_("Starts at (local time of the city)"), widget=LOCAL_DT)
    ends_at = DateTimeField(label=_("Ends at (local time of the city)"), widget=LOCAL_DT)
    languages = CheckboxesField(label=_("Languages spoken"), choices=SPOKEN_LANGUAGES)
    themes = ThemesField(label=_("Themes"))
    repeat = forms.ChoiceField(
        label=_("Repeat"),
        choices=[("", _("Does not repeat")), *EventSeries.Frequency.choices],
        required=False,
    )
    until = DateField(label=_("Repeat until"), required=False, widget=DATE)
    exceptions = forms.CharField(
        label=_("Skip these dates"),
        required=False,
        help_text=_("Dates separated by commas, for example 2026-12-24, 2026-12-31."),
    )

    class Meta:
        model = Event
        # The fields the service accepts (``services.EVENT_FIELDS``), the themes after the languages.
        fields = [
            f
            for name in services.EVENT_FIELDS
            for f in ((name, "themes") if name == "languages" else (name,))
        ]

    def __init__(self, *args, user=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.active()
        if user is not None and not user.is_staff:
            self.fields["organization"].queryset = Organization.objects.of_member(user)
        if editing:
            for name in ("repeat", "until", "exceptions"):
                del self.fields[name]
            if self.instance.pk:
                self.initial["starts_at"] = self.instance.local_start.replace(tzinfo=None)
                self.initial["ends_at"] = self.instance.local_end.replace(tzinfo=None)

    def clean_exceptions(self) -> list[date]:
        raw = self.cleaned_data.get("exceptions") or ""
        out = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                day = date.fromisoformat(part)
            except ValueError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a date (use YYYY-MM-DD)."), params={"value": part}
                ) from None
            validate_plausible_date(day)
            out.append(day)
        return out

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        elif (
            data.get("starts_at")
            and data.get("ends_at")
            and data["ends_at"] - data["starts_at"] > MAX_EVENT_LENGTH
        ):
            self.add_error("ends_at", services.too_long_message())
        if data.get("is_online") and not data.get("online_url"):
            self.add_error("online_url", _("Give the link people use to join online."))
        if not data.get("is_online") and not data.get("place_name"):
            self.add_error("place_name", _("Say where it takes place, or tick “online”."))
        if data.get("repeat") and not data.get("until"):
            self.add_error("until", _("Say until when the event repeats."))
        return data

    def _post_clean(self):
        # Model validation happens in the service, with the times converted to the city's timezone.
        pass


class RSVPForm(forms.Form):
    guests = forms.TypedChoiceField(
        label=_("Guests coming with you"),
        choices=[(n, str(n)) for n in range(MAX_GUESTS + 1)],
        coerce=int,
        initial=0,
        required=False,
        empty_value=0,
    )


class MessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class ReportForm(forms.Form):
    people_count = forms.IntegerField(label=_("Number of people"), min_value=0, max_value=100000)
    text = forms.CharField(
        label=_("What was done"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown is allowed."),
    )
    photo1 = ImageField(label=_("Photo"), required=False)
    photo1_alt = PhotoAltField(help_text=_("What the photo shows, for people who cannot see it."))
    photo2 = ImageField(label=_("Another photo"), required=False)
    photo2_alt = PhotoAltField()
    photo3 = ImageField(label=_("Another photo"), required=False)
    photo3_alt = PhotoAltField()

    def photos(self) -> list:
        """``(upload, alt)`` for each photo given."""
        data = self.cleaned_data
        return [(data[k], data.get(f"{k}_alt", "")) for k in ("photo1", "photo2", "photo3") if data.get(k)]


class BoardEntryForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("Need or offer"), choices=BoardKind.choices, widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("What"), choices=BoardCategory.choices)

    class Meta:
        model = CommunityBoardEntry
        fields = ["kind", "category", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 5})}


class BoardReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your private message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000
    )
    recipient = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditionForm(forms.Form):
    """A shaker registers a city edition; the start is the local time in that city, on the day."""

    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.active())
    place_name = forms.CharField(label=_("Place"), max_length=200, help_text=_("Name and address."))
    starts_at = DateTimeField(label=_("Starts at (local time of the city)"), widget=LOCAL_DT)
    capacity = forms.IntegerField(
        label=_("Capacity"), min_value=1, required=False, help_text=_("Leave empty for no limit.")
    )
    initiative = forms.ModelChoiceField(label=_("Initiative you replicate"), queryset=None, required=False)

    def __init__(self, *args, day, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = day.featured.all()
        self.initial.setdefault("starts_at", f"{day.date.isoformat()}T10:00")
        from civic.places.geo import PointPickerField

        self.fields["point"] = PointPickerField(_("place on the map")).formfield(required=False)
        self.order_fields(["city", "place_name", "point", "starts_at", "capacity", "initiative"])


class EventFilterForm(FilterForm):
    """The filters of the list, calendar and map (GET). ``user`` lends their point to "near me"
    when the browser gave none."""

    q = forms.CharField(label=_("Search"), required=False)
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=City.objects.active(),
        required=False,
        to_field_name="slug",
        empty_label=_("All"),
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.active(),
        required=False,
        to_field_name="slug",
        empty_label=_("All"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All")), *EventKind.choices], required=False)
    start = DateField(label=_("From"), required=False, widget=DATE)
    end = DateField(label=_("To"), required=False, widget=DATE)
    lat = LatitudeField()
    lng = LongitudeField()
    near = forms.BooleanField(label=_("Near me"), required=False)
    km = forms.TypedChoiceField(
        label=_("Within"),
        choices=[(5, "5 km"), (10, "10 km"), (25, "25 km"), (100, "100 km")],
        coerce=int,
        required=False,
        empty_value=25,
        initial=25,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.nearest_first = False

    def apply(self, qs, data, *, upcoming: bool = True):
        """Published events narrowed by the valid filters: upcoming ones soonest first unless a date
        range is given (or ``upcoming`` is False, for the calendar); nearest first within ``km`` when
        "near me" has a point (then ``self.nearest_first`` is True)."""
        if data.get("q"):
            qs = qs.search(data["q"], ranked=True)
        qs = self.narrow(qs, data, city="city", theme="themes", kind="kind")
        ranged = bool(data.get("start") or data.get("end"))
        if data.get("start"):
            qs = qs.filter(ends_at__gte=datetime.combine(data["start"], time.min, tzinfo=UTC))
        if data.get("end"):
            qs = qs.filter(
                starts_at__lt=datetime.combine(data["end"] + timedelta(days=1), time.min, tzinfo=UTC)
            )
        point = self._point(data) if data.get("near") else None
        if point:
            if not ranged and upcoming:  # upcoming ones only, nearest first
                qs = qs.upcoming().order_by()
            self.nearest_first = True
            return qs.near(*point, data.get("km") or 25)
        if not ranged and upcoming:
            return qs.upcoming()
        if not data.get("q"):
            return qs.order_by("starts_at", "pk")
        return qs

    def _point(self, data) -> tuple[float, float] | None:
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None or lng is None) and self.user is not None and self.user.is_authenticated:
            lat, lng = self.user.latitude, self.user.longitude
        return (lat, lng) if lat is not None and lng is not None else None
