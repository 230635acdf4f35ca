"""Associations, collectives, social enterprises, companies and public bodies, with their members.

A city official is a member of that city's public-body organisation (kind ``public_body``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from civic.places.geo import GeoPointModel, GeoQuerySet


class OrganizationKind(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    COLLECTIVE = "collective", _("Collective")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body / city hall")


class OrganizationQuerySet(GeoQuerySet):
    def active(self):
        return self.filter(is_active=True)

    def of_member(self, user):
        """Organisations ``user`` belongs to (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def public_bodies_of(self, city):
        return self.filter(kind=OrganizationKind.PUBLIC_BODY, city=city)


class Organization(GeoPointModel):
    slug = models.SlugField(_("slug"), unique=True, max_length=100)
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="organizations"
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    themes = models.ManyToManyField("core.Theme", verbose_name=_("themes"), blank=True, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta(GeoPointModel.Meta):
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_public_body(self) -> bool:
        return self.kind == OrganizationKind.PUBLIC_BODY


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Member")


class Membership(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="organizations_member_once")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"
