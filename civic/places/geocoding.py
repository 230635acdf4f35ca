"""Turn a typed address into a point through one function with a pluggable backend (geopy).

``GEOCODER`` selects the backend ("nominatim", …); when it is empty, or the backend fails or finds
nothing, the city's centre (if a city is given) is returned, so a form never breaks on geocoding.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def geocode(address: str, *, city=None) -> tuple[float, float] | None:
    address = (address or "").strip()
    if address and settings.GEOCODER:
        key = f"geocode:{settings.GEOCODER}:{address.lower()}"
        hit = cache.get(key)
        if hit is not None:
            return tuple(hit)
        try:
            from geopy.geocoders import get_geocoder_for_service

            backend = get_geocoder_for_service(settings.GEOCODER)(user_agent="civic", timeout=3)
            query = f"{address}, {city.name}" if city is not None else address
            found = backend.geocode(query)
        except Exception:  # any backend failure falls back; geocoding is a convenience
            logger.warning("geocoding failed for %r", address, exc_info=True)
            found = None
        if found is not None:
            result = (found.latitude, found.longitude)
            cache.set(key, result, 60 * 60 * 24 * 30)
            return result
    if city is not None and city.has_point:
        return (city.latitude, city.longitude)
    # A typed city name is matched against our cities (any language) before giving up.
    if address:
        from civic.places.models import City

        match = City.objects.active().filter(name__iexact=address).first()
        if match is None:
            match = City.objects.active().filter(slug__iexact=address).first()
        if match is not None and match.has_point:
            return (match.latitude, match.longitude)
    return None
