"""Theme icons: SVG drawings vendored from Lucide under static/icons/lucide/ (see its README).

An icon is named by its file name without ``.svg``. Drawings are inlined (no request, no layout
shift, no dependence on the reader's emoji font) and hidden from assistive technology: the text
next to an icon always says what it means.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

ICONS_DIR = Path(settings.BASE_DIR) / "static" / "icons" / "lucide"
NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@cache
def available_icons() -> tuple[str, ...]:
    """The names of the vendored icons, sorted. Read once per process."""
    return tuple(sorted(p.stem for p in ICONS_DIR.glob("*.svg")))


@cache
def _inline_svg(name: str) -> str:
    text = (ICONS_DIR / f"{name}.svg").read_text()
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S).strip()
    text = re.sub(r"\s+", " ", text).replace("> <", "><")
    # The file's own class names (lucide lucide-x) become ours; sizing comes from CSS (1em).
    text = re.sub(r' class="[^"]*"', "", text)
    text = re.sub(r' (width|height)="\d+"', "", text)
    return text.replace("<svg ", f'<svg class="icon icon-{name}" aria-hidden="true" focusable="false" ', 1)


def icon_svg(name: str) -> SafeString:
    """The inline ``<svg>`` for an icon name; empty for a blank or unknown name (never raises)."""
    if not name or not NAME.fullmatch(name) or name not in available_icons():
        return mark_safe("")
    return mark_safe(_inline_svg(name))  # noqa: S308 - a vendored file from this repository


def with_icon(name: str, text: str) -> SafeString:
    """An icon followed by escaped text, e.g. for a checkbox label."""
    svg = icon_svg(name)
    return format_html("{} {}", svg, text) if svg else format_html("{}", text)


def validate_icon_name(value: str) -> None:
    if value and value not in available_icons():
        raise ValidationError(
            _("“%(name)s” is not one of the icons in static/icons/lucide/."),
            params={"name": value},
            code="icon",
        )
