"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civic.core.images import validate_image_upload

# Dates people type are kept within a range no civic activity leaves: 9999-12-31 plus a day (or a
# time zone offset) overflows Python's date type, and year 1 minus a day does too.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def validate_plausible_date(value) -> None:
    """Raise ``ValidationError`` for a date or datetime outside ``EARLIEST_YEAR``..``LATEST_YEAR``."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="out_of_range",
            params={"earliest": EARLIEST_YEAR, "latest": LATEST_YEAR},
        )


class DateField(forms.DateField):
    """A date within the plausible range (see ``validate_plausible_date``)."""

    default_validators = [validate_plausible_date]


class DateTimeField(forms.DateTimeField):
    """A date and time within the plausible range (see ``validate_plausible_date``)."""

    default_validators = [validate_plausible_date]


class ImageField(forms.FileField):
    """An uploaded picture: checked with Pillow and against the size cap, with a clear message."""

    default_error_messages = {"invalid": _("Upload a valid image.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and hasattr(upload, "size") and upload is not initial:
            validate_image_upload(upload)
        return upload


def submitted(request, form: forms.BaseForm, action) -> bool:
    """The one shape of a form view: a POST whose ``form`` is valid and whose service call
    ``action(form.cleaned_data)`` raised no ``ValidationError`` (one that did is shown on the form,
    next to its fields). ``if submitted(request, form, lambda data: services.x(**data)): redirect``."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    return True


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each field's messages next to that field,
    the rest (or a message without a field) on top of the form. Views call a service once the
    form is valid; this is how a rule only the service can check reaches the person typing."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
