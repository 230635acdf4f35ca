"""Opening a campaign and what it asks for: rewards, time needs and offers, partners' match-funding."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from civic.core.permissions import NotAllowed
from civic.core.services import log_action
from crowdfunding import rules
from crowdfunding.models import (
    MAX_CAMPAIGN_DAYS,
    Campaign,
    CampaignStatus,
    FundingMode,
    Partner,
    PartnerKind,
    Project,
    RewardTier,
    Stage,
    TimeNeed,
    TimeOffer,
)
from crowdfunding.services.money import check_amount_cents

# --- Campaigns -----------------------------------------------------------------------------


def deadline_for(city, day: date) -> datetime:
    """The end of ``day`` (23:59:59) in ``city``'s time zone, as an aware datetime."""
    tz = city.timezone if not isinstance(city.timezone, str) else ZoneInfo(city.timezone)
    return datetime.combine(day, time(23, 59, 59), tzinfo=tz)


def city_today(city, now: datetime | None = None) -> date:
    tz = city.timezone if not isinstance(city.timezone, str) else ZoneInfo(city.timezone)
    return (now or timezone.now()).astimezone(tz).date()


@transaction.atomic
def campaign_open(
    *,
    project: Project,
    by,
    goal_cents: int,
    deadline_day: date,
    mode: str = FundingMode.ALL_OR_NOTHING,
    currency: str = "EUR",
) -> Campaign:
    """Open the project's campaign: goal > 0, deadline a day after today and at most 90 days away
    (both in the project's city time zone). One open campaign per project (lock + unique index)."""
    if not rules.may_manage_project(by, project):
        raise NotAllowed
    caller_copy = project
    project = Project.objects.select_for_update().select_related("city").get(pk=project.pk)
    errors = {}
    try:
        check_amount_cents(goal_cents)
    except ValidationError as exc:
        errors["goal_cents"] = exc.messages
    today = city_today(project.city)
    deadline = deadline_for(project.city, deadline_day)
    if deadline <= timezone.now() or deadline_day < today:
        errors["deadline"] = [_("The deadline must be in the future.")]
    elif deadline_day > today + timedelta(days=MAX_CAMPAIGN_DAYS):
        errors["deadline"] = [_("A campaign lasts at most %(days)s days.") % {"days": MAX_CAMPAIGN_DAYS}]
    if errors:
        raise ValidationError(errors)
    if project.stage not in (Stage.IDEA, Stage.PREPARATION, Stage.NOT_FUNDED):
        raise ValidationError(_("A campaign can only be opened for an idea or a project in preparation."))
    if Campaign.objects.filter(project=project, status=CampaignStatus.OPEN).exists():
        raise ValidationError(_("This project already has an open campaign."))
    campaign = Campaign(
        project=project, goal_cents=goal_cents, deadline=deadline, mode=mode, currency=currency, opened_by=by
    )
    campaign.full_clean()
    campaign.save()
    project.stage = Stage.FUNDING
    project.current_campaign = campaign
    project.save(update_fields=["stage", "current_campaign", "updated_at"])
    caller_copy.stage, caller_copy.current_campaign = project.stage, campaign
    log_action(
        "crowdfunding.campaign.opened",
        target=campaign,
        actor=by,
        data={"goal_cents": goal_cents, "deadline": deadline.isoformat(), "mode": mode},
    )
    return campaign


def _check_open(campaign: Campaign) -> None:
    if campaign.status != CampaignStatus.OPEN or timezone.now() >= campaign.deadline:
        raise ValidationError(
            _("This campaign is closed: it no longer takes pledges or offers."), code="closed"
        )


def _require_manager(by, campaign: Campaign) -> None:
    if not rules.may_manage_project(by, campaign.project):
        raise NotAllowed


@transaction.atomic
def reward_add(
    *,
    campaign: Campaign,
    by,
    title: str,
    min_amount_cents: int,
    quantity: int | None = None,
    description: str = "",
) -> RewardTier:
    _require_manager(by, campaign)
    _check_open(campaign)
    check_amount_cents(min_amount_cents)
    tier = RewardTier(
        campaign=campaign,
        min_amount_cents=min_amount_cents,
        quantity=quantity,
        title=title,
        description=description,
    )
    tier.full_clean()
    tier.save()
    log_action("crowdfunding.reward.added", target=campaign, actor=by, data={"reward": tier.pk})
    return tier


@transaction.atomic
def time_need_add(*, campaign: Campaign, by, role: str, people_wanted: int, day: date) -> TimeNeed:
    _require_manager(by, campaign)
    _check_open(campaign)
    if day < city_today(campaign.project.city):
        raise ValidationError({"date": _("The date must not be in the past.")})
    need = TimeNeed(campaign=campaign, role=role, people_wanted=people_wanted, date=day)
    need.full_clean()
    need.save()
    log_action("crowdfunding.time_need.added", target=campaign, actor=by, data={"need": need.pk})
    return need


@transaction.atomic
def time_offer_create(*, need: TimeNeed, member, message: str = "") -> TimeOffer:
    """Offer time on a need; the need row is locked so it never gets more people than wanted."""
    if not rules.may_contribute(member):
        raise NotAllowed
    need = (
        TimeNeed.objects.select_for_update().select_related("campaign", "campaign__project").get(pk=need.pk)
    )
    _check_open(need.campaign)
    if TimeOffer.objects.filter(need=need, member=member).exists():
        raise ValidationError(_("You have already offered your time for this."), code="duplicate")
    if need.is_full:
        raise ValidationError(_("Enough people have already offered their time for this."), code="full")
    offer = TimeOffer(need=need, member=member, message=message)
    offer.full_clean()
    offer.save()
    TimeNeed.objects.filter(pk=need.pk).update(offers_count=F("offers_count") + 1)
    log_action("crowdfunding.time_offer.created", target=need.campaign, actor=member, data={"need": need.pk})
    return offer


@transaction.atomic
def partner_add(
    *,
    campaign: Campaign,
    organization,
    by,
    kind: str,
    fixed_cents: int = 0,
    match_cap_per_pledge_cents: int = 0,
    match_total_cap_cents: int = 0,
) -> Partner:
    """An organisation backs the campaign. Match-funding applies to pledges counted from now on."""
    if (
        organization.pk not in rules.organization_ids_of(by)
        or organization.pk == campaign.project.holder_organization_id
    ):
        raise NotAllowed
    campaign = Campaign.objects.select_for_update().select_related("project").get(pk=campaign.pk)
    _check_open(campaign)
    if kind == PartnerKind.FIXED:
        check_amount_cents(fixed_cents)
        match_cap_per_pledge_cents = match_total_cap_cents = 0
    elif kind == PartnerKind.MATCH:
        check_amount_cents(match_cap_per_pledge_cents)
        check_amount_cents(match_total_cap_cents)
        fixed_cents = 0
    else:
        raise ValidationError({"kind": _("Choose a kind of support.")})
    if Partner.objects.filter(campaign=campaign, organization=organization).exists():
        raise ValidationError(_("This organisation already backs this campaign."), code="duplicate")
    partner = Partner(
        campaign=campaign,
        organization=organization,
        kind=kind,
        fixed_cents=fixed_cents,
        match_cap_per_pledge_cents=match_cap_per_pledge_cents,
        match_total_cap_cents=match_total_cap_cents,
        created_by=by,
    )
    partner.full_clean()
    partner.save()
    if fixed_cents:
        Campaign.objects.filter(pk=campaign.pk).update(
            partner_fixed_cents=F("partner_fixed_cents") + fixed_cents
        )
    log_action(
        "crowdfunding.partner.added",
        target=campaign,
        actor=by,
        data={"organization": organization.pk, "kind": kind, "fixed_cents": fixed_cents},
    )
    return partner


def match_for(amount_cents: int, *, cap_per_pledge: int, total_cap: int, already_matched: int) -> int:
    """What a match-funding partner adds to one pledge: the pledge doubled, within both caps."""
    return max(0, min(amount_cents, cap_per_pledge, total_cap - already_matched))
