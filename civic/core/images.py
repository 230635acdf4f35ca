"""Uploaded images: verified with Pillow, size-capped, EXIF (GPS!) stripped, resized once."""

import warnings
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def _too_many_pixels(width: int, height: int) -> ValidationError:
    return ValidationError(
        _(
            "This picture is too large (%(width)s × %(height)s pixels). "
            "The limit is %(limit)s megapixels: please upload a smaller picture."
        ),
        code="too_many_pixels",
        params={"width": width, "height": height, "limit": settings.UPLOAD_MAX_PIXELS // 1_000_000},
    )


def validate_image_upload(upload) -> None:
    """Raise ``ValidationError`` unless ``upload`` is a real JPEG/PNG/WebP/GIF under the byte and
    pixel caps.

    A few hundred KB of PNG can declare 20000 × 20000 pixels (a "decompression bomb"): decoding it
    would take gigabytes of memory. The dimensions are read from the header, which ``Image.open``
    parses without decoding, and checked against ``UPLOAD_MAX_PIXELS`` before anything is decoded.
    """
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("This file is too large (%(size)s). The limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
        )
    not_an_image = ValidationError(
        _("This file is not an image we can read. Please upload a JPEG, PNG, WebP or GIF picture."),
        code="not_an_image",
    )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that limit; refuse those too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as img:
                width, height = img.size
                if width * height > settings.UPLOAD_MAX_PIXELS:
                    raise _too_many_pixels(width, height)
                img.verify()
                fmt = img.format
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refused the header before we could read the size: it is far above our cap.
        raise ValidationError(
            _(
                "This picture has too many pixels. The limit is %(limit)s megapixels: please upload a smaller picture."
            ),
            code="too_many_pixels",
            params={"limit": settings.UPLOAD_MAX_PIXELS // 1_000_000},
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise not_an_image from exc
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
