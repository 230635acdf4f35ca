"""The end of a campaign (funded or not, cancelled), its notices and receipts, and project news."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civic.core import outbox
from civic.core.permissions import NotAllowed
from civic.core.services import history_for, log_action
from civic.notifications.services import notify, notify_many
from crowdfunding import rules
from crowdfunding.models import (
    RESERVING_STATUSES,
    Campaign,
    CampaignStatus,
    FundingMode,
    Partner,
    Pledge,
    PledgeStatus,
    Project,
    ProjectFollow,
    ProjectUpdate,
    Stage,
    TimeOffer,
)
from crowdfunding.payments import get_gateway
from crowdfunding.payments.base import PaymentUnavailable
from crowdfunding.services.pledges import _apply_transition, _receipt_context, format_money, pledge_transition
from crowdfunding.services.projects import _set_text, holder_members, project_move_stage

logger = logging.getLogger(__name__)
NOTIFY_BATCH = 500  # members (or receipts) per notification job


# --- End of campaign -----------------------------------------------------------------------


@transaction.atomic
def campaign_close(*, campaign_id: int, now: datetime | None = None, cancelled_by=None) -> bool:
    """End a campaign whose deadline has passed (or cancel it): idempotent, returns whether it
    changed anything. Goal reached (or keep-what-you-raise with money) → funded, pledges collected;
    otherwise not funded (or cancelled) and every pledge released or refunded. Everyone involved is
    notified once (dedupe keys)."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().select_related("project").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.OPEN:
        return False
    if cancelled_by is None and now < campaign.deadline:
        return False
    raised = campaign.pledged_cents + campaign.matched_cents + campaign.partner_fixed_cents
    outcome = _outcome(campaign, raised, cancelled=cancelled_by is not None)
    pledges = list(
        Pledge.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, status__in=RESERVING_STATUSES)
        .select_related("backer", "reward")
        .order_by("id")
    )
    side_effects = _settle_pledges(pledges, outcome, actor=cancelled_by)
    campaign.refresh_from_db()
    campaign.status = outcome
    campaign.closed_at = now
    campaign.final_raised_cents = raised
    campaign.save(update_fields=["status", "closed_at", "final_raised_cents"])
    project = Project.objects.select_for_update().get(pk=campaign.project_id)
    if project.stage == Stage.FUNDING:
        project.stage = {
            CampaignStatus.FUNDED: Stage.FUNDED,
            CampaignStatus.NOT_FUNDED: Stage.NOT_FUNDED,
            CampaignStatus.CANCELLED: Stage.PREPARATION,
        }[outcome]
        project.save(update_fields=["stage", "updated_at"])
    log_action(
        f"crowdfunding.campaign.{outcome}",
        target=campaign,
        actor=cancelled_by,
        data={"raised_cents": raised, "goal_cents": campaign.goal_cents, "pledges": len(pledges)},
    )
    _enqueue_after_closing(campaign, pledges, side_effects)
    return True


def _outcome(campaign: Campaign, raised: int, *, cancelled: bool) -> str:
    if cancelled:
        return CampaignStatus.CANCELLED
    if raised >= campaign.goal_cents or (campaign.mode == FundingMode.KEEP_WHAT_YOU_RAISE and raised > 0):
        return CampaignStatus.FUNDED
    return CampaignStatus.NOT_FUNDED


def _settle_pledges(pledges: list[Pledge], outcome: str, *, actor) -> list[tuple]:
    """Move each reserving pledge (locked by the caller) to where the outcome takes it; returns the
    provider calls to make once the closing is committed: (gateway, pledge, action)."""
    source = "holder" if actor is not None else "task"
    side_effects = []
    for pledge in pledges:
        gw = get_gateway(pledge.gateway)
        if pledge.status == PledgeStatus.PENDING:
            _apply_transition(pledge, PledgeStatus.FAILED, actor=actor, source=source)
        elif outcome == CampaignStatus.FUNDED:
            to = gw.collect_status(pledge)
            if to:
                _apply_transition(pledge, to, actor=actor, source=source)
            side_effects.append((gw, pledge, "collect"))
        else:
            to = gw.release_status(pledge)
            _apply_transition(pledge, to, actor=actor, source=source)
            side_effects.append((gw, pledge, "refund" if to == PledgeStatus.REFUNDED else "release"))
    return side_effects


def _enqueue_after_closing(campaign: Campaign, pledges: list[Pledge], side_effects: list[tuple]) -> None:
    from crowdfunding.tasks import notify_campaign_end, notify_campaign_receipts, pledge_settle_with_provider

    for gw, pledge, action in side_effects:
        if gw.needs_after_commit:
            # Recorded with the closing: a provider outage or a dying process retries it later.
            outbox.enqueue(pledge_settle_with_provider, pledge.pk, action)
    # Everyone involved is told by jobs recorded with the closing, so cancelling a campaign with
    # hundreds of backers answers at once: one for the holders, partners and time contributors,
    # one per NOTIFY_BATCH receipts.
    outbox.enqueue(notify_campaign_end, campaign.pk)
    receipt_ids = [p.pk for p in pledges if p.status != PledgeStatus.FAILED]
    for start in range(0, len(receipt_ids), NOTIFY_BATCH):
        outbox.enqueue(notify_campaign_receipts, campaign.pk, receipt_ids[start : start + NOTIFY_BATCH])


def pledge_settle(*, pledge_id: int, action: str) -> bool:
    """Job: ask the pledge's payment provider to ``collect``, ``release`` or ``refund`` it, once.

    The closing already moved the pledge (its state is what the campaign's totals say); this is
    the provider's side. Done once: a call that succeeded is recorded in the audit log
    (``crowdfunding.pledge.settled``) and a second run finds it and does nothing; a call that was
    made but not recorded (the process died in between) is sent again with the same idempotency
    key, which the provider answers without acting twice. A provider outage raises, so the outbox
    retries the job later. Returns whether the provider was called now."""
    pledge = Pledge.objects.filter(pk=pledge_id).first()
    if pledge is None:
        return False
    already = history_for(pledge).filter(action="crowdfunding.pledge.settled", data__action=action)
    if already.exists():
        return False
    get_gateway(pledge.gateway).after_commit(pledge, action)
    log_action("crowdfunding.pledge.settled", target=pledge, data={"action": action})
    return True


def pledge_start_payment(*, pledge: Pledge, success_url: str, cancel_url: str) -> str | None:
    """Start paying a just-created pledge (after its transaction committed: this talks to the
    provider). Returns the URL to send the backer to, or None when nothing is paid now.

    When the provider cannot be reached the pledge is marked ``failed`` (its reward and place are
    given back, nothing counted) and a ValidationError says so: nothing is left half-made."""
    gateway = get_gateway(pledge.gateway)
    try:
        return gateway.start(pledge, success_url=success_url, cancel_url=cancel_url)
    except PaymentUnavailable as error:
        logger.warning("payment provider unreachable for pledge %s: %s", pledge.pk, error)
        pledge_transition(
            pledge_id=pledge.pk, to=PledgeStatus.FAILED, source="gateway", data={"error": "unreachable"}
        )
        raise ValidationError(
            _(
                "The payment service cannot be reached right now; nothing was charged. "
                "Please try again in a few minutes."
            ),
            code="payment_unavailable",
        ) from error


def _end_context(campaign: Campaign) -> dict:
    """Resolved by ``notify()`` in each recipient's language (titles and amounts as they read them)."""
    project = campaign.project
    return {
        "project": lambda: project.title,
        "outcome": campaign.status,
        "raised": lambda: format_money(campaign.final_raised_cents or 0, campaign.currency),
        "goal": lambda: format_money(campaign.goal_cents, campaign.currency),
    }


def campaign_end_notify(campaign_id: int) -> int:
    """Job: tell the holders, partners and time contributors of a closed campaign how it ended.
    Idempotent (dedupe keys). Returns how many were notified now."""
    campaign = Campaign.objects.select_related("project").filter(pk=campaign_id).first()
    if campaign is None or campaign.status == CampaignStatus.OPEN:
        return 0
    project, context = campaign.project, _end_context(campaign)
    url = project.get_absolute_url  # called in each recipient's language (/es/… links)
    sent = 0
    with transaction.atomic():
        for member in holder_members(project):
            sent += bool(
                notify(
                    member,
                    "crowdfunding.campaign_ended",
                    {**context, "is_holder": True},
                    url=url,
                    dedupe_key=f"cf-end-{campaign.pk}",
                )
            )
        for partner in Partner.objects.filter(campaign=campaign).select_related("created_by"):
            sent += bool(
                notify(
                    partner.created_by,
                    "crowdfunding.campaign_ended",
                    context,
                    url=url,
                    dedupe_key=f"cf-end-{campaign.pk}",
                )
            )
        offers = TimeOffer.objects.filter(need__campaign=campaign).select_related("member", "need")
        for offer in offers:
            sent += bool(
                notify(
                    offer.member,
                    "crowdfunding.time_offer_ended",
                    {
                        **context,
                        "role": lambda n=offer.need: n.role,
                        "day": lambda n=offer.need: date_format(n.date, "DATE_FORMAT"),
                    },
                    url=url,
                    dedupe_key=f"cf-time-{offer.pk}",
                )
            )
    return sent


def campaign_receipts_notify(campaign_id: int, pledge_ids: list[int]) -> int:
    """Job: send the end-of-campaign receipt of each pledge in ``pledge_ids`` (at most
    ``NOTIFY_BATCH``), once each (dedupe key per pledge). Returns how many were sent now."""
    campaign = Campaign.objects.select_related("project__city").filter(pk=campaign_id).first()
    if campaign is None or campaign.status == CampaignStatus.OPEN:
        return 0
    context, url = _end_context(campaign), campaign.project.get_absolute_url
    pledges = Pledge.objects.filter(pk__in=pledge_ids, campaign=campaign).select_related("backer", "reward")
    sent = 0
    with transaction.atomic():
        for pledge in pledges.order_by("pk"):
            sent += bool(
                notify(
                    pledge.backer,
                    "crowdfunding.pledge_receipt",
                    {**context, **_receipt_context(pledge, campaign)},
                    url=url,
                    dedupe_key=f"cf-receipt-{pledge.pk}",
                )
            )
    return sent


def campaign_cancel(*, campaign: Campaign, by) -> bool:
    if not rules.may_manage_project(by, campaign.project):
        raise NotAllowed
    return campaign_close(campaign_id=campaign.pk, cancelled_by=by)


def close_due_campaigns(now: datetime | None = None) -> int:
    """Close every open campaign past its deadline; each in its own transaction. Idempotent."""
    closed = 0
    for campaign_id in Campaign.objects.due(now).values_list("pk", flat=True):
        closed += campaign_close(campaign_id=campaign_id, now=now)
    return closed


@transaction.atomic
def project_post_update(*, project: Project, by, title: str, body: str) -> ProjectUpdate:
    """News to backers, time contributors and followers (each notified once).

    The news is saved with one outbox job (``tasks.send_project_update``) that splits its audience
    into batch jobs, so posting answers at once however many people follow the project."""
    from crowdfunding.tasks import send_project_update

    if not rules.may_manage_project(by, project):
        raise NotAllowed
    update = ProjectUpdate(project=project, author=by)
    _set_text(update, "title", title, project.language)
    _set_text(update, "body", body, project.language)
    update.full_clean()
    update.save()
    log_action("crowdfunding.update.posted", target=project, actor=by, data={"update": update.pk})
    outbox.enqueue(send_project_update, update.pk)
    return update


def _update_audience_ids(update: ProjectUpdate) -> list[int]:
    """Backers (counted pledges), time contributors and followers of the update's project, but not
    its author: three id queries, de-duplicated."""
    project_id = update.project_id
    ids = (
        set(
            Pledge.objects.filter(campaign__project_id=project_id)
            .counted()
            .values_list("backer_id", flat=True)
        )
        | set(
            TimeOffer.objects.filter(need__campaign__project_id=project_id).values_list(
                "member_id", flat=True
            )
        )
        | set(ProjectFollow.objects.filter(project_id=project_id).values_list("member_id", flat=True))
    )
    ids.discard(update.author_id)
    return sorted(ids)


def project_update_dispatch(update_id: int) -> int:
    """Job: split the audience of a posted update into batch jobs of ``NOTIFY_BATCH`` members.
    Idempotent (each batch notifies with the update's dedupe key). Returns the number of batches."""
    from crowdfunding.tasks import notify_project_update_batch

    update = ProjectUpdate.objects.filter(pk=update_id).first()
    if update is None:
        return 0
    ids = _update_audience_ids(update)
    with transaction.atomic():
        for start in range(0, len(ids), NOTIFY_BATCH):
            outbox.enqueue(notify_project_update_batch, update.pk, ids[start : start + NOTIFY_BATCH])
    return -(-len(ids) // NOTIFY_BATCH)


def project_update_notify(update_id: int, member_ids: list[int]) -> int:
    """Job: notify one batch of an update's audience, each in their language (project and news
    titles translated when they are, /es/… links), once per member (dedupe key). Returns how
    many were notified now."""
    from civic.accounts.models import User

    update = ProjectUpdate.objects.select_related("project").filter(pk=update_id).first()
    if update is None:
        return 0
    project = update.project
    # notify_many calls these inside each recipient's language.
    return notify_many(
        User.objects.active().filter(pk__in=member_ids),
        "crowdfunding.project_update",
        {"project": lambda: project.title, "title": lambda: update.title},
        url=project.get_absolute_url,
        dedupe_key=f"cf-update-{update.pk}",
    )


def project_mark_completed(*, project: Project, by) -> Project:
    return project_move_stage(project=project, by=by, to=Stage.COMPLETED)
