"""One way to keep photos: an abstract model (image, thumbnail, ``alt``, position) and
``attach_photo()``, the only service that stores one.

Every kind that shows photos (initiatives, projects, event reports, proposals) inherits
``PhotoBase`` with a foreign key to its owner and a ``photo_directory()``; its service calls
``attach_photo(ThePhoto, file=upload, alt=text, owner=obj)``. The upload is validated here too
(Pillow, byte and pixel caps: a service called without a form is not a way around them),
re-encoded once (EXIF/GPS dropped) under the extension of the format it was re-encoded to, and
its thumbnail is made once, now, never on a page view.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from civic.core.images import clean_image, make_thumbnail, validate_image_upload


def photo_upload_to(instance: PhotoBase, filename: str) -> str:
    """``<the owner's directory>/<file name>``; the directory comes from the concrete model."""
    return f"{instance.photo_directory()}/{filename}"


class PhotoBase(models.Model):
    """A photo of something. Subclasses add the foreign key to their owner (``related_name="photos"``)
    and ``photo_directory()``; ``alt_required = False`` where a photo may go without a description
    (pages then show a generic one)."""

    image = models.ImageField(_("photo"), upload_to=photo_upload_to)
    thumbnail = models.ImageField(upload_to=photo_upload_to, blank=True, editable=False)
    alt = models.CharField(
        _("description of the photo"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    alt_required = True

    class Meta:
        abstract = True
        ordering = ["position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.alt or self.image.name

    def photo_directory(self) -> str:
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        if self.alt_required and not (self.alt or "").strip():
            raise ValidationError({"alt": _("Describe the photo for people who cannot see it.")})


P = TypeVar("P", bound=PhotoBase)


def attach_photo(photo_model: type[P], *, file, alt: str, position: int | None = None, **owner) -> P:
    """Store ``file`` as a new ``photo_model`` row of ``owner`` (e.g. ``initiative=initiative``)
    and return it. Raises ``ValidationError`` (nothing stored) for a file that is not an accepted
    image, is too big or has too many pixels, or for a missing description where one is required.

    The stored image is the re-encoded copy: a picture with transparency stays a PNG (``.png``),
    any other becomes a JPEG (``.jpg``), whatever the uploaded name said; the thumbnail is a JPEG
    (``-thumb.jpg``). ``position`` defaults to after the owner's last photo (one COUNT query).
    Files are written to storage before the row: call it inside the caller's transaction."""
    validate_image_upload(file)
    if position is None:
        position = photo_model.objects.filter(**owner).count()
    photo = photo_model(alt=(alt or "").strip(), position=position, **owner)
    photo.full_clean(exclude=["image", "thumbnail"])
    store_photo_files(photo, file)
    photo.save()
    return photo


def store_photo_files(photo: PhotoBase, file) -> None:
    """Write the re-encoded ``file`` and its thumbnail into ``photo``'s fields (storage only, the
    row is not saved). ``file`` must have passed ``validate_image_upload``. Shared by
    ``attach_photo`` and the admin's ``PhotoInline``, so an editor's upload is treated the same."""
    stem = uuid.uuid4().hex[:10]
    cleaned = clean_image(file, name=stem)
    photo.image.save(cleaned.name, cleaned, save=False)
    thumb = make_thumbnail(photo.image.file, name=f"{stem}-thumb")
    photo.thumbnail.save(thumb.name, thumb, save=False)
