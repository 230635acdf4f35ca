"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from civic.core.images import validate_image_upload


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


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each field's messages next to that field,
    the rest (or a message without a field) on top of the form. Views call a service once the
    form is valid; this is how a rule only the service can check reaches the person typing."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
