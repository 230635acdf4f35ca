"""The "what can I do near …?" form shared by the home page and its GeoJSON feed."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civic.core import discovery
from civic.core.discovery import DiscoveryQuery
from civic.core.forms import LatitudeField, LongitudeField
from civic.core.models import Theme

WHEN_CHOICES = [
    ("", _("Any time")),
    ("week", _("This week")),
    ("month", _("This month")),
    ("weekends", _("Weekends")),
]


class DiscoverForm(forms.Form):
    place = forms.CharField(
        label=_("Near"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("An address or a city"), "autocomplete": "street-address"}
        ),
    )
    lat = LatitudeField()
    lng = LongitudeField()
    km = forms.IntegerField(
        label=_("Within (km)"),
        min_value=1,
        max_value=200,
        initial=10,
        required=False,
        error_messages={
            "max_value": _("Choose a radius of 200 km at most."),
            "invalid": _("The radius must be a number of kilometres."),
        },
    )
    # The registered kinds (civic.core.discovery), read when the form is built: an app that is not
    # installed offers no checkbox.
    kinds = forms.MultipleChoiceField(
        label=_("What"), choices=discovery.kind_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, required=False)

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.position_source = None  # "browser", "place", "home"

    def clean(self):
        data = super().clean()
        lat, lng, place = data.get("lat"), data.get("lng"), (data.get("place") or "").strip()
        if lat is not None and lng is not None:
            self.position_source = "browser"
        elif place:
            from civic.places.geocoding import geocode

            found = geocode(place)
            if found is None:
                self.add_error(
                    "place", _("We could not find this place. Try a city name or a fuller address.")
                )
            else:
                data["lat"], data["lng"] = found
                self.position_source = "place"
        elif self.member is not None and self.member.is_authenticated and self.member.has_point:
            data["lat"], data["lng"] = self.member.latitude, self.member.longitude
            self.position_source = "home"
        return data

    def to_query(self, limit: int = 30) -> DiscoveryQuery:
        data = self.cleaned_data
        now = timezone.now()
        before = {"week": now + timedelta(days=7), "month": now + timedelta(days=31)}.get(
            data.get("when") or ""
        )
        return DiscoveryQuery(
            lat=data.get("lat"),
            lng=data.get("lng"),
            km=float(data.get("km") or 10),
            theme_ids=tuple(t.pk for t in data.get("themes") or ()),
            starts_after=now if data.get("when") else None,
            starts_before=before,
            weekends_only=data.get("when") == "weekends",
            limit=limit,
        )

    def selected_kinds(self) -> list[str]:
        return list(self.cleaned_data.get("kinds") or [])
