"""Dates, times and numbers as the active language writes them, on an item's own clock.

Used where a person reads a time outside a template — notification titles and bodies, emails, CSV,
iCal summaries — always called inside the reader's language (``notify()`` calls context callables
there). Templates use ``{% local_time %}`` from ``civic`` template tags for the same result.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, tzinfo

from django.utils import formats, timezone
from django.utils.translation import get_language, gettext


def _zone(tz) -> tzinfo | None:
    if not tz:
        return None
    return tz if isinstance(tz, tzinfo) else zoneinfo.ZoneInfo(str(tz))


def local_datetime(moment: datetime, tz=None) -> str:
    """``moment`` on ``tz``'s clock in the active language: "12 décembre 2026 14:00" in French,
    "Dec. 12, 2026, 2 p.m." in English."""
    return formats.date_format(timezone.localtime(moment, _zone(tz)), "DATETIME_FORMAT")


def local_range(start: datetime, end: datetime, tz=None) -> str:
    """A start–end span on ``tz``'s clock, the date written once when both are on the same day."""
    zone = _zone(tz)
    start, end = timezone.localtime(start, zone), timezone.localtime(end, zone)
    if start.date() == end.date():
        return f"{formats.date_format(start, 'DATETIME_FORMAT')}–{formats.time_format(end, 'TIME_FORMAT')}"
    return f"{formats.date_format(start, 'DATETIME_FORMAT')} – {formats.date_format(end, 'DATETIME_FORMAT')}"


def local_iso(moment: datetime | None, tz=None) -> str:
    """``moment`` on ``tz``'s clock as ISO 8601 with its offset, for files a machine or a spreadsheet
    reads (CSV): "2026-12-12T09:00:00-03:00" for a Rio item, never a UTC time the reader must convert."""
    if moment is None:
        return ""
    return timezone.localtime(moment, _zone(tz)).isoformat(timespec="seconds")


def city_time(city_name: str) -> str:
    """ "(Paris time)", so a reader elsewhere knows which clock a time is on."""
    return gettext("%(city)s time") % {"city": city_name}


def language_of(obj, field: str) -> str | None:
    """The language ``obj.<field>`` is written in, as a reader of the active language sees it.

    A field translated with modeltranslation may show another language's text (the fallback order
    ``MODELTRANSLATION_FALLBACK_LANGUAGES``, when this language's is empty): the first language in
    that order whose own column holds the text shown. A field that is not translated belongs to the
    object's ``language`` (a proposal is written in one language), if it has one. ``None`` when
    nothing says. Reads only attributes already loaded: no query.
    """
    from modeltranslation.settings import FALLBACK_LANGUAGES
    from modeltranslation.translator import NotRegistered, translator
    from modeltranslation.utils import resolution_order

    try:
        translated = field in translator.get_options_for_model(type(obj)).all_fields
    except NotRegistered:
        translated = False
    if not translated:
        return getattr(obj, "language", None) or None
    shown = getattr(obj, field)
    if not shown:
        return None
    active = (get_language() or "").split("-")[0]
    for lang in resolution_order(active, FALLBACK_LANGUAGES):
        if getattr(obj, f"{field}_{lang}", None) == shown:
            return lang
    return None
