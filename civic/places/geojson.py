"""GeoJSON feeds for the maps (django-geojson serialises; this adds bbox parsing and the response)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


def parse_bbox(request: HttpRequest) -> tuple[float, float, float, float] | None:
    """``?bbox=west,south,east,north`` (the order Leaflet's ``toBBoxString`` gives) or None.

    Raises ``ValueError`` with a readable message when the box is malformed.
    """
    raw = request.GET.get("bbox")
    if not raw:
        return None
    try:
        west, south, east, north = (float(x) for x in raw.split(","))
    except ValueError:
        raise ValueError(_("bbox must be four numbers: west,south,east,north.")) from None
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        raise ValueError(_("bbox is outside the world map."))
    return south, west, north, east


def feature_collection(
    rows: Iterable, properties: Callable[[object], dict], *, lat: str = "latitude", lng: str = "longitude"
) -> dict:
    """A GeoJSON FeatureCollection from rows that carry ``latitude``/``longitude``.

    Built from the indexed columns so that a feed can use ``.values()``/``.only()`` and never load
    the JSON point; rows without coordinates are skipped.
    """
    features = []
    for row in rows:
        la = row[lat] if isinstance(row, dict) else getattr(row, lat)
        lo = row[lng] if isinstance(row, dict) else getattr(row, lng)
        if la is None or lo is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lo, 6), round(la, 6)]},
                "properties": properties(row),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_response(collection: dict) -> JsonResponse:
    response = JsonResponse(collection, json_dumps_params={"separators": (",", ":")})
    response["Content-Type"] = "application/geo+json"
    return response


def bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(json.dumps({"error": message}), content_type="application/json")
