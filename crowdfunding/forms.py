"""Forms: they parse and label; the services decide (and raise ``ValidationError`` onto the form)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from civic.core.filters import FilterForm
from civic.core.forms import (
    DateField,
    DateTimeField,
    DescribedPhotoMixin,
    ImageField,
    PhotoAltField,
    ThemesField,
)
from civic.places.models import City
from crowdfunding.models import (
    CREATABLE_STAGES,
    Feedback,
    FundingMode,
    PartnerKind,
    Project,
    RewardTier,
    Stage,
)
from crowdfunding.payments import available_gateways
from crowdfunding.services import parse_amount


class ProjectFilterForm(FilterForm):
    """The ideas space's filters (GET): stage, city and theme (slugs), words."""

    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=[("", _("All stages")), *Stage.choices], required=False
    )
    # Slugs, not model choices: the page lists the options itself, and an unknown slug lists nothing
    # instead of costing a query to refuse it.
    city = forms.SlugField(label=_("City"), required=False, max_length=80)
    theme = forms.SlugField(label=_("Theme"), required=False, max_length=80)

    def apply(self, queryset, data):
        """Narrow ``queryset`` (public projects) by the valid filters; words rank best first."""
        queryset = self.narrow(queryset, data, stage="stage", city="city__slug", theme="themes__slug")
        if data.get("q"):
            queryset = queryset.search(data["q"], ranked=True)
        return queryset

    def selected(self) -> dict[str, str]:
        """The valid filters ("" when absent or invalid), to show them selected and carry them in links."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in ("stage", "city", "theme", "q")}


class AmountField(forms.CharField):
    """An amount in euros typed by a person ("25", "12,50"), cleaned to integer cents."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        return parse_amount(value)


class ProjectForm(DescribedPhotoMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    summary = forms.CharField(
        label=_("In one sentence"), max_length=300, required=False, widget=forms.TextInput()
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What, where, for whom, what you need. Markdown is allowed."),
    )
    holder = forms.ChoiceField(label=_("Posted by"))
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[(s.value, s.label) for s in Stage if s in CREATABLE_STAGES],
        initial=Stage.IDEA,
    )
    city = forms.ModelChoiceField(label=_("City"), queryset=City.objects.active())
    themes = ThemesField(label=_("Themes"))
    point = Project._meta.get_field("point").formfield(
        label=_("Place on the map"), required=False, help_text=_("Leave empty to use the centre of the city.")
    )
    photo = ImageField(label=_("Photo"), required=False)
    photo_alt = PhotoAltField(
        label=_("What the photo shows"), help_text=_("A short description for people who cannot see it.")
    )

    def __init__(self, *args, user, organizations=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [("me", _("Me (%(name)s)") % {"name": user.public_name})] + [
            (str(org.pk), org.name) for org in organizations
        ]
        if editing:
            del self.fields["holder"]
            del self.fields["stage"]

    def project_data(self) -> dict:
        """The project's fields as ``project_create`` and ``project_edit`` take them (not the holder
        or the stage, which only a new project has)."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in ("title", "summary", "description", "city", "themes")},
            "point": data.get("point") or None,
            "photo": data.get("photo"),
            "photo_alt": data.get("photo_alt", ""),
        }


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = Feedback
        fields = ["kind", "body"]
        widgets = {"kind": forms.RadioSelect, "body": forms.Textarea(attrs={"rows": 4})}
        labels = {"kind": _("Kind of feedback")}


class MeetingForm(forms.Form):
    starts_at = DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    purpose = forms.CharField(label=_("What for"), max_length=300)


class CampaignForm(forms.Form):
    goal = AmountField(label=_("Goal (€)"), help_text=_("The amount you need, in euros."))
    deadline = DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("At most 90 days from today; the campaign ends at midnight in the project's city."),
    )
    mode = forms.ChoiceField(
        label=_("If the goal is not reached"),
        choices=[
            (FundingMode.ALL_OR_NOTHING, _("All or nothing: every pledge is released")),
            (FundingMode.KEEP_WHAT_YOU_RAISE, _("Keep what you raise")),
        ],
        initial=FundingMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )


class RewardForm(forms.Form):
    title = forms.CharField(label=_("Reward"), max_length=120)
    min_amount = AmountField(label=_("Minimum pledge (€)"))
    quantity = forms.IntegerField(
        label=_("How many"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class TimeNeedForm(forms.Form):
    role = forms.CharField(label=_("What people will do"), max_length=160)
    people_wanted = forms.IntegerField(label=_("People wanted"), min_value=1, max_value=1000)
    date = DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))


class PledgeForm(forms.Form):
    amount = AmountField(label=_("Amount (€)"))
    reward = forms.ModelChoiceField(
        label=_("Reward"),
        queryset=RewardTier.objects.none(),
        required=False,
        empty_label=_("No reward, thanks"),
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message to the holder"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_anonymous = forms.BooleanField(label=_("Do not show my name on the page"), required=False)
    gateway = forms.ChoiceField(label=_("How you pay"), widget=forms.RadioSelect)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reward"].queryset = campaign.rewards.all()
        self.fields["reward"].label_from_instance = self._reward_label
        if not campaign.rewards.exists():
            self.fields["reward"].widget = forms.HiddenInput()
        gateways = available_gateways()
        self.fields["gateway"].choices = [(g.name, g.label) for g in gateways]
        self.fields["gateway"].initial = gateways[0].name

    def clean(self):
        data = super().clean()
        if self.fields["reward"].widget.is_hidden and "reward" in self._errors:
            # No reward to choose from, yet one was sent (another campaign's): say it on top.
            self.add_error(None, self._errors.pop("reward"))
        return data

    @staticmethod
    def _reward_label(tier) -> str:
        from crowdfunding.services import format_money

        label = _("%(title)s (from %(amount)s)") % {
            "title": tier.title,
            "amount": format_money(tier.min_amount_cents),
        }
        if tier.remaining is not None:
            left = _("%(n)s left") % {"n": tier.remaining}
            label = f"{label} · {left}"
        return label


class TimeOfferForm(forms.Form):
    message = forms.CharField(label=_("A word for the holder (optional)"), max_length=300, required=False)


class PartnerForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("In the name of"), queryset=None)
    kind = forms.ChoiceField(
        label=_("Kind of support"), choices=PartnerKind.choices, widget=forms.RadioSelect
    )
    fixed = AmountField(label=_("Contribution (€)"), required=False)
    match_cap_per_pledge = AmountField(
        label=_("Match cap per pledge (€)"),
        required=False,
        help_text=_("Each pledge is doubled up to this amount."),
    )
    match_total_cap = AmountField(label=_("Total match cap (€)"), required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations

    def clean(self):
        data = super().clean()
        if data.get("kind") == PartnerKind.FIXED and not data.get("fixed"):
            self.add_error("fixed", _("Enter the amount of your contribution."))
        if data.get("kind") == PartnerKind.MATCH:
            for name in ("match_cap_per_pledge", "match_total_cap"):
                if not data.get(name):
                    self.add_error(name, _("Enter the caps of your match-funding."))
        return data


class UpdateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    body = forms.CharField(label=_("News"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
