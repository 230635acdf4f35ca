"""Volunteer missions published by organisations, their slots, who joins them, and recommendations.

Recurring weekly slots are stored as concrete ``Slot`` rows (``slot_repeat_weekly`` copies a slot
for the next N weeks): every slot then has its own capacity, waiting list and attendance, and
searches never have to expand a rule. Rows of one series share ``series``.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from civic.core.discovery import any_of
from civic.core.search import SearchQuerySet, searchable_vector
from civic.places.geo import GeoPointModel, GeoQuerySet, geo_indexes

MAX_RADIUS_KM = 200

# Day parts of a slot's start, in the mission city's local time (matches accounts.Availability).
DAYPARTS = {"morning": (0, 12), "afternoon": (12, 18), "evening": (18, 24)}


class LocalPart(Func):
    """``EXTRACT(<part> FROM starts_at AT TIME ZONE <city timezone>)``: a row-wise local time part."""

    template = "EXTRACT(%(part)s FROM %(expressions)s)"
    arg_joiner = " AT TIME ZONE "
    output_field = IntegerField()

    def __init__(self, part: str, when, tz, **extra):
        super().__init__(when, tz, part=part, **extra)


class LocalDate(Func):
    template = "(%(expressions)s)::date"
    arg_joiner = " AT TIME ZONE "
    output_field = models.DateField()


def availability_q(keys) -> Q:
    """Slots (annotated with ``local_dow`` / ``local_hour``) matching any of the availability keys
    ``weekday_morning`` … ``weekend_evening``."""
    q = Q()
    for key in keys or ():
        days, _sep, part = key.partition("_")
        if part not in DAYPARTS or days not in ("weekday", "weekend"):
            continue
        low, high = DAYPARTS[part]
        day_q = Q(local_dow__gte=6) if days == "weekend" else Q(local_dow__lte=5)
        q |= day_q & Q(local_hour__gte=low, local_hour__lt=high)
    return q


class MissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class SlotQuerySet(models.QuerySet):
    def upcoming(self, now: datetime | None = None):
        return self.filter(starts_at__gt=now or timezone.now())

    def with_local_time(self, tz=None):
        """Annotate ``local_dow`` (1 = Monday … 7 = Sunday), ``local_hour`` and ``local_date`` in the
        mission city's time zone. ``tz`` is an expression for that zone: by default it joins mission and
        city; a subquery of missions passes ``OuterRef("city__timezone")`` instead."""
        tz = tz if tz is not None else F("mission__city__timezone")
        return self.annotate(
            local_dow=LocalPart("ISODOW", F("starts_at"), tz),
            local_hour=LocalPart("HOUR", F("starts_at"), tz),
            local_date=LocalDate(F("starts_at"), tz),
        )

    def matching(self, *, availability=(), date_from=None, date_to=None, tz=None):
        qs = self.with_local_time(tz)
        if availability:
            qs = qs.filter(availability_q(availability))
        if date_from:
            qs = qs.filter(local_date__gte=date_from)
        if date_to:
            qs = qs.filter(local_date__lte=date_to)
        return qs


class MissionQuerySet(SearchQuerySet, GeoQuerySet):
    def published(self):
        return self.filter(status=MissionStatus.PUBLISHED)

    def of_organizations(self, organization_ids):
        return self.filter(organization_id__in=organization_ids)

    def with_next_slot(self, *, availability=(), date_from=None, date_to=None, only_matching=False):
        """Annotate the next upcoming slot (``next_slot_id``, ``next_slot_at``, ``places_left``),
        restricted to slots matching the availability/date filters; with ``only_matching`` keep only
        missions that have such a slot. Subqueries in the same SQL statement: no extra query."""
        slots = Slot.objects.filter(mission=OuterRef("pk")).upcoming()
        if availability or date_from or date_to:
            # The time zone is joined inside the subquery: joining the city in the outer query would
            # make PostgreSQL hash-join and sort instead of following the nearest-first index scan.
            slots = slots.matching(availability=availability, date_from=date_from, date_to=date_to)
        slots = slots.order_by("starts_at")
        qs = self.annotate(
            next_slot_id=Subquery(slots.values("pk")[:1]),
            next_slot_at=Subquery(slots.values("starts_at")[:1]),
            places_left=Subquery(
                slots.annotate(left=F("capacity") - F("confirmed_count")).values("left")[:1],
                output_field=IntegerField(),
            ),
        )
        if only_matching:
            qs = qs.filter(Exists(slots))
        return qs

    def for_themes(self, theme_ids):
        if not theme_ids:
            return self
        through = Mission.themes.through
        return self.filter(Exists(through.objects.filter(mission_id=OuterRef("pk"), theme_id__in=theme_ids)))

    def for_list(self):
        """What a list or card shows: organisation joined; city and themes prefetched (two queries).
        The city is prefetched, not joined, so that a nearest-first scan stays a plain nested loop."""
        return self.select_related("organization").prefetch_related("city", "themes")

    def matching(
        self,
        *,
        lat: float | None = None,
        lng: float | None = None,
        km: float | None = None,
        theme_ids=(),
        availability=(),
        date_from=None,
        date_to=None,
        remote: bool = False,
        beginner: bool = False,
        accessible: bool = False,
        organization: str = "",
    ):
        """Published missions with an upcoming slot matching the dates and availability, annotated
        with that next slot; nearest first within ``km`` of (lat, lng) when given, else newest first.
        One SQL statement (slot filters are correlated subqueries). Both orders follow an index, so a
        LIMIT reads only what it shows: callers page with slices, never with a COUNT."""
        qs = self.published()
        if remote:
            qs = qs.filter(remote_possible=True)
        if beginner:
            qs = qs.filter(beginner_friendly=True)
        if accessible:
            qs = qs.filter(reduced_mobility_accessible=True)
        if organization:
            qs = qs.filter(organization__name__icontains=organization)
        qs = qs.for_themes(theme_ids).with_next_slot(
            availability=availability, date_from=date_from, date_to=date_to, only_matching=True
        )
        if lat is not None and lng is not None:
            return qs.near(lat, lng, km or 10)
        return qs.order_by("-pk")


class Mission(GeoPointModel):
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="missions",
    )
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="missions"
    )
    themes = models.ManyToManyField("core.Theme", verbose_name=_("themes"), blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), help_text=_("What and why. Markdown is allowed."))
    skills = models.TextField(_("skills wanted"), blank=True)
    what_to_bring = models.TextField(_("what to bring"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    remote_possible = models.BooleanField(_("remote possible"), default=False)
    beginner_friendly = models.BooleanField(_("suitable for beginners"), default=False)
    reduced_mobility_accessible = models.BooleanField(
        _("accessible to people with reduced mobility"), default=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MissionStatus.choices, default=MissionStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = searchable_vector(("title", "A"), ("description", "B"), ("skills", "C"))

    objects = MissionQuerySet.as_manager()

    class Meta(GeoPointModel.Meta):
        ordering = ["-created_at"]
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        indexes = [
            # Covering: the search list finds a page's missions from the index alone (ids_then_rows).
            *geo_indexes(include=["id", "status", "latitude", "longitude"]),
            models.Index(fields=["status", "organization"], name="volunteering_mission_status"),
            GinIndex(fields=["search_vector"], name="volunteering_mission_fts"),
            GinIndex(fields=["title_fr"], opclasses=["gin_trgm_ops"], name="volunteering_mission_trgm_fr"),
            GinIndex(fields=["title_en"], opclasses=["gin_trgm_ops"], name="volunteering_mission_trgm_en"),
            GinIndex(fields=["title_es"], opclasses=["gin_trgm_ops"], name="volunteering_mission_trgm_es"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    def clean(self):
        super().clean()
        if not self.point:
            raise ValidationError({"point": _("Place the mission on the map.")})

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("volunteering:mission_detail", args=[self.pk])

    @property
    def distance_km(self) -> float | None:
        """From ``near()``'s ``distance_m`` annotation, when the row was loaded with it."""
        meters = getattr(self, "distance_m", None)
        return None if meters is None else meters / 1000

    @property
    def is_published(self) -> bool:
        return self.status == MissionStatus.PUBLISHED


class Slot(models.Model):
    mission = models.ForeignKey(
        Mission, verbose_name=_("mission"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("volunteers needed"), default=5)
    # Denormalised, updated with F() under the slot's row lock by the services.
    confirmed_count = models.PositiveIntegerField(_("confirmed"), default=0, editable=False)
    series = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        indexes = [models.Index(fields=["mission", "starts_at"], name="volunteering_slot_next")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="volunteering_slot_capacity_positive"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="volunteering_slot_ends_after"
            ),
            # The services only raise confirmed_count under the slot's row lock and below capacity;
            # this makes any other path (admin, shell, a future bug) fail instead of overbooking.
            models.CheckConstraint(
                condition=Q(confirmed_count__lte=F("capacity")), name="volunteering_slot_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_count__gte=0), name="volunteering_slot_confirmed_not_negative"
            ),
        ]

    def __str__(self) -> str:
        # Reads mission and its city: list pages select_related("mission__city").
        return f"{self.mission} · {self.starts_at.astimezone(self.mission.city.timezone):%Y-%m-%d %H:%M}"

    def clean(self):
        super().clean()
        errors = {}
        if self.capacity is not None and self.capacity <= 0:
            errors["capacity"] = _("A slot needs at least one volunteer.")
        elif self.capacity is not None and self.capacity < self.confirmed_count:
            # The admin re-reads confirmed_count under the slot's row lock before this runs.
            errors["capacity"] = ngettext(
                "%(n)d volunteer is already confirmed: the capacity cannot be lower. "
                "Cancel participations first or keep a larger capacity.",
                "%(n)d volunteers are already confirmed: the capacity cannot be lower. "
                "Cancel participations first or keep a larger capacity.",
                self.confirmed_count,
            ) % {"n": self.confirmed_count}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The slot must end after it starts.")
        if self._state.adding and self.starts_at and self.starts_at < timezone.now():
            errors["starts_at"] = _("A new slot cannot start in the past.")
        if errors:
            raise ValidationError(errors)

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self) -> bool:
        return self.confirmed_count >= self.capacity

    @property
    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def duration_hours(self):
        from decimal import Decimal

        seconds = (self.ends_at - self.starts_at).total_seconds()
        return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


class ParticipationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


ACTIVE_STATUSES = (ParticipationStatus.CONFIRMED, ParticipationStatus.WAITING)


class ParticipationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_STATUSES)

    def of_member(self, member):
        return self.filter(member=member)

    def joined_by(self, member_ids):
        """What ``member_ids`` did in public: confirmed or attended places in published missions (the
        people a member follows, in My Civic). The ids are bound as one array (``any_of``)."""
        return self.filter(
            any_of("member_id", member_ids),
            status__in=(ParticipationStatus.CONFIRMED, ParticipationStatus.ATTENDED),
            slot__mission__status="published",
        )

    def joined_by_dated(self, member_ids):
        """``joined_by(member_ids)`` before its test on another table (its mission is published), for My Civic's
        newest-first pick: annotated with ``at`` (when) and ``public`` (the other row's id when
        ``joined_by`` keeps the row, else null). A scalar subquery in the SELECT list, which PostgreSQL
        computes only for the rows left after ORDER BY … LIMIT (an EXISTS would hash every other row)."""
        published = Slot.objects.filter(pk=OuterRef("slot_id"), mission__status="published")
        return self.filter(
            any_of("member_id", member_ids),
            status__in=(ParticipationStatus.CONFIRMED, ParticipationStatus.ATTENDED),
        ).annotate(at=F("created_at"), public=Subquery(published.order_by().values("pk")))

    def with_waiting_rank(self):
        """Annotate ``waiting_rank`` (1 = next to get a place) for waiting rows; a correlated count."""
        ahead = (
            Participation.objects.filter(
                slot=OuterRef("slot"), status=ParticipationStatus.WAITING, position__lte=OuterRef("position")
            )
            .order_by()
            .values("slot")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(waiting_rank=Coalesce(Subquery(ahead, output_field=IntegerField()), 0))


class Participation(models.Model):
    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="participations"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    status = models.CharField(_("status"), max_length=10, choices=ParticipationStatus.choices)
    position = models.PositiveIntegerField(_("waiting list position"), null=True, blank=True)
    share_contact = models.BooleanField(_("shares contact details with the organisation"), default=False)
    hours = models.DecimalField(_("hours done"), max_digits=6, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(fields=["slot", "member"], name="volunteering_participation_once"),
        ]
        indexes = [
            models.Index(fields=["slot", "status", "position"], name="volunteering_part_queue"),
            # Covers the follow feed's read (``joined_by``: the places of 1,000 followed members, newest
            # first) without visiting the table.
            models.Index(
                fields=["member", "status"], include=["created_at", "slot"], name="volunteering_part_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.slot}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Recommendation(models.Model):
    """A member recommended a mission by email. The recipients' addresses are not stored here: they
    live only in the email job (``civic.core.outbox``) until it has run."""

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mission_recommendations"
    )
    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="recommendations")
    recipients_count = models.PositiveSmallIntegerField(default=1)
    # How many of the addresses were emailed: a retried job starts after them (idempotent sends).
    emailed_count = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return f"{self.sender} → {self.mission}"
