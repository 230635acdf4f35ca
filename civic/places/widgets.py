"""An accessible point picker: a Leaflet map (click to place, drag to move) plus latitude and
longitude inputs that keyboard and screen-reader users fill directly. The value is a GeoJSON Point."""

import json

from django import forms
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _


class PointWidget(forms.Widget):
    template_name = "places/widgets/point.html"
    use_fieldset = True

    class Media:
        css = {"all": ["leaflet/leaflet.css", "css/point-widget.css"]}
        js = ["leaflet/leaflet.js", "js/civic.js"]

    def format_value(self, value):
        if isinstance(value, str) and value:
            try:
                value = json.loads(value)
            except ValueError:
                return {"lat": "", "lng": ""}
        coords = (value or {}).get("coordinates") if isinstance(value, dict) else None
        if coords and len(coords) >= 2:
            try:
                return {"lat": round(float(coords[1]), 6), "lng": round(float(coords[0]), 6)}
            except (TypeError, ValueError):
                return {"lat": coords[1], "lng": coords[0]}
        return {"lat": "", "lng": ""}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        center = settings.LEAFLET_CONFIG.get("DEFAULT_CENTER", (20, 0))
        context["widget"].update(
            {
                "lat_label": _("Latitude"),
                "lng_label": _("Longitude"),
                "map_help": _("Click on the map to place the point, or type its coordinates."),
                "map_label": _("Map to pick the point"),
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
                # Admin pages do not extend base.html (whose <meta> names it for the other maps).
                "basemap_url": "" if settings.MAP_TILE_URL else static("geo/countries-110m.geojson"),
                "center_lat": center[0],
                "center_lng": center[1],
            }
        )
        return context

    def value_from_datadict(self, data, files, name):
        lat = (data.get(f"{name}_lat") or "").strip().replace(",", ".")
        lng = (data.get(f"{name}_lng") or "").strip().replace(",", ".")
        if not lat and not lng:
            return None
        try:
            coords = [float(lng), float(lat)]
        except ValueError:
            coords = [lng, lat]  # strings: the field's validator says "not a valid point"
        return json.dumps({"type": "Point", "coordinates": coords})

    def value_omitted_from_data(self, data, files, name):
        return f"{name}_lat" not in data and f"{name}_lng" not in data

    def id_for_label(self, id_):
        return f"{id_}_lat" if id_ else id_
