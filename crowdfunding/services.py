"""Every write of the crowdfunding app: atomic, validated (``full_clean()``), audited.

Money rules: amounts are integer cents; campaign totals change only with ``F()`` while the
campaign row is locked (``select_for_update``). Every path that counts or uncounts a pledge locks
the campaign first, then the reward tier, then the partners: one lock order, no deadlock, and
totals that always equal the sum of the counted pledges plus partner money.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from civic.core import follows, outbox
from civic.core.permissions import NotAllowed
from civic.core.photos import attach_photo
from civic.core.services import history_for, log_action
from civic.notifications.services import notify, notify_many
from crowdfunding import rules
from crowdfunding.meeting_events import meeting_event_create
from crowdfunding.models import (
    COUNTED_STATUSES,
    CREATABLE_STAGES,
    MANUAL_STAGE_MOVES,
    MAX_AMOUNT_CENTS,
    MAX_CAMPAIGN_DAYS,
    PLEDGE_TRANSITIONS,
    RESERVING_STATUSES,
    Campaign,
    CampaignStatus,
    Feedback,
    FundingMode,
    MeetingProposal,
    MeetingStatus,
    Partner,
    PartnerKind,
    Pledge,
    PledgeEvent,
    PledgeMatch,
    PledgeStatus,
    Project,
    ProjectFollow,
    ProjectPhoto,
    ProjectUpdate,
    RewardTier,
    Stage,
    TimeNeed,
    TimeOffer,
)
from crowdfunding.payments import get_gateway
from crowdfunding.payments.base import PaymentUnavailable

logger = logging.getLogger(__name__)
NOTIFY_BATCH = 500  # members (or receipts) per notification job

LANGS = [code for code, _name in settings.LANGUAGES]


# --- Money ---------------------------------------------------------------------------------


def parse_amount(text) -> int:
    """Cents from what a person typed ("12", "12.50", "12,50", "1 000"); never a float.

    Raises ``ValidationError`` with a clear message for non-numeric, zero, negative, more than two
    decimals, or more than one million euros.
    """
    raw = str(text if text is not None else "").strip().replace("\u00a0", "").replace(" ", "")
    raw = raw.replace("€", "").replace(",", ".")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            _("Enter an amount in euros, for example 25 or 12.50."), code="not_a_number"
        ) from None
    if not amount.is_finite():
        raise ValidationError(_("Enter an amount in euros, for example 25 or 12.50."), code="not_a_number")
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="not_positive")
    # Compare before any arithmetic: "1e9999999" overflows the multiplication, and "1e99999"
    # would build a 100,000-digit integer (a second of CPU per request).
    if amount > Decimal(MAX_AMOUNT_CENTS) / 100:
        raise ValidationError(_("The amount cannot be more than 1,000,000 €."), code="too_large")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValidationError(_("Use at most two decimals (cents)."), code="too_many_decimals")
    cents = int(cents)
    check_amount_cents(cents)
    return cents


def check_amount_cents(cents) -> None:
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise ValidationError(_("The amount must be a whole number of cents."), code="not_integer")
    if cents <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="not_positive")
    if cents > MAX_AMOUNT_CENTS:
        raise ValidationError(_("The amount cannot be more than 1,000,000 €."), code="too_large")


# --- Projects ------------------------------------------------------------------------------


def _set_text(obj, field: str, value: str, language: str) -> None:
    """Write user text into the author's language column (modeltranslation falls back for the others)."""
    setattr(obj, f"{field}_{language}", value)


def _add_photo(project: Project, photo, alt: str) -> ProjectPhoto:
    return attach_photo(ProjectPhoto, file=photo, alt=alt or project.title, project=project)


@transaction.atomic
def project_create(
    *,
    author,
    title: str,
    city,
    summary: str = "",
    description: str = "",
    holder_organization=None,
    themes=(),
    stage: str = Stage.IDEA,
    point: dict | None = None,
    language: str | None = None,
    photo=None,
    photo_alt: str = "",
) -> Project:
    if not rules.may_contribute(author):
        raise NotAllowed
    if holder_organization is not None and holder_organization.pk not in rules.organization_ids_of(author):
        raise NotAllowed
    if stage not in CREATABLE_STAGES:
        raise ValidationError({"stage": _("A project is posted as an idea, in preparation or completed.")})
    language = language if language in LANGS else (author.language or "fr")
    project = Project(
        city=city,
        holder_member=None if holder_organization else author,
        holder_organization=holder_organization,
        created_by=author,
        stage=stage,
        point=point or (city.point if city else None),
        language=language,
    )
    _set_text(project, "title", title, language)
    _set_text(project, "summary", summary, language)
    _set_text(project, "description", description, language)
    project.full_clean()
    project.save()
    project.themes.set(themes)
    if photo:
        _add_photo(project, photo, photo_alt)
    log_action("crowdfunding.project.created", target=project, actor=author, data={"stage": stage})
    return project


@transaction.atomic
def project_edit(
    *,
    project: Project,
    by,
    title: str,
    summary: str,
    description: str,
    city,
    themes=(),
    point: dict | None = None,
    photo=None,
    photo_alt: str = "",
) -> Project:
    if not rules.may_manage_project(by, project):
        raise NotAllowed
    lang = project.language
    _set_text(project, "title", title, lang)
    _set_text(project, "summary", summary, lang)
    _set_text(project, "description", description, lang)
    project.city = city
    if point:
        project.point = point
    project.full_clean()
    project.save()
    project.themes.set(themes)
    if photo:
        _add_photo(project, photo, photo_alt)
    log_action("crowdfunding.project.edited", target=project, actor=by)
    return project


@transaction.atomic
def project_move_stage(*, project: Project, by, to: str) -> Project:
    """Move a project by hand along ``MANUAL_STAGE_MOVES`` (holder or editor only)."""
    if not rules.may_manage_project(by, project):
        raise NotAllowed
    project = Project.objects.select_for_update().get(pk=project.pk)
    if to not in MANUAL_STAGE_MOVES.get(project.stage, set()):
        raise ValidationError(
            _("A project cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Stage(project.stage).label, "to": Stage(to).label if to in Stage.values else to}
        )
    old = project.stage
    project.stage = to
    project.save(update_fields=["stage", "updated_at"])
    log_action("crowdfunding.project.stage", target=project, actor=by, data={"from": old, "to": to})
    return project


@transaction.atomic
def project_holder_set(*, project: Project, member) -> Project:
    """``member`` becomes the project's holder (one holder: the organisation steps back). Called
    when they accept the invitation the admin sent; nobody is made a holder without it."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.holder_member = member
    project.holder_organization = None
    project.save(update_fields=["holder_member", "holder_organization", "updated_at"])
    log_action("crowdfunding.project.holder", target=project, actor=member, data={"member": member.pk})
    return project


def holder_members(project: Project) -> list:
    """The members who hold ``project`` (its member, or its organisation's members): one query."""
    from civic.accounts.models import User

    if project.holder_member_id:
        return list(User.objects.filter(pk=project.holder_member_id))
    return list(User.objects.filter(memberships__organization_id=project.holder_organization_id))


@transaction.atomic
def feedback_create(*, project: Project, author, kind: str, body: str) -> Feedback:
    if not rules.may_contribute(author):
        raise NotAllowed
    feedback = Feedback(project=project, author=author, kind=kind, body=(body or "").strip())
    feedback.full_clean()
    feedback.save()
    Project.objects.filter(pk=project.pk).update(feedback_count=F("feedback_count") + 1)
    log_action("crowdfunding.feedback.created", target=project, actor=author, data={"feedback": feedback.pk})
    for member in holder_members(project):
        if member.pk != author.pk:
            notify(
                member,
                "crowdfunding.feedback_received",
                {
                    "project": lambda: project.title,
                    "kind": feedback.get_kind_display,
                    "author": author.public_name,
                },
                url=project.get_absolute_url,
            )
    return feedback


@transaction.atomic
def meeting_propose(
    *, project: Project, member, starts_at: datetime, place: str, purpose: str
) -> MeetingProposal:
    if not rules.may_contribute(member):
        raise NotAllowed
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Propose a date in the future.")})
    meeting = MeetingProposal(
        project=project, proposed_by=member, starts_at=starts_at, place=place, purpose=purpose
    )
    meeting.full_clean()
    meeting.save()
    log_action("crowdfunding.meeting.proposed", target=project, actor=member, data={"meeting": meeting.pk})
    for holder in holder_members(project):
        if holder.pk != member.pk:
            notify(
                holder,
                "crowdfunding.meeting_proposed",
                {"project": lambda: project.title, "purpose": purpose, "author": member.public_name},
                url=project.get_absolute_url,
            )
    return meeting


@transaction.atomic
def meeting_decide(*, meeting: MeetingProposal, by, accept: bool) -> MeetingProposal:
    meeting = MeetingProposal.objects.select_for_update().select_related("project").get(pk=meeting.pk)
    if not rules.may_manage_project(by, meeting.project):
        raise NotAllowed
    if meeting.status != MeetingStatus.PROPOSED:
        raise ValidationError(_("This meeting proposal has already been answered."))
    meeting.status = MeetingStatus.ACCEPTED if accept else MeetingStatus.DECLINED
    meeting.decided_by, meeting.decided_at = by, timezone.now()
    meeting.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        # The meeting row is locked and was still "proposed": one event, even for two clicks.
        meeting_event_create(meeting=meeting, by=by)
    log_action(
        f"crowdfunding.meeting.{meeting.status}",
        target=meeting.project,
        actor=by,
        data={"meeting": meeting.pk},
    )
    notify(
        meeting.proposed_by,
        "crowdfunding.meeting_decided",
        {"project": lambda: meeting.project.title, "purpose": meeting.purpose, "accepted": accept},
        url=meeting.project.get_absolute_url,
    )
    return meeting


def project_follow(*, project: Project, member, follow: bool = True) -> bool:
    """Follow (or unfollow) a project; returns whether anything changed. Safe against double clicks
    and races (``civic.core.follows``: the row decides, the counter follows)."""
    if not member.is_authenticated:
        raise NotAllowed
    if follow:
        return follows.follow(ProjectFollow, member=member, target=project)
    return follows.unfollow(ProjectFollow, member=member, target=project)


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
    if cancelled_by is not None:
        outcome = CampaignStatus.CANCELLED
    elif raised >= campaign.goal_cents or (campaign.mode == FundingMode.KEEP_WHAT_YOU_RAISE and raised > 0):
        outcome = CampaignStatus.FUNDED
    else:
        outcome = CampaignStatus.NOT_FUNDED
    source = "holder" if cancelled_by is not None else "task"
    side_effects = []
    pledges = list(
        Pledge.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, status__in=RESERVING_STATUSES)
        .select_related("backer", "reward")
        .order_by("id")
    )
    for pledge in pledges:
        gw = get_gateway(pledge.gateway)
        if pledge.status == PledgeStatus.PENDING:
            _apply_transition(pledge, PledgeStatus.FAILED, actor=cancelled_by, source=source)
        elif outcome == CampaignStatus.FUNDED:
            to = gw.collect_status(pledge)
            if to:
                _apply_transition(pledge, to, actor=cancelled_by, source=source)
            side_effects.append((gw, pledge, "collect"))
        else:
            to = gw.release_status(pledge)
            _apply_transition(pledge, to, actor=cancelled_by, source=source)
            side_effects.append((gw, pledge, "refund" if to == PledgeStatus.REFUNDED else "release"))
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
    from crowdfunding.tasks import pledge_settle_with_provider

    for gw, pledge, action in side_effects:
        if gw.needs_after_commit:
            # Recorded with the closing: a provider outage or a dying process retries it later.
            outbox.enqueue(pledge_settle_with_provider, pledge.pk, action)
    # Everyone involved is told by jobs recorded with the closing, so cancelling a campaign with
    # hundreds of backers answers at once: one for the holders, partners and time contributors,
    # one per NOTIFY_BATCH receipts.
    from crowdfunding.tasks import notify_campaign_end, notify_campaign_receipts

    outbox.enqueue(notify_campaign_end, campaign.pk)
    receipt_ids = [p.pk for p in pledges if p.status != PledgeStatus.FAILED]
    for start in range(0, len(receipt_ids), NOTIFY_BATCH):
        outbox.enqueue(notify_campaign_receipts, campaign.pk, receipt_ids[start : start + NOTIFY_BATCH])
    return True


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


# --- Payment provider webhooks -------------------------------------------------------------


def stripe_event_handle(event: dict) -> str:
    """Apply one verified Stripe event. Its id is stored under a unique constraint in the same
    transaction, so a replay is a no-op; pledges only move forward, so an event arriving out of
    order never takes a pledge back or counts it twice. Returns what happened (for the log)."""
    from crowdfunding.models import WebhookEvent
    from crowdfunding.payments.stripe import EVENT_STATUS, pledge_reference

    with transaction.atomic():
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    provider="stripe", event_id=str(event["id"])[:255], type=str(event["type"])[:80]
                )
        except IntegrityError:
            return "duplicate"
        to = EVENT_STATUS.get(event["type"])
        if to is None:
            return "ignored"
        pledge_id, intent = pledge_reference(event)
        pledge = None
        if pledge_id is not None:
            pledge = Pledge.objects.filter(pk=pledge_id, gateway="stripe").first()
        if pledge is None and intent:
            pledge = Pledge.objects.filter(external_id=intent, gateway="stripe").first()
        if pledge is None:
            logger.warning("stripe event %s: no matching pledge", event["id"])
            return "unknown"
        obj = (event.get("data") or {}).get("object") or {}
        amount = obj.get("amount_total", obj.get("amount"))
        if event["type"].startswith(("checkout.session.completed", "payment_intent.")) and amount is not None:
            if int(amount) != pledge.amount_cents:
                logger.warning(
                    "stripe event %s: amount %s differs from pledge %s", event["id"], amount, pledge.pk
                )
                return "amount_mismatch"
        if intent and pledge.external_id != intent:
            Pledge.objects.filter(pk=pledge.pk).update(external_id=intent)
        moved = pledge_transition(
            pledge_id=pledge.pk, to=to, source=f"webhook:{str(event['id'])[:30]}", data={"event": event["id"]}
        )
        return "applied" if moved else "stale"


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
