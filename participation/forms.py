from django import forms
from django.utils.translation import gettext_lazy as _

from civic.core.filters import FilterForm
from civic.core.forms import DateField, ImageField, PhotoAltField
from civic.core.models import Theme
from civic.core.search import SEARCH_CANDIDATES
from participation.models import (
    ANSWER_STATUSES,
    COMMENT_TEXT_MAX,
    PROPOSAL_TEXT_MAX,
    CallForParticipation,
    CitySpace,
    FlagReason,
    Neighbourhood,
    Proposal,
    ProposalStatus,
)

TOO_LONG = _("Your text is too long: %(limit_value)d characters at most (it has %(show_value)d).")


class ProposalForm(forms.ModelForm):
    text = forms.CharField(
        label=_("Your proposal"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=PROPOSAL_TEXT_MAX,
        error_messages={"max_length": TOO_LONG},
        help_text=_("Markdown: **bold**, *italic*, lists, links. %(max)d characters at most.")
        % {"max": PROPOSAL_TEXT_MAX},
    )
    photo = ImageField(label=_("Photo (optional)"), required=False)
    photo_alt = PhotoAltField(help_text=_("What the photo shows, for screen readers."))

    class Meta:
        model = Proposal
        fields = ["title", "text", "theme", "neighbourhood", "point"]

    def __init__(self, *args, city, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.city = city
        self.fields["theme"].queryset = Theme.objects.active()
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(city=city)
        if not self.fields["neighbourhood"].queryset.exists():
            del self.fields["neighbourhood"]
        self.fields["point"].label = _("Place on the map (optional)")


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=COMMENT_TEXT_MAX,
        error_messages={"max_length": TOO_LONG},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=FlagReason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(label=_("Details (optional)"), max_length=500, required=False)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ANSWER_STATUSES)
    text = forms.CharField(
        label=_("Public answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=PROPOSAL_TEXT_MAX,
        error_messages={"max_length": TOO_LONG},
        help_text=_("Published on the proposal page with your organisation's name. Markdown."),
    )
    cost = forms.DecimalField(
        label=_("Estimated cost (optional)"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    planned_date = DateField(
        label=_("Planned date (optional)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def cost_cents(self) -> int | None:
        cost = self.cleaned_data.get("cost")
        return None if cost is None else int(cost * 100)


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the author)"), max_length=300, required=False, widget=forms.TextInput
    )


class SpaceSettingsForm(forms.ModelForm):
    support_threshold = forms.IntegerField(
        label=_("Support threshold"),
        min_value=1,
        help_text=_("A proposal with this many supports enters the city's answer queue."),
    )

    class Meta:
        model = CitySpace
        fields = ["support_threshold", "intro_fr", "intro_en", "intro_es"]
        widgets = {f"intro_{lang}": forms.Textarea(attrs={"rows": 3}) for lang in ("fr", "en", "es")}


class NeighbourhoodForm(forms.Form):
    name_fr = forms.CharField(label=_("Name in French"), max_length=120, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    name_es = forms.CharField(label=_("Name in Spanish"), max_length=120, required=False)


class CallForm(forms.ModelForm):
    class Meta:
        model = CallForParticipation
        fields = ["title", "description", "ends_on"]
        widgets = {"ends_on": forms.DateInput(attrs={"type": "date"})}


class CallResponseForm(forms.Form):
    message = forms.CharField(
        label=_("Your message (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    consent_to_share = forms.BooleanField(
        label=_("I agree to share my name and email with the organiser"),
        required=False,
        help_text=_("Without your consent, the organiser only sees how many people answered."),
    )


class SpaceFilterForm(FilterForm):
    """The space page's sort and filters (GET); an unknown value is left out with its message."""

    SORTS = [
        ("supported", _("Most supported")),
        ("newest", _("Newest")),
        ("discussed", _("Most discussed")),
        ("answered", _("Recently answered")),
    ]
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORTS, required=False)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=Theme.objects.none(), required=False)
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + list(ProposalStatus.choices), required=False
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, city, themes, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(pk__in=[t.pk for t in themes])
        self.fields["theme"].choices = [("", _("All"))] + [(t.pk, str(t)) for t in themes]
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(city=city)
        self.fields["neighbourhood"].choices = [("", _("All"))] + [(n.pk, str(n)) for n in neighbourhoods]
        if not neighbourhoods:
            del self.fields["neighbourhood"]

    def apply(self, qs, data):
        """Narrow ``qs`` by the valid filters; invalid ones are left out (a bad URL still lists)."""
        qs = self.narrow(qs, data, theme="theme", neighbourhood="neighbourhood", status="status")
        if data.get("q"):
            # The best of the newest matches: a common word in a big city costs no more than a rare one.
            return qs.search(data["q"], ranked=True, candidates=SEARCH_CANDIDATES)
        return qs.sorted_by(data.get("sort") or "supported")
