"""The admin inline for any ``PhotoBase`` model: an editor's upload goes through the same checks,
re-encoding and thumbnail as a member's (``civic.core.photos``), not straight to storage."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from civic.core.images import validate_image_upload
from civic.core.photos import store_photo_files
from civic.organizations.admin_mixins import LabelledCellsMixin


class PhotoInlineForm(forms.ModelForm):
    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and "image" in self.changed_data:
            validate_image_upload(image)
        return image

    def save(self, commit: bool = True):
        photo = super().save(commit=False)
        if photo.image and "image" in self.changed_data:
            store_photo_files(photo, self.cleaned_data["image"])
        if commit:
            photo.save()
        return photo


class PhotoInline(LabelledCellsMixin, admin.TabularInline):
    """Subclasses set ``model``. Whoever may change the owner may manage its photos: the owner's
    admin decides (editors have no per-model Django permissions, so the default checks would hide
    the inline from them)."""

    form = PhotoInlineForm
    extra = 0
    fields = ("image", "alt", "position")

    def _owner_admin(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._owner_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._owner_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._owner_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._owner_admin().has_change_permission(request, obj)
