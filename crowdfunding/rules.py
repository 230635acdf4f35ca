"""Who may do what with projects and campaigns, in one place (views, admin and services use these).

- Anyone with a verified email may post a project, give feedback, propose a meeting, follow,
  pledge and offer time.
- A project is managed by its holder: the member, or any member of the holding organisation;
  editors manage every project. Anyone else gets a 404 on management pages.
- Partners are organisations: a member of an organisation may back a campaign in its name.
"""

from __future__ import annotations

import rules

from civic.accounts.rules import is_verified
from civic.organizations.rules import is_editor, organization_ids_of


@rules.predicate
def is_holder(user, project) -> bool:
    """The project's member holder, or a member of its holding organisation. No query when the
    user's organisation ids are cached (``organization_ids_of``)."""
    if not user or not user.is_authenticated or project is None:
        return False
    if project.holder_member_id is not None:
        return project.holder_member_id == user.pk
    return project.holder_organization_id in organization_ids_of(user)


@rules.predicate
def may_manage_project(user, project) -> bool:
    return bool(is_holder(user, project) or is_editor(user))


@rules.predicate
def may_contribute(user) -> bool:
    """Post a project, give feedback, propose a meeting, pledge, offer time."""
    return is_verified(user)


def partner_organizations(user, campaign):
    """Organisations ``user`` may back ``campaign`` in the name of (not the holder's own)."""
    from civic.organizations.models import Organization

    ids = organization_ids_of(user) - {campaign.project.holder_organization_id}
    return Organization.objects.filter(pk__in=ids, is_active=True).order_by("name")


rules.add_perm("crowdfunding.change_project", may_manage_project)
rules.add_perm("crowdfunding.manage_campaign", may_manage_project)
