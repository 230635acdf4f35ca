"""A member's crowdfunding data: export and erasure (registered in ``crowdfunding.apps``)."""

from __future__ import annotations

from crowdfunding.models import (
    Feedback,
    Pledge,
    Project,
    ProjectFollow,
    TimeOffer,
)
from crowdfunding.services.projects import project_follow

# --- Member data (export and erasure) ------------------------------------------------------


def member_export(member) -> dict:
    """What crowdfunding knows about ``member``, for the account's JSON export."""
    return {
        "projects": list(
            Project.objects.filter(holder_member=member).values("id", "title", "stage", "created_at")
        ),
        "feedback": list(
            Feedback.objects.filter(author=member).values("project_id", "kind", "body", "created_at")
        ),
        "pledges": list(
            Pledge.objects.filter(backer=member).values(
                "id", "campaign__project_id", "amount_cents", "currency", "status", "message", "created_at"
            )
        ),
        "time_offers": list(
            TimeOffer.objects.filter(member=member).values("need__role", "need__date", "message")
        ),
        "follows": list(ProjectFollow.objects.filter(member=member).values_list("project_id", flat=True)),
    }


def member_erase(member) -> None:
    """Erasure: pledges and feedback stay (amounts must still add up), signed "former member";
    private messages and follows go."""
    Pledge.objects.filter(backer=member).update(message="")
    TimeOffer.objects.filter(member=member).update(message="")
    for follow in ProjectFollow.objects.filter(member=member).select_related("project"):
        project_follow(project=follow.project, member=member, follow=False)
