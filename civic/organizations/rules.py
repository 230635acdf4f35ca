"""Who may do what with organisations, in one place (django-rules predicates and plain helpers).

Feature apps build on these: ``is_editor``, ``is_member_of(org)``, ``is_official_of(city)``,
``organization_ids_of(user)``.
"""

import rules
from django.db.models import QuerySet


@rules.predicate
def is_editor(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def organization_ids_of(user) -> set[int]:
    """Ids of the organisations ``user`` belongs to; cached on the user object for the request."""
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_civic_org_ids", None)
    if cached is None:
        from civic.organizations.models import Membership

        cached = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
        user._civic_org_ids = cached
    return cached


@rules.predicate
def is_member_of(user, organization) -> bool:
    return organization is not None and organization.pk in organization_ids_of(user)


def is_official_of(user, city) -> bool:
    """A member of ``city``'s public-body organisation."""
    if not user or not user.is_authenticated or city is None:
        return False
    from civic.organizations.models import Organization

    return Organization.objects.public_bodies_of(city).filter(memberships__user=user).exists()


def official_city_ids(user) -> set[int]:
    if not user or not user.is_authenticated:
        return set()
    from civic.organizations.models import Organization, OrganizationKind

    return set(
        Organization.objects.filter(kind=OrganizationKind.PUBLIC_BODY, memberships__user=user).values_list(
            "city_id", flat=True
        )
    )


def may_use_admin(user) -> bool:
    """Editors, and members of at least one organisation (they see their own records only)."""
    return bool(user and user.is_active and (is_editor(user) or organization_ids_of(user)))


def scope_to_member(queryset: QuerySet, user, organization_field: str = "organization") -> QuerySet:
    """Rows of ``queryset`` that ``user`` may manage: all for editors, their organisations' otherwise."""
    if is_editor(user):
        return queryset
    return queryset.filter(**{f"{organization_field}__in": organization_ids_of(user)})


rules.add_perm("organizations.change_organization", is_editor | is_member_of)
