"""Geolocation without GeoDjango.

A model that has a place inherits :class:`GeoPointModel`: a django-geojson ``PointField`` (edited on
a Leaflet map) plus indexed ``latitude`` / ``longitude`` columns. Its QuerySet gets
``near(lat, lng, km)``, which filters with ``earth_box`` (served by a GiST index on
``ll_to_earth(latitude, longitude)``), refines with ``earth_distance``, annotates ``distance_m`` and
orders by it. Subclasses keep the index by inheriting ``GeoPointModel.Meta``.
"""

from __future__ import annotations

import math
import sys

# django-leaflet's form widget subclasses GeoDjango's, whose import needs the GDAL C library
# (django-leaflet issue #336). We use our own point widget (civic.places.widgets), so we make that
# import fail as a plain ImportError, which django-geojson handles by falling back.
sys.modules.setdefault("leaflet.forms.widgets", None)

from django.contrib.postgres.indexes import GistIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, F, FloatField, Func, Value
from django.utils.translation import gettext_lazy as _
from djgeojson.fields import PointField

EARTH_RADIUS_KM = 6371.0


class LlToEarth(Func):
    function = "ll_to_earth"
    output_field = FloatField()  # the SQL type is "earth"; Django never reads it


class EarthDistance(Func):
    function = "earth_distance"
    output_field = FloatField()


class EarthBox(Func):
    function = "earth_box"
    output_field = FloatField()


class CubeKnnDistance(Func):
    """``a <-> b``: the cube distance operator. Ordering by it lets the GiST index on
    ``ll_to_earth(latitude, longitude)`` return rows nearest first (a KNN index scan) instead of sorting
    every row of the box. On earth points it is the straight-line (chord) distance, which orders
    exactly like the great-circle distance."""

    arg_joiner = " <-> "
    template = "(%(expressions)s)"
    output_field = FloatField()


class CubeContains(Func):
    arg_joiner = " @> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def earth_index(name: str, include=()) -> GistIndex:
    """The GiST index that ``near()`` uses; name it ``<app>_<model>_geo`` (30 characters at most).

    ``include`` makes it a covering index: with ``id``, ``latitude``, ``longitude`` and the columns
    a list filters on, ``ids_then_rows()`` finds a page's ids by an index-only scan."""
    return GistIndex(LlToEarth(F("latitude"), F("longitude")), name=name, include=list(include) or None)


def geo_indexes(prefix: str = "%(app_label)s_%(class)s", include=()) -> list[models.Index]:
    """The two indexes of a located model, named ``<prefix>_geo`` (the GiST index ``near()`` uses)
    and ``<prefix>_ll`` (latitude, longitude). A model that declares its own ``Meta.indexes`` starts
    them with ``*geo_indexes()``, or ``*geo_indexes("<app>_<short>")`` when ``<app>_<model>_geo``
    would pass the 30 characters an index name may have; ``include`` makes the GiST one covering."""
    return [
        earth_index(f"{prefix}_geo", include=include),
        models.Index(fields=["latitude", "longitude"], name=f"{prefix}_ll"),
    ]


def validate_point(value) -> None:
    """A GeoJSON Point with longitude in [-180, 180] and latitude in [-90, 90]."""
    if not value:
        return
    coords = value.get("coordinates") if isinstance(value, dict) else None
    if (
        not isinstance(coords, list | tuple)
        or len(coords) < 2
        or not all(isinstance(c, int | float) and math.isfinite(c) for c in coords[:2])
    ):
        raise ValidationError(_("This is not a valid point on the map."), code="bad_point")
    lng, lat = coords[0], coords[1]
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise ValidationError(_("This point is outside the world map."), code="point_outside_world")


class PointPickerField(PointField):
    """django-geojson's PointField, edited with our accessible map + coordinates widget."""

    def formfield(self, **kwargs):
        from civic.places.widgets import PointWidget

        kwargs.setdefault("widget", PointWidget)
        return super().formfield(**kwargs)


def point(lat: float, lng: float) -> dict:
    """A GeoJSON Point (GeoJSON orders longitude first)."""
    return {"type": "Point", "coordinates": [float(lng), float(lat)]}


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in Python, for display only (queries use earthdistance)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


class GeoQuerySet(models.QuerySet):
    def near(self, lat: float, lng: float, km: float):
        """Rows within ``km`` of (lat, lng), nearest first, annotated with ``distance_m``.

        One query. The ``earth_box`` filter and the nearest-first order both use the GiST index, so
        with a LIMIT (a slice) the cost depends on the rows returned, not on the table or the box.
        """
        lat, lng, meters = float(lat), float(lng), float(km) * 1000.0
        origin = LlToEarth(Value(lat), Value(lng))
        here = LlToEarth(F("latitude"), F("longitude"))
        return (
            self.filter(CubeContains(EarthBox(origin, Value(meters)), here))
            .annotate(distance_m=EarthDistance(origin, here))
            .filter(distance_m__lte=meters)
            .nearest_first(lat, lng)
        )

    def nearest_first(self, lat: float, lng: float):
        """Order by distance with the GiST index's nearest-neighbour scan (cube ``<->`` on
        ``ll_to_earth``): with a LIMIT, PostgreSQL reads the nearest rows first and stops instead of
        sorting every row by distance. Chord and great-circle distances rank points the same way.
        Rows at the same distance (one address, many missions) follow their ``pk``, so page 2 neither
        repeats nor skips a row of page 1 (PostgreSQL adds an incremental sort over the index order)."""
        origin = LlToEarth(Value(float(lat)), Value(float(lng)))
        return self.order_by(CubeKnnDistance(LlToEarth(F("latitude"), F("longitude")), origin), "pk")

    def orders_nearest_first(self) -> bool:
        """Whether ``nearest_first()`` (or ``near()``) orders this queryset. Such a queryset should
        prefetch its foreign keys for display rather than join them: PostgreSQL's estimate of the rows
        in a radius is far too low (32 for 9,615 initiatives around Paris), so with a join it hashes
        every row of the radius and sorts them instead of following the index nearest-first and
        stopping at the LIMIT."""
        return any(isinstance(field, CubeKnnDistance) for field in self.query.order_by)

    def ids_then_rows(self, start: int, stop: int) -> list:
        """``list(self[start:stop])`` in two queries: the ids first, then those rows with every
        annotation and prefetch of ``self``. Reading ids only lets a covering ``earth_index``
        answer a nearest-first scan from the index alone: a filtered list near a big city skips
        thousands of rows before a deep page (6,656 missions read for page 5 of "theme + weekend
        mornings" around Paris), and each skipped row no longer costs a read of the table."""
        ids = list(self.prefetch_related(None).values_list("pk", flat=True)[start:stop])
        if not ids:
            return []
        found = {row.pk: row for row in self.filter(pk__in=ids).order_by()}
        return [found[pk] for pk in ids if pk in found]

    def with_distance(self, lat: float, lng: float):
        """Annotate ``distance_m`` without filtering (rows without a point get NULL)."""
        origin = LlToEarth(Value(float(lat)), Value(float(lng)))
        return self.annotate(distance_m=EarthDistance(origin, LlToEarth(F("latitude"), F("longitude"))))

    def in_bbox(self, south: float, west: float, north: float, east: float):
        """Rows inside a map's visible rectangle (uses the latitude/longitude b-tree index)."""
        qs = self.filter(latitude__gte=south, latitude__lte=north)
        if west <= east:
            return qs.filter(longitude__gte=west, longitude__lte=east)
        return qs.filter(models.Q(longitude__gte=west) | models.Q(longitude__lte=east))  # crosses 180°


class GeoPointModel(models.Model):
    """Abstract: a place on the map. ``point`` is what people edit; ``latitude``/``longitude``
    are kept equal to it on save so that SQL can index and compute distances."""

    point = PointPickerField(_("place on the map"), null=True, blank=True, validators=[validate_point])
    latitude = models.FloatField(_("latitude"), null=True, blank=True, editable=False)
    longitude = models.FloatField(_("longitude"), null=True, blank=True, editable=False)

    objects = GeoQuerySet.as_manager()

    class Meta:
        abstract = True
        indexes = geo_indexes()

    def save(self, *args, **kwargs):
        # Denormalised coordinates must always match the point; this is data integrity, not logic.
        self.sync_coordinates()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "point" in update_fields:
            kwargs["update_fields"] = {*update_fields, "latitude", "longitude"}
        super().save(*args, **kwargs)

    def sync_coordinates(self) -> None:
        coords = (self.point or {}).get("coordinates") if isinstance(self.point, dict) else None
        if coords and len(coords) >= 2:
            self.longitude, self.latitude = float(coords[0]), float(coords[1])
        else:
            self.latitude = self.longitude = None

    def set_point(self, lat: float, lng: float) -> None:
        self.point = point(lat, lng)
        self.sync_coordinates()

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None
