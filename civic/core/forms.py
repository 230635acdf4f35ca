"""Form helpers shared by every app."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from civic.core.images import validate_image_upload
from civic.core.models import Theme

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


class PhotoAltField(forms.CharField):
    """The words that say what a photo shows, for people who cannot see it (its ``alt`` text)."""

    def __init__(self, *, label=None, max_length=200, required=False, **kwargs):
        label = _("Description of the photo") if label is None else label
        super().__init__(label=label, max_length=max_length, required=required, **kwargs)


class DescribedPhotoMixin:
    """For a form with ``photo`` and ``photo_alt`` fields: a photo is not taken without its
    description (the message stands next to the description field)."""

    def clean(self):
        data = super().clean()
        if data.get("photo") and not data.get("photo_alt"):
            self.add_error("photo_alt", _("Describe the photo for people who cannot see it."))
        return data


class CheckboxesField(forms.MultipleChoiceField):
    """Several of a few ``choices``, shown as checkboxes; optional unless ``required=True``."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, required=False, **kwargs):
        super().__init__(required=required, **kwargs)


class ThemesField(forms.ModelMultipleChoiceField):
    """Themes among the active ones, shown as checkboxes; optional unless ``required=True``."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, required=False, **kwargs):
        kwargs.setdefault("queryset", Theme.objects.active())
        super().__init__(required=required, **kwargs)


class LatitudeField(forms.FloatField):
    """A latitude in degrees, hidden by default (the page's "near me" or map fills it)."""

    widget = forms.HiddenInput
    limit = 90

    def __init__(self, *, required=False, **kwargs):
        super().__init__(required=required, min_value=-self.limit, max_value=self.limit, **kwargs)


class LongitudeField(LatitudeField):
    """A longitude in degrees, hidden by default."""

    limit = 180


_NOT_DONE = object()


def _submit(request, form: forms.BaseForm, action, renamed: Mapping[str, str] | None):
    """``action(form.cleaned_data)``'s result for a valid POST, else ``_NOT_DONE`` (a service's
    ``ValidationError`` is then on the form)."""
    if request.method != "POST" or not form.is_valid():
        return _NOT_DONE
    try:
        return action(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc, renamed=renamed)
        return _NOT_DONE


def submitted(request, form: forms.BaseForm, action, *, renamed: Mapping[str, str] | None = None) -> bool:
    """The one shape of a form view: a POST whose ``form`` is valid and whose service call
    ``action(form.cleaned_data)`` raised no ``ValidationError`` (one that did is shown on the form,
    next to its fields; ``renamed`` maps a service's field name to the form's, ``{"goal_cents": "goal"}``).
    ``if submitted(request, form, lambda data: services.x(**data)): redirect``."""
    return _submit(request, form, action, renamed) is not _NOT_DONE


def form_page(
    request,
    form: forms.BaseForm,
    action,
    *,
    template: str,
    context: Mapping[str, Any] | None = None,
    success=None,
    redirect_to,
    renamed: Mapping[str, str] | None = None,
) -> HttpResponse:
    """A whole form page, the shape ``submitted()`` describes: ``template`` with ``form`` and
    ``context`` until the POST is valid and ``action(form.cleaned_data)`` succeeds; then the flash
    message ``success`` and a redirect to ``redirect_to``. Either may be a callable that receives
    what ``action`` returned (the object a service created, a count)."""
    result = _submit(request, form, action, renamed)
    if result is _NOT_DONE:
        return render(request, template, {"form": form, **(context or {})})
    _flash_success(request, success, result)
    return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)


def performed(request, action, *, success=None) -> bool:
    """A button's post (a form without fields): ``action()`` raised no ``ValidationError``. Its
    messages are flashed as errors otherwise, and ``success`` (or ``success(result)``) as a success
    message if it did not. The view redirects either way."""
    try:
        result = action()
    except ValidationError as exc:
        flash_errors(request, exc)
        return False
    _flash_success(request, success, result)
    return True


def _flash_success(request, success, result) -> None:
    message = success(result) if callable(success) else success
    if message:
        messages.success(request, message)


def flash_errors(request, exc: ValidationError) -> None:
    """Each message of a service's ``ValidationError`` as an error message on the next page, for
    actions that have no form to show it on."""
    for message in exc.messages:
        messages.error(request, message)


def add_service_errors(
    form: forms.BaseForm, exc: ValidationError, *, renamed: Mapping[str, str] | None = None
) -> None:
    """Show a service's ``ValidationError`` on ``form``: each field's messages next to that field
    (``renamed`` maps a service's field name to the form's), the rest (or a message without a field)
    on top of the form. Views call a service once the form is valid; this is how a rule only the
    service can check reaches the person typing."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            field = (renamed or {}).get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
