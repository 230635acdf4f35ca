from django import forms
from django.utils.translation import gettext_lazy as _

from civic.accounts.models import Availability, User
from civic.core.forms import CheckboxesField, ImageField, ThemesField
from civic.places.models import City


class ProfileForm(forms.ModelForm):
    avatar_upload = ImageField(
        label=_("Avatar"),
        required=False,
        help_text=_(
            "A JPEG, PNG, WebP or GIF picture; it is resized and its metadata (such as GPS position) removed."
        ),
    )
    clear_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)
    interests = ThemesField(label=_("Interests"))
    availability = CheckboxesField(label=_("Availability"), choices=Availability.choices)
    home_city = forms.ModelChoiceField(label=_("Home city"), queryset=City.objects.active(), required=False)

    field_order = [
        "display_name",
        "avatar_upload",
        "clear_avatar",
        "bio",
        "language",
        "home_city",
        "point",
        "interests",
        "availability",
        "is_spotter",
        "is_reporter",
        "is_shaker",
        "weekly_digest",
    ]

    class Meta:
        model = User
        fields = [
            "display_name",
            "bio",
            "home_city",
            "point",
            "language",
            "is_spotter",
            "is_reporter",
            "is_shaker",
            "weekly_digest",
        ]
        labels = {"point": _("My place on the map (optional)")}
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}


class FollowForm(forms.Form):
    """Empty on purpose: the member to follow is in the URL; the form carries CSRF only."""
