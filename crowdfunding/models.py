"""Civic crowdfunding: local projects from idea to funded, shaped by feedback and real meetings,
then funded by pledges of money and offers of time.

Money is integer cents with a currency (EUR by default), never floats. Campaign totals are
denormalised and only ever changed with ``F()`` while the campaign row is locked (see services),
so they always equal the sum of the pledges in counted states plus partner money.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from civic.core.follows import FollowBase
from civic.core.photos import PhotoBase
from civic.core.search import SearchQuerySet, Unaccent, searchable_vector
from civic.places.geo import GeoPointModel, GeoQuerySet

MAX_AMOUNT_CENTS = 1_000_000 * 100  # one million euros: anything above is a typo or abuse
MAX_CAMPAIGN_DAYS = 90


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PREPARATION = "preparation", _("In preparation")
    FUNDING = "funding", _("In funding")
    FUNDED = "funded", _("Funded")
    COMPLETED = "completed", _("Completed")
    NOT_FUNDED = "not_funded", _("Not funded")


# Stages a holder may move a project to by hand. "funding", "funded" and "not_funded" follow the
# campaign (opening it, its end), never a button.
MANUAL_STAGE_MOVES: dict[str, set[str]] = {
    Stage.IDEA: {Stage.PREPARATION, Stage.COMPLETED},
    Stage.PREPARATION: {Stage.IDEA, Stage.COMPLETED},
    Stage.FUNDING: set(),
    Stage.FUNDED: {Stage.COMPLETED},
    Stage.NOT_FUNDED: {Stage.IDEA, Stage.PREPARATION},
    Stage.COMPLETED: set(),
}
# Stages a project may be posted at (a finished project can be shared too).
CREATABLE_STAGES = (Stage.IDEA, Stage.PREPARATION, Stage.COMPLETED)


# Heavy columns a list card never shows.
LIST_DEFERRED = (
    "description",
    "description_fr",
    "description_en",
    "description_es",
    "search_vector",
    "point",
)


def _titles_with_spaces() -> list:
    """``title_fr``, " ", ``title_en``, " ", ``title_es``: what ``Project.title_all`` joins."""
    parts: list = []
    for lang in settings.MODELTRANSLATION_LANGUAGES:
        parts += [Value(" "), F(f"title_{lang}")] if parts else [F(f"title_{lang}")]
    return parts


class ProjectQuerySet(SearchQuerySet, GeoQuerySet):
    def public(self):
        return self.filter(is_published=True)

    def for_list(self):
        """Everything a list card shows, in a fixed number of queries (themes are prefetched)."""
        return (
            self.select_related("city", "holder_member", "holder_organization", "current_campaign")
            .defer(*LIST_DEFERRED)
            .prefetch_related("themes")
        )

    def editable_by(self, user):
        """Projects ``user`` may edit: their own, their organisations', every one for editors."""
        from civic.organizations.rules import is_editor, organization_ids_of

        if not user or not user.is_authenticated:
            return self.none()
        if is_editor(user):
            return self
        return self.filter(Q(holder_member=user) | Q(holder_organization__in=organization_ids_of(user)))


class Project(GeoPointModel):
    """A local project. Its holder is exactly one of a member or an organisation (a check
    constraint says so). ``title``/``summary``/``description`` are translated fields
    (modeltranslation); ``language`` is the language the holder wrote in."""

    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown is allowed."))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fr")
    holder_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("holder (member)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_projects",
    )
    holder_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("holder (organisation)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="held_projects",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="projects"
    )
    themes = models.ManyToManyField("core.Theme", verbose_name=_("themes"), blank=True, related_name="+")
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.IDEA)
    current_campaign = models.ForeignKey(
        "Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    is_published = models.BooleanField(_("published"), default=True)
    followers_count = models.PositiveIntegerField(default=0, editable=False)
    feedback_count = models.PositiveIntegerField(default=0, editable=False)
    # Every language's title in one column, lower case without accents, for the admin's search
    # (trigram index); generated by PostgreSQL like the search vector.
    title_all = models.GeneratedField(
        expression=Lower(Unaccent(Concat(*_titles_with_spaces()))),
        output_field=models.TextField(),
        db_persist=True,
    )
    search_vector = searchable_vector(("title", "A"), ("summary", "B"), ("description", "C"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta(GeoPointModel.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=(Q(holder_member__isnull=False) & Q(holder_organization__isnull=True))
                | (Q(holder_member__isnull=True) & Q(holder_organization__isnull=False)),
                name="crowdfunding_project_one_holder",
            )
        ]
        indexes = [
            *GeoPointModel.Meta.indexes,
            models.Index(fields=["stage", "-created_at"], name="cf_project_stage"),
            # Narrow: lets "campaigns of published projects" join without reading the wide rows.
            models.Index(fields=["id"], condition=Q(is_published=True), name="cf_project_published"),
            models.Index(fields=["city", "-created_at"], name="cf_project_city"),
            GinIndex(fields=["search_vector"], name="cf_project_search"),
            GinIndex(OpClass(F("title_all"), name="gin_trgm_ops"), name="cf_project_title_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("crowdfunding:project_detail", args=[self.pk])

    @property
    def holder(self):
        """The member or the organisation (reads the FK: select_related it on lists)."""
        return self.holder_member or self.holder_organization

    @property
    def holder_name(self) -> str:
        if self.holder_member_id:
            return self.holder_member.public_name
        return self.holder_organization.name if self.holder_organization_id else ""


def photo_path(instance, filename):
    # Named by migrations written before PhotoBase; new files go through photo_directory().
    return f"projects/{instance.project_id}/{filename}"


class ProjectPhoto(PhotoBase):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos")
    created_at = models.DateTimeField(auto_now_add=True)

    def photo_directory(self) -> str:
        return f"projects/{self.project_id}"


class FeedbackKind(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    QUESTION = "question", _("Question")
    OFFER_OF_HELP = "offer_of_help", _("Offer of help")


class Feedback(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(
        _("kind"), max_length=16, choices=FeedbackKind.choices, default=FeedbackKind.SUGGESTION
    )
    body = models.TextField(_("your feedback"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["project", "created_at"], name="cf_feedback_project")]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class MeetingProposal(models.Model):
    """A real-life meeting someone proposes about a project; the holder accepts or declines."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    purpose = models.CharField(_("what for"), max_length=300)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PROPOSED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The event an accepted meeting became (``crowdfunding.meeting_events``): an id, not a foreign
    # key, because crowdfunding works without the events app installed.
    event_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["project", "status", "starts_at"], name="cf_meeting_project")]
        verbose_name = _("meeting proposal")
        verbose_name_plural = _("meeting proposals")

    def __str__(self) -> str:
        return f"{self.purpose} ({self.starts_at:%Y-%m-%d})"


class ProjectFollow(FollowBase):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    target_field = "project"
    counter_field = "followers_count"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "member"], name="cf_follow_once")]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.member_id} → {self.project_id}"


class ProjectUpdate(models.Model):
    """News the holder posts to backers, contributors and followers."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("news"), max_length=10000, help_text=_("Markdown is allowed."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("project news")
        verbose_name_plural = _("project news")

    def __str__(self) -> str:
        return self.title


# --- Funding ---------------------------------------------------------------------------------


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FUNDED = "funded", _("Funded")
    NOT_FUNDED = "not_funded", _("Not funded")
    CANCELLED = "cancelled", _("Cancelled")


class FundingMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    KEEP_WHAT_YOU_RAISE = "keep_what_you_raise", _("Keep what you raise")


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"


class CampaignQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=CampaignStatus.OPEN, project__is_published=True)

    def due(self, now=None):
        """Open campaigns whose deadline has passed (the end task closes them)."""
        return self.filter(status=CampaignStatus.OPEN, deadline__lte=now or timezone.now())

    def for_list(self):
        return self.select_related(
            "project", "project__city", "project__holder_member", "project__holder_organization"
        ).defer(*(f"project__{name}" for name in LIST_DEFERRED))


class Campaign(models.Model):
    """A funding campaign on a project. At most one is open per project (partial unique index).

    ``pledged_cents``/``backers_count`` count pledges in counted states; ``matched_cents`` is the
    partners' match on them; ``partner_fixed_cents`` the partners' fixed contributions. They are
    changed only under a lock on this row (services), with ``F()``.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="campaigns")
    goal_cents = models.PositiveBigIntegerField(_("goal"))
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    deadline = models.DateTimeField(_("deadline"))
    mode = models.CharField(
        _("funding mode"), max_length=20, choices=FundingMode.choices, default=FundingMode.ALL_OR_NOTHING
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    pledged_cents = models.BigIntegerField(default=0, editable=False)
    matched_cents = models.BigIntegerField(default=0, editable=False)
    partner_fixed_cents = models.BigIntegerField(default=0, editable=False)
    backers_count = models.PositiveIntegerField(default=0, editable=False)
    final_raised_cents = models.BigIntegerField(null=True, blank=True, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["project"], condition=Q(status="open"), name="cf_campaign_one_open_per_project"
            ),
            models.CheckConstraint(condition=Q(goal_cents__gt=0), name="cf_campaign_goal_positive"),
            models.CheckConstraint(
                condition=Q(pledged_cents__gte=0), name="cf_campaign_pledged_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="cf_campaign_status_deadline")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.goal_cents / 100:.2f} {self.currency}"  # display only

    def get_absolute_url(self) -> str:
        return reverse("crowdfunding:project_detail", args=[self.project_id])

    @property
    def raised_cents(self) -> int:
        """What the campaign counts towards its goal: pledges, partner match, fixed contributions."""
        if self.final_raised_cents is not None and self.status != CampaignStatus.OPEN:
            return self.final_raised_cents
        return self.pledged_cents + self.matched_cents + self.partner_fixed_cents

    @property
    def percent(self) -> int:
        return min(100, int(self.raised_cents * 100 // self.goal_cents)) if self.goal_cents else 0

    @cached_property
    def backers_shown(self) -> int:
        """The backers behind ``raised_cents``. Closing a campaign that did not reach its goal
        releases its pledges (``backers_count`` falls to 0) while ``raised_cents`` keeps the final
        total, so the page would read "230 € pledged, 0 backers": count the pledges that made that
        total instead. One query, only for such campaigns."""
        if self.status in (CampaignStatus.NOT_FUNDED, CampaignStatus.CANCELLED):
            return self.pledges.filter(status__in=(PledgeStatus.RELEASED, PledgeStatus.REFUNDED)).count()
        return self.backers_count

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN and timezone.now() < self.deadline

    @property
    def days_left(self) -> int:
        remaining = self.deadline - timezone.now()
        return max(0, remaining.days + (1 if remaining.seconds else 0)) if remaining > timedelta(0) else 0

    @property
    def goal_reached(self) -> bool:
        return self.pledged_cents + self.matched_cents + self.partner_fixed_cents >= self.goal_cents


class RewardTier(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="rewards")
    title = models.CharField(_("reward"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    min_amount_cents = models.PositiveBigIntegerField(_("minimum pledge"))
    quantity = models.PositiveIntegerField(
        _("quantity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    claimed = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["min_amount_cents", "id"]
        verbose_name = _("reward tier")
        verbose_name_plural = _("reward tiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(claimed__lte=models.F("quantity")),
                name="cf_reward_never_oversold",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        # The admin re-reads ``claimed`` under the row's lock before this runs.
        if self.quantity is not None and self.quantity < self.claimed:
            raise ValidationError(
                {
                    "quantity": ngettext(
                        "%(n)d of these rewards is already claimed: the quantity cannot be lower.",
                        "%(n)d of these rewards are already claimed: the quantity cannot be lower.",
                        self.claimed,
                    )
                    % {"n": self.claimed}
                }
            )

    @property
    def remaining(self) -> int | None:
        return None if self.quantity is None else max(0, self.quantity - self.claimed)


class TimeNeed(models.Model):
    """Volunteer time a campaign asks for: "4 people to build the benches on 12 May"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="time_needs")
    role = models.CharField(_("role"), max_length=160)
    people_wanted = models.PositiveSmallIntegerField(_("people wanted"))
    date = models.DateField(_("date"))
    offers_count = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("time need")
        verbose_name_plural = _("time needs")
        constraints = [
            models.CheckConstraint(condition=Q(people_wanted__gt=0), name="cf_timeneed_people_positive"),
            models.CheckConstraint(
                condition=Q(offers_count__lte=models.F("people_wanted")), name="cf_timeneed_never_overfilled"
            ),
        ]

    def __str__(self) -> str:
        return self.role

    @property
    def is_full(self) -> bool:
        return self.offers_count >= self.people_wanted


class TimeOffer(models.Model):
    need = models.ForeignKey(TimeNeed, on_delete=models.CASCADE, related_name="offers")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "member"], name="cf_timeoffer_once")]
        verbose_name = _("time offer")
        verbose_name_plural = _("time offers")

    def __str__(self) -> str:
        return f"{self.member_id} → {self.need_id}"


class PledgeStatus(models.TextChoices):
    PENDING = "pending", _("Pending payment")
    PROMISED = "promised", _("Promised")
    AUTHORISED = "authorised", _("Authorised")
    COLLECTED = "collected", _("Collected")
    RELEASED = "released", _("Released")
    REFUNDED = "refunded", _("Refunded")
    FAILED = "failed", _("Failed")


COUNTED_STATUSES = frozenset({PledgeStatus.PROMISED, PledgeStatus.AUTHORISED, PledgeStatus.COLLECTED})
# States that hold a reward (a pending checkout reserves it, so a tier is never oversold).
RESERVING_STATUSES = COUNTED_STATUSES | {PledgeStatus.PENDING}
# Only forward moves: a replayed or late webhook can never take a pledge back.
PLEDGE_TRANSITIONS: dict[str, set[str]] = {
    PledgeStatus.PENDING: {
        PledgeStatus.PROMISED,
        PledgeStatus.AUTHORISED,
        PledgeStatus.COLLECTED,
        PledgeStatus.FAILED,
        PledgeStatus.RELEASED,
    },
    PledgeStatus.PROMISED: {PledgeStatus.COLLECTED, PledgeStatus.RELEASED},
    PledgeStatus.AUTHORISED: {PledgeStatus.COLLECTED, PledgeStatus.RELEASED, PledgeStatus.FAILED},
    PledgeStatus.COLLECTED: {PledgeStatus.REFUNDED},
    PledgeStatus.RELEASED: set(),
    PledgeStatus.REFUNDED: set(),
    PledgeStatus.FAILED: set(),
}


class PledgeQuerySet(models.QuerySet):
    def counted(self):
        return self.filter(status__in=COUNTED_STATUSES)


class Pledge(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    backer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pledges")
    amount_cents = models.PositiveBigIntegerField(_("amount"))
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    reward = models.ForeignKey(
        RewardTier, null=True, blank=True, on_delete=models.PROTECT, related_name="pledges"
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=PledgeStatus.choices, default=PledgeStatus.PENDING)
    gateway = models.CharField(max_length=20, default="offline")
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    matched_cents = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PledgeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_cents__gt=0) & Q(amount_cents__lte=MAX_AMOUNT_CENTS),
                name="cf_pledge_amount_in_range",
            )
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="cf_pledge_campaign_status"),
            models.Index(fields=["backer", "-created_at"], name="cf_pledge_backer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount_cents}c {self.status}"

    @property
    def is_counted(self) -> bool:
        return self.status in COUNTED_STATUSES


class PledgeEvent(models.Model):
    """Every change of a pledge's state, with who (or which webhook/task) and when."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=40)  # "member", "holder", "task", "webhook:<event id>"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.pledge_id}: {self.from_status} → {self.to_status}"


class PartnerKind(models.TextChoices):
    FIXED = "fixed", _("Fixed contribution")
    MATCH = "match", _("Match-funding")


class Partner(models.Model):
    """An organisation (public body, company…) backing a campaign: a fixed contribution, or
    match-funding that doubles each pledge up to ``match_cap_per_pledge_cents`` and, in all,
    ``match_total_cap_cents``. ``matched_cents`` is what it has matched so far."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="partners")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="campaign_partnerships"
    )
    kind = models.CharField(_("kind of support"), max_length=8, choices=PartnerKind.choices)
    fixed_cents = models.PositiveBigIntegerField(_("contribution"), default=0)
    match_cap_per_pledge_cents = models.PositiveBigIntegerField(_("match cap per pledge"), default=0)
    match_total_cap_cents = models.PositiveBigIntegerField(_("total match cap"), default=0)
    matched_cents = models.BigIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organization"], name="cf_partner_once"),
            models.CheckConstraint(
                condition=Q(matched_cents__lte=models.F("match_total_cap_cents")),
                name="cf_partner_within_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} → {self.campaign_id}"


class PledgeMatch(models.Model):
    """The exact amount one partner added to one pledge."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="matches")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="matches")
    amount_cents = models.PositiveBigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pledge", "partner"], name="cf_match_once")]

    def __str__(self) -> str:
        return f"{self.partner_id} + {self.amount_cents}c → {self.pledge_id}"


class WebhookEvent(models.Model):
    """A payment provider event already handled: its id is unique, so a replay does nothing."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=80)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="cf_webhook_event_once")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"
