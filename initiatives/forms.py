from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from civic.core.filters import FilterForm
from civic.core.forms import DescribedPhotoMixin, ImageField, PhotoAltField, ThemesField
from civic.core.models import Theme
from civic.places.models import City
from initiatives.models import Initiative, Portrait, PracticalTip, ReplicationIntent, VideoReport

SORTS = [
    ("", _("Newest")),
    ("relevance", _("Best match")),
    ("replicated", _("Most replicated")),
    ("nearest", _("Nearest")),
]


class PlainSelect(forms.Select):
    """A ``<select>`` built in Python: the catalogue's city list has hundreds of options, and the
    template-per-option rendering of Django's widget cost more than all of the page's queries."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)


class CatalogueFilterForm(FilterForm):
    """The catalogue's filters (GET). An invalid value is left out with its message, never a 500."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.active(),
        required=False,
        to_field_name="slug",
        widget=PlainSelect,
    )
    city = forms.ModelChoiceField(
        label=_("City"),
        # Only what an option shows: hundreds of cities, without their points and time zones.
        queryset=City.objects.active().only("pk", "slug", "name", "name_fr", "name_en", "name_es"),
        required=False,
        to_field_name="slug",
        widget=PlainSelect,
    )
    country = forms.ChoiceField(label=_("Country"), required=False, widget=PlainSelect)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    km = forms.FloatField(label=_("Within (km)"), required=False, min_value=1, max_value=500, initial=25)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False, widget=PlainSelect)

    def __init__(self, *args, country_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(countries)
        self.fields["country"].choices = [("", _("All countries"))] + sorted(
            ((code, names.get(code, code)) for code in country_codes), key=lambda c: str(c[1])
        )
        self.fields["theme"].empty_label = _("All themes")
        self.fields["city"].empty_label = _("All cities")

    def load_options(self) -> CatalogueFilterForm:
        """Fetch the theme and city options once each, for pages that show the form (two queries):
        iterating a ModelChoiceField opens a server-side cursor per render, which cost more than
        the rest of the page."""
        for name in ("theme", "city"):
            field = self.fields[name]
            field.widget.choices = [("", field.empty_label)] + [
                (obj.slug, str(obj)) for obj in field.queryset
            ]
        return self

    def apply(self, queryset, data):
        """Narrow ``queryset`` (published initiatives) by the valid filters and sort it."""
        queryset = self.narrow(queryset, data, theme="themes", city="city", country="city__country")
        has_point = data.get("lat") is not None and data.get("lng") is not None
        if has_point and data.get("km"):
            queryset = queryset.near(data["lat"], data["lng"], data["km"])
        elif has_point:
            queryset = queryset.with_distance(data["lat"], data["lng"])
        text = data.get("q")
        if text:
            queryset = queryset.search(text, ranked=data.get("sort") == "relevance")
        sort = data.get("sort") or ("nearest" if has_point else "newest")
        if sort == "nearest" and has_point:
            return queryset.nearest_first(data["lat"], data["lng"])
        if sort == "replicated":
            return queryset.order_by("-replication_count", "-published_at", "-pk")
        if sort == "relevance" and text:
            # Ranking reads every match's vector: offered, not the default, for common words at scale.
            return queryset.order_by("-rank", "-published_at", "-pk")
        return queryset.order_by("-published_at", "-pk")


class InitiativeForm(DescribedPhotoMixin, forms.ModelForm):
    """A spotter's submission. Text goes into the fields of the language the page is in."""

    themes = ThemesField(label=_("Themes"), required=True)
    photo = ImageField(label=_("Photo"), required=False)
    photo_alt = PhotoAltField(help_text=_("What the photo shows, for people who cannot see it."))

    class Meta:
        model = Initiative
        fields = ["title", "summary", "story", "city", "point", "themes", "website", "contact_email"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "story": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["summary"].required = True
        self.fields["city"].queryset = City.objects.active()
        self.fields["point"].label = _("Place on the map")

    def model_data(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("title", "summary", "story", "city", "point", "website", "contact_email")
        }

    def photos(self) -> list:
        photo = self.cleaned_data.get("photo")
        return [(photo, self.cleaned_data.get("photo_alt", ""))] if photo else []


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("send_back", _("Send back")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment for the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you send it back."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "send_back" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("Say what the author should change."))
        return cleaned


class ReplicationForm(forms.ModelForm):
    class Meta:
        model = ReplicationIntent
        fields = ["city", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = City.objects.active()


class ContactForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The team receives your name and message, not your email address."),
    )


class PortraitForm(forms.ModelForm):
    class Meta:
        model = Portrait
        fields = ["name", "role", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].required = True


class TipForm(forms.ModelForm):
    class Meta:
        model = PracticalTip
        fields = ["kind", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["body"].required = True


class VideoForm(forms.ModelForm):
    class Meta:
        model = VideoReport
        fields = ["title", "url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True


REPORT_FORMS = {"portrait": PortraitForm, "tip": TipForm, "video": VideoForm}
