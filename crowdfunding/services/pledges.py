"""Pledges: counting and uncounting them under the campaign's lock, their transitions, receipts."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civic.core.permissions import NotAllowed
from civic.core.services import log_action
from civic.notifications.services import notify
from crowdfunding import rules
from crowdfunding.models import (
    COUNTED_STATUSES,
    PLEDGE_TRANSITIONS,
    RESERVING_STATUSES,
    Campaign,
    CampaignStatus,
    Partner,
    PartnerKind,
    Pledge,
    PledgeEvent,
    PledgeMatch,
    PledgeStatus,
    RewardTier,
)
from crowdfunding.payments import get_gateway
from crowdfunding.services.campaigns import _check_open, match_for
from crowdfunding.services.money import check_amount_cents

# --- Pledges -------------------------------------------------------------------------------


def _count(campaign_id: int, pledge: Pledge) -> None:
    """The pledge enters a counted state: add it and its partners' match (campaign row locked)."""
    matched = 0
    partners = Partner.objects.select_for_update().filter(campaign_id=campaign_id, kind=PartnerKind.MATCH)
    for partner in partners.order_by("created_at", "id"):
        amount = match_for(
            pledge.amount_cents,
            cap_per_pledge=partner.match_cap_per_pledge_cents,
            total_cap=partner.match_total_cap_cents,
            already_matched=partner.matched_cents,
        )
        if amount:
            PledgeMatch.objects.create(pledge=pledge, partner=partner, amount_cents=amount)
            Partner.objects.filter(pk=partner.pk).update(matched_cents=F("matched_cents") + amount)
            matched += amount
    Pledge.objects.filter(pk=pledge.pk).update(matched_cents=matched)
    pledge.matched_cents = matched
    Campaign.objects.filter(pk=campaign_id).update(
        pledged_cents=F("pledged_cents") + pledge.amount_cents,
        matched_cents=F("matched_cents") + matched,
        backers_count=F("backers_count") + 1,
    )


def _uncount(campaign_id: int, pledge: Pledge) -> None:
    """The pledge leaves the counted states: take it and its match back (campaign row locked)."""
    matched = 0
    for match in PledgeMatch.objects.filter(pledge=pledge):
        Partner.objects.filter(pk=match.partner_id).update(
            matched_cents=F("matched_cents") - match.amount_cents
        )
        matched += match.amount_cents
    PledgeMatch.objects.filter(pledge=pledge).delete()
    Pledge.objects.filter(pk=pledge.pk).update(matched_cents=0)
    pledge.matched_cents = 0
    Campaign.objects.filter(pk=campaign_id).update(
        pledged_cents=F("pledged_cents") - pledge.amount_cents,
        matched_cents=F("matched_cents") - matched,
        backers_count=F("backers_count") - 1,
    )


def _apply_transition(pledge: Pledge, to: str, *, actor=None, source: str, data: dict | None = None) -> bool:
    """Move a locked pledge forward to ``to`` (the caller holds the campaign's row lock).
    Returns False, changing nothing, when the move is not forward (replays, late events)."""
    old = pledge.status
    if to == old or to not in PLEDGE_TRANSITIONS.get(old, set()):
        return False
    if old not in COUNTED_STATUSES and to in COUNTED_STATUSES:
        _count(pledge.campaign_id, pledge)
    elif old in COUNTED_STATUSES and to not in COUNTED_STATUSES:
        _uncount(pledge.campaign_id, pledge)
    if pledge.reward_id and old in RESERVING_STATUSES and to not in RESERVING_STATUSES:
        RewardTier.objects.filter(pk=pledge.reward_id).update(claimed=F("claimed") - 1)
    pledge.status = to
    pledge.save(update_fields=["status", "updated_at"])
    PledgeEvent.objects.create(pledge=pledge, from_status=old, to_status=to, actor=actor, source=source[:40])
    log_action(
        f"crowdfunding.pledge.{to}",
        target=pledge,
        actor=actor,
        data={"from": old, "source": source, **(data or {})},
    )
    return True


def _claim_reward(campaign: Campaign, reward: RewardTier, amount_cents: int) -> RewardTier:
    """Lock the reward tier (after its campaign) and count one more claim on it, once it is checked
    to belong to the campaign, to be within the amount and not to be sold out."""
    reward = RewardTier.objects.select_for_update().filter(pk=reward.pk, campaign_id=campaign.pk).first()
    if reward is None:
        raise ValidationError(
            {"reward": ValidationError(_("This reward belongs to another campaign."), code="bad_reward")}
        )
    if amount_cents < reward.min_amount_cents:
        raise ValidationError(
            {
                "reward": ValidationError(
                    _("This reward needs a pledge of at least %(amount)s.")
                    % {"amount": format_money(reward.min_amount_cents)},
                    code="below_reward",
                )
            }
        )
    if reward.quantity is not None and reward.claimed >= reward.quantity:
        raise ValidationError({"reward": ValidationError(_("This reward is sold out."), code="sold_out")})
    RewardTier.objects.filter(pk=reward.pk).update(claimed=F("claimed") + 1)
    return reward


@transaction.atomic
def pledge_create(
    *,
    campaign: Campaign,
    backer,
    amount_cents: int,
    reward: RewardTier | None = None,
    is_anonymous: bool = False,
    message: str = "",
    gateway: str = "offline",
    currency: str | None = None,
) -> Pledge:
    """Pledge money. Locks the campaign (then the reward tier): the deadline, the reward's
    remaining quantity and the totals are all checked and changed under the lock."""
    if not rules.may_contribute(backer):
        raise NotAllowed
    check_amount_cents(amount_cents)
    gw = get_gateway(gateway)
    if not gw.is_enabled():
        raise ValidationError(_("This payment method is not available."), code="gateway")
    campaign = Campaign.objects.select_for_update().select_related("project").get(pk=campaign.pk)
    _check_open(campaign)
    if (currency or campaign.currency) != campaign.currency:
        raise ValidationError(
            _("This campaign takes pledges in %(currency)s.") % {"currency": campaign.currency}
        )
    if reward is not None:
        reward = _claim_reward(campaign, reward, amount_cents)
    pledge = Pledge(
        campaign=campaign,
        backer=backer,
        amount_cents=amount_cents,
        currency=campaign.currency,
        reward=reward,
        is_anonymous=is_anonymous,
        message=(message or "").strip(),
        gateway=gw.name,
        status=PledgeStatus.PENDING,
    )
    pledge.full_clean()
    pledge.save()
    PledgeEvent.objects.create(
        pledge=pledge, from_status="", to_status=PledgeStatus.PENDING, actor=backer, source="member"
    )
    initial = gw.initial_status()
    if initial != PledgeStatus.PENDING:
        _apply_transition(pledge, initial, actor=backer, source="member")
    else:
        log_action("crowdfunding.pledge.pending", target=pledge, actor=backer, data={"gateway": gw.name})
    return pledge


@transaction.atomic
def pledge_transition(*, pledge_id: int, to: str, actor=None, source: str, data: dict | None = None) -> bool:
    """Move a pledge forward, locking its campaign first. Returns whether it moved."""
    campaign_id = Pledge.objects.values_list("campaign_id", flat=True).get(pk=pledge_id)
    Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    pledge = Pledge.objects.select_for_update().get(pk=pledge_id)
    return _apply_transition(pledge, to, actor=actor, source=source, data=data)


@transaction.atomic
def pledge_mark_received(*, pledge: Pledge, by) -> Pledge:
    """The holder got the money of a promised (offline) pledge of a funded campaign."""
    campaign = Campaign.objects.select_for_update().select_related("project").get(pk=pledge.campaign_id)
    if not rules.may_manage_project(by, campaign.project):
        raise NotAllowed
    pledge = Pledge.objects.select_for_update().select_related("backer").get(pk=pledge.pk)
    if campaign.status != CampaignStatus.FUNDED:
        raise ValidationError(_("Money is collected only once the campaign is funded."))
    if pledge.status != PledgeStatus.PROMISED:
        raise ValidationError(_("Only a promised pledge can be marked as received."))
    _apply_transition(pledge, PledgeStatus.COLLECTED, actor=by, source="holder")
    notify(
        pledge.backer,
        "crowdfunding.payment_received",
        _receipt_context(pledge, campaign),
        url=campaign.get_absolute_url,
        dedupe_key=f"cf-paid-{pledge.pk}",
    )
    return pledge


def format_money(cents: int, currency: str = "EUR") -> str:
    """``1234567`` → ``"12,345.67 €"`` in the active language's format; Decimal, never float."""
    from django.utils.formats import number_format

    symbol = {"EUR": "€"}.get(currency, currency)
    value = (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))
    if value == value.to_integral_value():
        value = value.quantize(Decimal("1"))
    return f"{number_format(value, use_l10n=True, force_grouping=True)}\u00a0{symbol}"


def _receipt_context(pledge: Pledge, campaign: Campaign) -> dict:
    """Resolved by ``notify()`` in the backer's language: titles, amounts and the date as they
    read them (the day on the project city's clock)."""
    project = campaign.project
    today = timezone.localtime(timezone.now(), project.city.timezone)
    return {
        "project": lambda: project.title,
        "pledge_id": pledge.pk,
        "amount": lambda: format_money(pledge.amount_cents, pledge.currency),
        "matched": (lambda: format_money(pledge.matched_cents, pledge.currency))
        if pledge.matched_cents
        else "",
        "status": PledgeStatus(pledge.status).label,
        "campaign_status": campaign.status,
        "date": lambda: date_format(today, "DATE_FORMAT"),
        "reward": (lambda: pledge.reward.title) if pledge.reward_id else "",
    }
