"""Uploaded images: verified with Pillow, size-capped, EXIF (GPS!) stripped, resized once."""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def validate_image_upload(upload) -> None:
    """Raise ``ValidationError`` unless ``upload`` is a real JPEG/PNG/WebP/GIF under the size cap."""
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("This file is too large (%(size)s). The limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
        )
    try:
        upload.seek(0)
        with Image.open(upload) as img:
            img.verify()
            fmt = img.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This file is not an image we can read. Please upload a JPEG, PNG, WebP or GIF picture."),
            code="not_an_image",
        ) from exc
    finally:
        upload.seek(0)
    if fmt not in ACCEPTED_FORMATS:
        raise ValidationError(
            _("Unsupported image format. Please upload a JPEG, PNG, WebP or GIF picture."), code="bad_format"
        )


def clean_image(upload, *, max_side: int = 1600, name: str = "image") -> ContentFile:
    """Return a re-encoded copy of ``upload``: rotated per EXIF, at most ``max_side`` pixels,
    with no metadata at all (re-encoding drops EXIF, so no GPS position leaks)."""
    upload.seek(0)
    with Image.open(upload) as img:
        img = ImageOps.exif_transpose(img)
        img.thumbnail((max_side, max_side))
        has_alpha = img.mode in ("RGBA", "LA", "P")
        out = BytesIO()
        if has_alpha:
            img = img.convert("RGBA")
            img.save(out, format="PNG", optimize=True)
            ext = "png"
        else:
            img = img.convert("RGB")
            img.save(out, format="JPEG", quality=85, optimize=True)
            ext = "jpg"
    return ContentFile(out.getvalue(), name=f"{name}.{ext}")


def make_thumbnail(source_file, *, side: int = 400, name: str = "thumb") -> ContentFile:
    """A square-ish JPEG thumbnail, generated once when the image is saved."""
    source_file.seek(0)
    with Image.open(source_file) as img:
        img = ImageOps.exif_transpose(img).convert("RGB")
        img.thumbnail((side, side))
        out = BytesIO()
        img.save(out, format="JPEG", quality=80, optimize=True)
    return ContentFile(out.getvalue(), name=f"{name}.jpg")
