"""Notification fan-out. Tasks take ids, are enqueued on commit, and are idempotent: each
notification carries a ``dedupe_key``, so running a task twice notifies nobody twice."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse
from django.utils import translation

from civic.notifications.services import notify
from participation.rules import followers_to_tell, officials_of


def _proposal_url(member, proposal) -> str:
    with translation.override(member.language or "fr"):
        return reverse("participation:proposal", args=[proposal.city.slug, proposal.pk])


@shared_task
def notify_threshold_reached(proposal_id: int) -> int:
    """Tell the city's officials that a proposal reached the support threshold (once each)."""
    from participation.models import Proposal

    proposal = Proposal.objects.visible().select_related("city").filter(pk=proposal_id).first()
    if proposal is None:
        return 0
    sent = 0
    for official in officials_of(proposal.city):
        with translation.override(official.language or "fr"):
            url = reverse("participation:dashboard", args=[proposal.city.slug])
        if notify(
            official,
            "participation.threshold_reached",
            {
                "proposal_title": proposal.title,
                "supports": proposal.supports_count,
                "city": lambda: proposal.city.name,
            },
            url=url,
            dedupe_key=f"participation.threshold:{proposal.pk}",
        ):
            sent += 1
    return sent


@shared_task
def notify_new_comment(comment_id: int) -> int:
    """Tell a proposal's followers (except the commenter) about a new comment."""
    from participation.models import Comment

    comment = Comment.objects.select_related("proposal__city", "author").filter(pk=comment_id).first()
    if comment is None or not comment.counts or comment.proposal.is_hidden:
        return 0
    proposal = comment.proposal
    sent = 0
    for member in followers_to_tell(proposal, except_member_id=comment.author_id):
        if notify(
            member,
            "participation.new_comment",
            {
                "proposal_title": proposal.title,
                "author_name": comment.author.public_name if comment.author else "",
            },
            url=_proposal_url(member, proposal),
            dedupe_key=f"participation.comment:{comment.pk}",
        ):
            sent += 1
    return sent


@shared_task
def notify_answer(revision_id: int) -> int:
    """Tell the author and followers that the city answered (or changed its answer)."""
    from participation.models import AnswerRevision

    revision = (
        AnswerRevision.objects.select_related("answer__proposal__city", "answer__organization")
        .filter(pk=revision_id)
        .first()
    )
    if revision is None:
        return 0
    proposal = revision.answer.proposal
    sent = 0
    for member in followers_to_tell(proposal, except_member_id=revision.author_id):
        with translation.override(member.language or "fr"):
            status = str(revision.get_status_display())
        if notify(
            member,
            "participation.answered",
            {
                "proposal_title": proposal.title,
                "organization": revision.answer.organization.name if revision.answer.organization else "",
                "status": status,
            },
            url=_proposal_url(member, proposal),
            dedupe_key=f"participation.answer:{revision.pk}",
        ):
            sent += 1
    return sent
