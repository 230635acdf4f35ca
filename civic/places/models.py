"""Cities: the places every feature hangs off (name translated, country, timezone, centre point)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from timezone_field import TimeZoneField

from civic.places.geo import GeoPointModel, GeoQuerySet


class CityQuerySet(GeoQuerySet):
    def active(self):
        return self.filter(is_active=True)


class City(GeoPointModel):
    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    name = models.CharField(_("name"), max_length=120)
    country = CountryField(_("country"))
    timezone = TimeZoneField(_("time zone"), default="Europe/Paris")
    default_language = models.CharField(
        _("main language"),
        max_length=8,
        default="fr",
        help_text=_("The language most of its inhabitants write in (used for demo content and defaults)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = CityQuerySet.as_manager()

    class Meta(GeoPointModel.Meta):
        ordering = ["name"]
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return self.name or self.slug
