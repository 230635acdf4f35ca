"""Turn a typed address into a point through one function with a pluggable backend (geopy).

``GEOCODER`` selects the backend ("nominatim", …; ``GEOCODER_DOMAIN``/``GEOCODER_SCHEME`` point it
at a self-hosted server, ``GEOCODER_TIMEOUT`` bounds the wait); when it is empty, or the backend
fails, times out or finds nothing, the city's centre (the given city, or the city named in the
address) is returned, so a form never breaks on geocoding.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


DOWN_FOR_SECONDS = 60  # after a failure, searches skip the backend this long instead of each waiting


def _backend():
    from geopy.geocoders import get_geocoder_for_service

    options = {"user_agent": "civic", "timeout": settings.GEOCODER_TIMEOUT}
    if settings.GEOCODER_DOMAIN:
        options["domain"] = settings.GEOCODER_DOMAIN
    if settings.GEOCODER_SCHEME:
        options["scheme"] = settings.GEOCODER_SCHEME
    return get_geocoder_for_service(settings.GEOCODER)(**options)


def _ask_backend(query: str) -> tuple[float, float] | None:
    """The backend's answer (cached a month), or None when it finds nothing, fails or times out.
    A failure marks the backend down for ``DOWN_FOR_SECONDS``, so a geocoder outage costs one
    search the timeout, not every search."""
    # Hashed: an address has spaces and any characters, which some cache backends refuse in keys.
    key = f"geocode:{settings.GEOCODER}:{hashlib.sha256(query.lower().encode()).hexdigest()}"
    down_key = f"geocode:down:{settings.GEOCODER}"
    hit = cache.get(key)
    if hit is not None:
        return tuple(hit)
    if cache.get(down_key):
        return None
    try:
        found = _backend().geocode(query)
    except Exception:  # any backend failure falls back; geocoding is a convenience
        logger.warning("geocoding failed for %r", query, exc_info=True)
        cache.set(down_key, True, DOWN_FOR_SECONDS)
        return None
    if found is None:
        return None
    result = (found.latitude, found.longitude)
    cache.set(key, result, 60 * 60 * 24 * 30)
    return result


def _city_named(name: str):
    from civic.places.models import City

    name = name.strip()
    if not name:
        return None
    match = City.objects.active().filter(name__iexact=name).first()
    if match is None:
        match = City.objects.active().filter(slug__iexact=name).first()
    return match if match is not None and match.has_point else None


def geocode(address: str, *, city=None) -> tuple[float, float] | None:
    address = (address or "").strip()
    if address and settings.GEOCODER:
        found = _ask_backend(f"{address}, {city.name}" if city is not None else address)
        if found is not None:
            return found
    if city is not None and city.has_point:
        return (city.latitude, city.longitude)
    # A typed city name is matched against our cities (any language) before giving up; for a full
    # address ("12 rue des Lilas, Paris") its last part is tried too: the city's centre.
    if address:
        match = _city_named(address)
        if match is None and "," in address:
            match = _city_named(address.rsplit(",", 1)[1])
        if match is not None:
            return (match.latitude, match.longitude)
    return None
