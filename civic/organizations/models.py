"""Associations, collectives, social enterprises, companies and public bodies, with their members.

A city official is a member of that city's public-body organisation (kind ``public_body``).
"""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
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


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=InvitationStatus.PENDING)

    def for_target(self, target):
        """Invitations to ``target`` (any model instance); one query when evaluated."""
        from django.contrib.contenttypes.models import ContentType

        return self.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)

    def of_member(self, user):
        """The invitations addressed to ``user`` (none for anonymous users)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(member=user)


class Invitation(models.Model):
    """A member asked to take a role on an object (an event's organiser, a project's holder).

    Nobody is given a role by someone else: the admin stores an invitation, the member is notified
    and accepts or declines on ``/<lang>/invitations/<token>/``. Until then they have no rights and
    the admin shows them as invited. Roles are registered by the apps
    (``civic.organizations.services.register_invitation_role``), which add the member on accept.
    """

    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    role = models.CharField(_("role"), max_length=80)
    # The address in the notification; only the invited member may open it (others get a 404), so
    # the token is not a credential, only an unguessable name that does not reveal the count.
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            # Picking the same person twice before they answer asks them once.
            models.UniqueConstraint(
                fields=["member", "role", "target_type", "target_id"],
                condition=models.Q(status="pending"),
                name="organizations_invitation_pending_once",
            )
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="org_invitation_target")]

    def __str__(self) -> str:
        return f"{self.member} → {self.role} #{self.target_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING
