from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civic.accounts.models import Availability
from civic.core.filters import FilterForm
from civic.core.forms import CheckboxesField, DateField, LatitudeField, LongitudeField
from civic.core.icons import with_icon
from civic.core.models import Theme
from civic.places.geocoding import geocode
from volunteering.models import MAX_RADIUS_KM

THEME_NAMES = ("name", "name_fr", "name_en", "name_es")


class MissionSearchForm(FilterForm):
    """The search page's filters. Every field is optional; an invalid one gets a message beside it
    and the search lists nothing (a place we cannot find must not list missions everywhere).
    After validation, ``origin`` is the search point (typed place, else the browser's), or None."""

    empty_when_invalid = True

    where = forms.CharField(
        label=_("Address or city"),
        required=False,
        max_length=200,
        help_text=_("Or use the “Near me” button."),
    )
    lat = LatitudeField()
    lng = LongitudeField()
    km = forms.FloatField(
        label=_("Radius (km)"),
        required=False,
        initial=10,
        min_value=0.1,
        max_value=MAX_RADIUS_KM,
        error_messages={
            "invalid": _("The radius must be a number of kilometres."),
            "max_value": _("The radius can be at most %(limit_value)s km."),
            "min_value": _("The radius must be more than 0 km."),
        },
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    themes = forms.TypedMultipleChoiceField(
        label=_("Interests"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    date_from = DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    availability = CheckboxesField(label=_("When I am free"), choices=Availability.choices)
    remote = forms.BooleanField(label=_("Remote possible"), required=False)
    beginner = forms.BooleanField(label=_("Suitable for beginners"), required=False)
    accessible = forms.BooleanField(label=_("Accessible to people with reduced mobility"), required=False)
    organization = forms.CharField(label=_("Organisation"), required=False, max_length=160)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the theme choices (a ModelMultipleChoiceField queries to validate and again to render).
        # Labels carry the theme's drawing, hidden from screen readers, before its escaped name.
        self.fields["themes"].choices = [
            (t.pk, with_icon(t.icon, t.name)) for t in Theme.objects.active().only("pk", "icon", *THEME_NAMES)
        ]

    origin: tuple[float, float] | None = None

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date must be after the start date."))
        if data.get("where"):
            self.origin = geocode(data["where"])
            if self.origin is None:
                self.add_error("where", _("We could not find this place: try a city name."))
        elif data.get("lat") is not None and data.get("lng") is not None:
            self.origin = (data["lat"], data["lng"])
        return data

    def apply(self, queryset, data):
        """Published missions with an upcoming slot matching the filters (``MissionQuerySet.matching``)."""
        lat, lng = self.origin or (None, None)
        return queryset.matching(
            lat=lat,
            lng=lng,
            km=data.get("km") or 10,
            theme_ids=data.get("themes") or (),
            availability=data.get("availability") or (),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            remote=data.get("remote", False),
            beginner=data.get("beginner", False),
            accessible=data.get("accessible", False),
            organization=data.get("organization", ""),
        )


class JoinForm(forms.Form):
    share_contact = forms.BooleanField(
        label=_("Share my email address with the organisation so that it can contact me about this mission"),
        required=False,
    )


class RecommendForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        max_length=1000,
        help_text=_("Up to five, separated by commas. We send one email and do not keep the addresses."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    message = forms.CharField(
        label=_("A word from you (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
