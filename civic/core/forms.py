"""Form helpers shared by every app."""

from django import forms
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
