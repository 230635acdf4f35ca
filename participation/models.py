"""City participation spaces: proposals, supports, comments, official answers, flags and calls for
participation. Reads live here as QuerySet methods; every write that matters is in ``services.py``."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civic.core.discovery import any_of
from civic.core.follows import FollowBase
from civic.core.l10n import local_iso
from civic.core.photos import PhotoBase
from civic.core.search import SearchQuerySet, searchable_vector
from civic.places.geo import GeoPointModel, GeoQuerySet, geo_indexes

PROPOSAL_TEXT_MAX = 10_000
COMMENT_TEXT_MAX = 3_000
COMMENT_EDIT_WINDOW_SECONDS = 15 * 60
FLAGS_TO_HIDE = 3


class ModeratedMixin:
    def moderation_reason_display(self) -> str:
        """The reason shown to the author ("auto" means hidden by members' flags)."""
        if self.moderation_reason == "auto":
            return str(_("Hidden automatically after several reports, until a moderator reviews it."))
        return self.moderation_reason


class CitySpace(models.Model):
    """One participation space per city: its introduction and its support threshold."""

    city = models.OneToOneField(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="participation_space"
    )
    intro = models.TextField(_("introduction"), blank=True, max_length=3000)
    support_threshold = models.PositiveIntegerField(
        _("support threshold"),
        default=100,
        validators=[MinValueValidator(1)],
        help_text=_("A proposal with this many supports enters the city's answer queue."),
    )
    is_active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["city__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(support_threshold__gte=1), name="participation_threshold_positive"
            )
        ]
        verbose_name = _("participation space")
        verbose_name_plural = _("participation spaces")

    def __str__(self) -> str:
        return str(self.city)

    def get_absolute_url(self) -> str:
        return reverse("participation:space", args=[self.city.slug])


class Neighbourhood(models.Model):
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="neighbourhoods"
    )
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UNDER_STUDY = "under_study", _("Under study")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


ANSWER_STATUSES = [c for c in ProposalStatus.choices if c[0] != ProposalStatus.OPEN]

PROPOSAL_CSV_HEADER = (
    _("id"),
    _("published"),
    _("title"),
    _("theme"),
    _("neighbourhood"),
    _("status"),
    _("supports"),
    _("comments"),
    _("latitude"),
    _("longitude"),
)
ANSWER_CSV_HEADER = (
    _("proposal id"),
    _("proposal"),
    _("status"),
    _("organisation"),
    _("answer"),
    _("estimated cost"),
    _("planned date"),
    _("updated"),
)
SUPPORTS_CSV_HEADER = (_("day"), _("supports"))


class ProposalQuerySet(SearchQuerySet, GeoQuerySet):
    def visible(self):
        """What the public sees: not hidden by moderation."""
        return self.filter(is_hidden=False)

    def of_city(self, city):
        return self.filter(city=city)

    def for_list(self):
        """Everything a list item shows, in the same query."""
        return self.select_related("theme", "neighbourhood").defer("text", "search_vector")

    def sorted_by(self, key: str):
        """Order for the space page; "answered" keeps only answered proposals, latest answer first.
        Each order matches a partial index on (city, …, -id), so a page reads 20 index entries."""
        if key == "answered":
            return self.filter(answered_at__isnull=False).order_by("-answered_at", "-id")
        orders = {
            "supported": ["-supports_count", "-created_at", "-id"],
            "newest": ["-created_at", "-id"],
            "discussed": ["-comments_count", "-created_at", "-id"],
        }
        return self.order_by(*orders.get(key, orders["supported"]))

    def awaiting_answer(self):
        """Over the threshold (once reached, it stays in the queue) and not answered yet."""
        return self.filter(threshold_reached_at__isnull=False, answered_at__isnull=True, is_hidden=False)

    def moderation_queue(self, city, limit: int = 50):
        """Proposals of ``city`` awaiting review or with open reports, most urgent first.

        Three indexed queries whatever the size of the city: the ids of open reports and of
        proposals awaiting review (both small sets), then those proposals with their report count.
        """
        flagged = Flag.objects.filter(resolved_at__isnull=True, proposal__city=city).values_list(
            "proposal_id", flat=True
        )[:limit]
        pending = self.filter(city=city, review_pending=True).values_list("pk", flat=True)[:limit]
        return (
            self.filter(pk__in={*flagged, *pending})
            .annotate(open_flags=models.Count("flags", filter=Q(flags__resolved_at__isnull=True)))
            .select_related("author")
            .defer("text", "search_vector")
            .order_by("-review_pending", "-open_flags", "-id")
        )

    # --- Officials' CSV exports (``civic.core.csv.csv_response``; rows stream with the response) ---
    # Plain tuples, not models: at 100,000 rows, building instances and translating each row's
    # status label took most of the export's time. Labels are read once, in the language the
    # download streams in (these generators run inside it).

    def csv_rows(self, city) -> Iterator[tuple]:
        """One row per proposal, columns as ``PROPOSAL_CSV_HEADER``, times on ``city``'s clock.
        Three queries (themes, the city's neighbourhoods, the rows read in chunks)."""
        from civic.core.models import Theme

        statuses = {value: str(label) for value, label in ProposalStatus.choices}
        themes = {t.pk: str(t) for t in Theme.objects.all()}
        neighbourhoods = {n.pk: str(n) for n in Neighbourhood.objects.filter(city=city)}
        rows = self.order_by("id").values_list(
            "id",
            "created_at",
            "title",
            "theme_id",
            "neighbourhood_id",
            "status",
            "supports_count",
            "comments_count",
            "latitude",
            "longitude",
        )
        for pk, created, title, theme, hood, status, supports, comments, lat, lng in rows.iterator(
            chunk_size=5000
        ):
            yield (
                pk,
                local_iso(created, city.timezone),
                title,
                themes.get(theme),
                neighbourhoods.get(hood),
                statuses.get(status, status),
                supports,
                comments,
                lat,
                lng,
            )

    def answer_csv_rows(self, city) -> Iterator[tuple]:
        """One row per answered proposal, columns as ``ANSWER_CSV_HEADER``, times on ``city``'s
        clock. One query, read in chunks."""
        statuses = {value: str(label) for value, label in ANSWER_STATUSES}
        rows = (
            self.filter(answered_at__isnull=False)
            .order_by("id")
            .values_list(
                "id",
                "title",
                "answer__status",
                "answer__organization__name",
                "answer__text",
                "answer__cost_cents",
                "answer__planned_date",
                "answer__updated_at",
            )
        )
        for pk, title, status, organization, text, cost, planned, updated in rows.iterator(chunk_size=5000):
            yield (
                pk,
                title,
                statuses.get(status, status),
                organization,
                text,
                None if cost is None else f"{cost / 100:.2f}",
                planned,
                local_iso(updated, city.timezone),
            )


def proposal_photo_path(instance, filename):
    # Named by migrations written before ProposalPhoto; new files go through photo_directory().
    return f"participation/proposals/{timezone.now():%Y/%m}/{filename}"


class Proposal(ModeratedMixin, GeoPointModel):
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="proposals"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="participation_proposals",
    )
    title = models.CharField(_("title"), max_length=160)
    text = models.TextField(
        _("proposal"),
        validators=[
            MaxLengthValidator(
                PROPOSAL_TEXT_MAX,
                message=_(
                    "Your text is too long: %(limit_value)d characters at most (it has %(show_value)d)."
                ),
            )
        ],
        help_text=_("Markdown: **bold**, *italic*, lists, links."),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fr")
    theme = models.ForeignKey(
        "core.Theme",
        verbose_name=_("theme"),
        on_delete=models.PROTECT,
        related_name="participation_proposals",
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    # Denormalised counters, kept exact with F() in services.
    supports_count = models.PositiveIntegerField(_("supports"), default=0)
    comments_count = models.PositiveIntegerField(_("comments"), default=0)
    threshold_reached_at = models.DateTimeField(null=True, blank=True, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Moderation.
    is_hidden = models.BooleanField(_("hidden"), default=False)
    review_pending = models.BooleanField(_("awaiting review"), default=False)
    moderation_reason = models.CharField(_("moderation reason"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    search_vector = searchable_vector(("title", "A"), ("text", "B"), translated=False)
    created_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta(GeoPointModel.Meta):
        ordering = ["-created_at", "-id"]
        indexes = [
            *geo_indexes(),
            models.Index(
                fields=["city", "-supports_count", "-created_at", "-id"],
                condition=Q(is_hidden=False),
                name="participation_prop_supported",
            ),
            models.Index(
                fields=["city", "-created_at", "-id"],
                condition=Q(is_hidden=False),
                name="participation_prop_newest",
            ),
            models.Index(
                fields=["city", "-comments_count", "-created_at", "-id"],
                condition=Q(is_hidden=False),
                name="participation_prop_discussed",
            ),
            models.Index(
                fields=["city", "-answered_at", "-id"],
                condition=Q(is_hidden=False, answered_at__isnull=False),
                name="participation_prop_answered",
            ),
            models.Index(
                fields=["city", "threshold_reached_at"],
                condition=Q(answered_at__isnull=True, threshold_reached_at__isnull=False),
                name="participation_prop_queue",
            ),
            models.Index(fields=["city"], condition=Q(review_pending=True), name="participation_prop_review"),
            models.Index(
                fields=["-supports_count", "-id"],
                condition=Q(is_hidden=False, status__in=["open", "under_study"]),
                name="participation_prop_featured",
            ),
            models.Index(
                fields=["city", "-moderated_at"],
                condition=Q(is_hidden=True),
                name="participation_prop_hidden",
            ),
            # The dashboard's figures and charts aggregate a whole city: index-only scans.
            models.Index(
                fields=["city", "created_at"],
                include=["id", "theme", "neighbourhood", "supports_count", "answered_at"],
                name="participation_prop_stats",
            ),
            GinIndex(fields=["search_vector"], name="participation_prop_search"),
        ]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """Reads ``self.city`` (a query unless selected)."""
        return reverse("participation:proposal", args=[self.city.slug, self.pk])

    def clean(self):
        super().clean()
        if self.neighbourhood_id and self.city_id and self.neighbourhood.city_id != self.city_id:
            raise ValidationError(
                {"neighbourhood": _("This neighbourhood is not in %(city)s.") % {"city": self.city}}
            )

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class SupportQuerySet(models.QuerySet):
    def of_visible_proposals(self, city):
        return self.filter(proposal__city=city, proposal__is_hidden=False)

    def given_by(self, member_ids):
        """Supports of ``member_ids`` to proposals not hidden (the people a member follows, in My Civic);
        the ids are bound as one array (``any_of``)."""
        return self.filter(any_of("member_id", member_ids), proposal__is_hidden=False)

    def given_by_dated(self, member_ids):
        """``given_by(member_ids)`` before its test on another table (its proposal is not hidden), for My Civic's
        newest-first pick: annotated with ``at`` (when) and ``public`` (the other row's id when
        ``given_by`` keeps the row, else null). A scalar subquery in the SELECT list, which PostgreSQL
        computes only for the rows left after ORDER BY … LIMIT (an EXISTS would hash every other row)."""
        visible = Proposal.objects.filter(pk=models.OuterRef("proposal_id"), is_hidden=False)
        return self.filter(any_of("member_id", member_ids)).annotate(
            at=models.F("created_at"), public=models.Subquery(visible.order_by().values("pk"))
        )

    def csv_rows_per_day(self, zone) -> Iterator[tuple]:
        """(day, count) rows of these supports, oldest first, days on ``zone``'s clock; columns as
        ``SUPPORTS_CSV_HEADER``. One grouped query."""
        days = (
            self.annotate(day=TruncDate("created_at", tzinfo=zone))
            .values_list("day")
            .annotate(n=models.Count("id"))
            .values_list("day", "n")
            .order_by("day")
        )
        return ((day.isoformat(), n) for day, n in days)


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="participation_supports",
        db_index=False,  # participation_support_member below starts with it
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SupportQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="participation_support_once")
        ]
        indexes = [
            models.Index(fields=["created_at"], name="participation_support_day"),
            # Covers the follow feed's read (``given_by``: the supports of 1,000 followed members, newest
            # first) without visiting the table: 5,000 supports at scale 1.
            models.Index(
                fields=["member", "created_at"], include=["proposal"], name="participation_support_member"
            ),
        ]
        verbose_name = _("support")
        verbose_name_plural = _("supports")

    def __str__(self) -> str:
        return f"{self.member_id} → {self.proposal_id}"


class CommentQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False, is_deleted=False)

    def moderation_queue(self, city, limit: int = 50):
        """Comments of ``city`` awaiting review or with open reports (three indexed queries)."""
        flagged = Flag.objects.filter(resolved_at__isnull=True, comment__proposal__city=city).values_list(
            "comment_id", flat=True
        )[:limit]
        pending = self.filter(proposal__city=city, review_pending=True).values_list("pk", flat=True)[:limit]
        return (
            self.filter(pk__in={*flagged, *pending})
            .annotate(open_flags=models.Count("flags", filter=Q(flags__resolved_at__isnull=True)))
            .select_related("author", "proposal")
            .order_by("-review_pending", "-open_flags", "-id")
        )


class Comment(ModeratedMixin, models.Model):
    """A comment; replies are one level deep (a reply's parent is always a top-level comment)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="participation_comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    text = models.TextField(
        _("comment"),
        validators=[
            MaxLengthValidator(
                COMMENT_TEXT_MAX,
                message=_(
                    "Your comment is too long: %(limit_value)d characters at most (it has %(show_value)d)."
                ),
            )
        ],
    )
    is_deleted = models.BooleanField(default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    review_pending = models.BooleanField(_("awaiting review"), default=False)
    moderation_reason = models.CharField(_("moderation reason"), max_length=300, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["proposal", "created_at"], name="participation_comment_prop"),
            models.Index(
                fields=["proposal"], condition=Q(review_pending=True), name="participation_comment_review"
            ),
        ]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]

    def editable_until(self):
        return self.created_at + timezone.timedelta(seconds=COMMENT_EDIT_WINDOW_SECONDS)

    @property
    def counts(self) -> bool:
        """Whether this comment is included in ``Proposal.comments_count``."""
        return not (self.is_hidden or self.is_deleted)


class ProposalPhoto(PhotoBase):
    """The photo of a proposal (the form offers one; the model does not limit them)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="photos")

    # The photo is optional and so is its description, as on the form.
    alt_required = False

    def photo_directory(self) -> str:
        return f"participation/proposals/{self.proposal_id}"


class ProposalFollow(FollowBase):
    """Who hears of a proposal's comments and answer; no count is shown, so none is kept."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participation_follows"
    )

    target_field = "proposal"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "member"], name="participation_follow_once")
        ]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.member_id} follows {self.proposal_id}"


class Answer(models.Model):
    """The city's public answer to a proposal; every change is kept in ``AnswerRevision``."""

    proposal = models.OneToOneField(Proposal, on_delete=models.CASCADE, related_name="answer")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=ANSWER_STATUSES)
    text = models.TextField(
        _("answer"),
        validators=[
            MaxLengthValidator(
                PROPOSAL_TEXT_MAX,
                message=_(
                    "The answer is too long: %(limit_value)d characters at most (it has %(show_value)d)."
                ),
            )
        ],
    )
    cost_cents = models.PositiveBigIntegerField(_("estimated cost (cents)"), null=True, blank=True)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.get_status_display()} — {self.proposal_id}"

    @property
    def cost(self):
        """The estimated cost in currency units (a Decimal), or None."""
        from decimal import Decimal

        return None if self.cost_cents is None else Decimal(self.cost_cents) / 100


class AnswerRevision(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=ANSWER_STATUSES)
    text = models.TextField(_("answer"))
    cost_cents = models.PositiveBigIntegerField(null=True, blank=True)
    planned_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("answer revision")
        verbose_name_plural = _("answer revisions")

    def __str__(self) -> str:
        return f"{self.answer_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Insulting, hateful or harassing")
    PERSONAL = "personal", _("Personal information about someone")
    ILLEGAL = "illegal", _("Illegal content")
    OFF_TOPIC = "off_topic", _("Off topic")


class Flag(models.Model):
    """A member reports a proposal or a comment (exactly one of the two)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["proposal"],
                condition=Q(resolved_at__isnull=True),
                name="participation_flag_open_prop",
            ),
            models.Index(
                fields=["comment"], condition=Q(resolved_at__isnull=True), name="participation_flag_open_comm"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(proposal__isnull=False, comment__isnull=True)
                    | Q(proposal__isnull=True, comment__isnull=False)
                ),
                name="participation_flag_one_target",
            ),
            models.UniqueConstraint(
                fields=["proposal", "member"],
                condition=Q(comment__isnull=True),
                name="participation_flag_prop_once",
            ),
            models.UniqueConstraint(
                fields=["comment", "member"],
                condition=Q(proposal__isnull=True),
                name="participation_flag_comm_once",
            ),
        ]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self) -> str:
        return f"{self.reason}: {self.proposal_id or self.comment_id}"


class CallQuerySet(models.QuerySet):
    def open(self):
        today = timezone.localdate()
        return self.filter(is_published=True).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))


class CallForParticipation(models.Model):
    """ "We need residents for a workshop on the new park": published by the city hall or an association."""

    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="participation_calls"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("published by"),
        on_delete=models.CASCADE,
        related_name="participation_calls",
    )
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=5000, help_text=_("Markdown."))
    ends_on = models.DateField(_("answers until"), null=True, blank=True)
    # The organiser writes in one language (not translated): pages in another mark it with ``lang``.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fr")
    is_published = models.BooleanField(_("published"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responses_count = models.PositiveIntegerField(default=0, editable=False)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("call for participation")
        verbose_name_plural = _("calls for participation")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:call", args=[self.city.slug, self.pk])


class CallResponse(models.Model):
    call = models.ForeignKey(CallForParticipation, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    message = models.TextField(_("message"), max_length=2000, blank=True)
    consent_to_share = models.BooleanField(
        _("I agree to share my name and email with the organiser"), default=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "member"], name="participation_respond_once")]
        verbose_name = _("response to a call")
        verbose_name_plural = _("responses to calls")

    def __str__(self) -> str:
        return f"{self.member_id} → {self.call_id}"


class CityParticipant(models.Model):
    """Who took part in a city's space (published, supported or commented), once per member: the
    dashboard's "participants" figure is a count of this table, not a DISTINCT over millions of supports."""

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["city", "member"], name="participation_participant_once")
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.city_id}"


class SupportDay(models.Model):
    """Supports given per city and (UTC) day, kept exact by the support services: the dashboard's
    monthly series reads a few hundred of these rows instead of millions of supports."""

    city = models.ForeignKey("places.City", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["city", "day"], name="participation_support_day_once")]
        verbose_name = _("supports of a day")
        verbose_name_plural = _("supports per day")

    def __str__(self) -> str:
        return f"{self.city_id} {self.day}: {self.count}"
