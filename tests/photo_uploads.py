"""Uploads for the photo tests of every kind, and what a stored photo must look like
(``civic.core.photos.attach_photo``)."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

# A PNG with transparency stays a PNG; any other picture is re-encoded as a JPEG. The uploaded
# names lie on purpose ("photo.jpg" for a PNG, no extension for a JPEG): the stored name must
# follow the real format, not the name the browser sent.
UPLOADS = {
    "png": ("photo.jpg", "PNG", "RGBA", "image/png"),
    "jpg": ("photo", "JPEG", "RGB", "image/jpeg"),
}
PIL_FORMAT = {"png": "PNG", "jpg": "JPEG"}


def upload(ext: str) -> SimpleUploadedFile:
    name, fmt, mode, content_type = UPLOADS[ext]
    out = BytesIO()
    Image.new(mode, (900, 600), (40, 150, 60, 200) if mode == "RGBA" else (40, 150, 60)).save(out, format=fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=content_type)


def assert_stored(photo, ext: str) -> None:
    """The image is named after its real format, and a JPEG thumbnail of at most 400 px exists."""
    assert photo.image.name.endswith(f".{ext}"), photo.image.name
    with photo.image.open("rb") as f, Image.open(f) as img:
        assert img.format == PIL_FORMAT[ext]
    assert photo.thumbnail.name.endswith("-thumb.jpg"), photo.thumbnail.name
    assert photo.thumbnail.storage.exists(photo.thumbnail.name)
    with photo.thumbnail.open("rb") as f, Image.open(f) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) <= 400


def img_alts(page: str, photo) -> list[str | None]:
    """The ``alt`` of each ``<img>`` of ``page`` that shows ``photo`` (its image or its thumbnail)."""
    urls = {photo.image.url, photo.thumbnail.url}
    alts = []
    for tag in re.findall(r"<img\b[^>]*>", page):
        src = re.search(r'\bsrc="([^"]*)"', tag)
        alt = re.search(r'\balt="([^"]*)"', tag)
        if src and unescape(src.group(1)) in urls:
            alts.append(unescape(alt.group(1)) if alt else None)
    return alts


def assert_shown_with_its_alt(client, photo, ext: str, url: str, alt: str) -> None:
    """``photo`` is stored as ``assert_stored`` says, and the page at ``url`` shows it once, with ``alt``."""
    assert_stored(photo, ext)
    assert img_alts(client.get(url).content.decode(), photo) == [alt]
