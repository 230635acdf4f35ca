"""Events, RSVPs, reports, the community board, and NCZ Days (mobilisation days) with their city editions.

Design notes (details in the README's events section):

- A **city edition** of an NCZ Day owns one ``Event`` (one-to-one). Participants join the edition by
  RSVPing to that event, so capacity, waiting list, FIFO promotion, reminders and iCal are one code path.
  The event stays unpublished until an editor approves the edition.
- A **recurring series** is materialised: creating a weekly/monthly series creates one ``Event`` row per
  occurrence (wall-clock time kept in the city's timezone, so DST does not shift it). An exception is an
  occurrence date listed in ``EventSeries.exceptions``: it is never created, and cancelling an occurrence
  later adds its date there. Each occurrence has its own RSVPs, capacity and report.
- ``Event.seats_taken`` is the number of seats held by "going" RSVPs (member + guests). It only changes
  inside services that hold the event's row lock (``select_for_update``), so capacity is never exceeded.
- Links to an initiative, project or mission are stored as a URL + title, and optionally a generic
  (content type, id) reference that renders only when the target app is installed: no feature app import.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Count, DateField, F, Func, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civic.core.discovery import any_of
from civic.core.l10n import local_iso
from civic.core.photos import PhotoBase
from civic.core.search import SearchQuerySet, searchable_vector
from civic.places.geo import GeoPointModel, GeoQuerySet, geo_indexes

SPOKEN_LANGUAGES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
    ("sv", _("Swedish")),
    ("tl", _("Tagalog")),
    ("ca", _("Catalan")),
    ("de", _("German")),
    ("it", _("Italian")),
]


class EventKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    CONFERENCE = "conference", _("Conference")
    MEETUP = "meetup", _("Meetup")
    CREATIVITY_WORKSHOP = "creativity_workshop", _("Creativity workshop")
    SCREENING = "screening", _("Screening of a report")
    ACTION = "action", _("Clean-up / action")


class LinkedObjectMixin(models.Model):
    """An optional link to something in another app (initiative, project, mission) without importing it."""

    link_url = models.URLField(_("link to an initiative, project or mission"), blank=True)
    link_title = models.CharField(_("title of the linked page"), max_length=200, blank=True)
    link_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_object_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        abstract = True

    def linked(self) -> dict | None:
        """``{"url", "title"}`` of the linked page, or None.

        A generic reference resolves only when its app is installed and the row exists (one query,
        ContentType is cached); otherwise the stored URL is used.
        """
        if self.link_content_type_id and self.link_object_id:
            model = ContentType.objects.get_for_id(self.link_content_type_id).model_class()
            target = model._default_manager.filter(pk=self.link_object_id).first() if model else None
            if target is not None and hasattr(target, "get_absolute_url"):
                return {"url": target.get_absolute_url(), "title": self.link_title or str(target)}
        if self.link_url:
            return {"url": self.link_url, "title": self.link_title or self.link_url}
        return None


class EventSeries(models.Model):
    """A weekly or monthly series; its occurrences are ``Event`` rows (see the module docstring)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        MONTHLY = "monthly", _("Every month")

    frequency = models.CharField(_("repeats"), max_length=10, choices=Frequency.choices)
    until = models.DateField(_("until"))
    exceptions = ArrayField(models.DateField(), verbose_name=_("skipped dates"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} → {self.until}"


# An event lasts at most this long (a check constraint says so); longer activities are series.
MAX_EVENT_DAYS = 14
MAX_EVENT_LENGTH = timedelta(days=MAX_EVENT_DAYS)


class LocalDate(Func):
    """``timezone(zone, instant)::date``: the wall-clock date of an instant in a named time zone."""

    function = "timezone"
    template = "(%(function)s(%(expressions)s))::date"
    output_field = DateField()


class EventQuerySet(SearchQuerySet, GeoQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def for_themes(self, theme_ids):
        """Events on any of ``theme_ids``, as a semi-join (EXISTS): no duplicates, so no DISTINCT, which
        would sort every event of a radius instead of following the nearest-first index."""
        if not theme_ids:
            return self
        through = Event.themes.through
        return self.filter(
            models.Exists(through.objects.filter(event_id=models.OuterRef("pk"), theme_id__in=theme_ids))
        )

    def upcoming(self, now: datetime | None = None):
        """Not over yet, soonest first. The lower bound on ``starts_at`` (no event lasts more than
        ``MAX_EVENT_DAYS``) lets the ``(is_published, starts_at)`` index start near now instead of
        skipping every past event."""
        now = now or timezone.now()
        return self.filter(ends_at__gte=now, starts_at__gte=now - MAX_EVENT_LENGTH).order_by(
            "starts_at", "pk"
        )

    def past(self, now: datetime | None = None):
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def between(self, start: datetime, end: datetime):
        return self.filter(starts_at__lt=end, starts_at__gte=start - MAX_EVENT_LENGTH, ends_at__gte=start)

    def first_per_local_day(self, per_day: int) -> list[tuple[int, date, int]]:
        """``(pk, local day, events that day)`` of at most ``per_day`` events per day, earliest
        first; the local day is the date it starts on in its city's time zone. One query on narrow
        rows (the window sorts ids and dates, not whole events): a month grid stays readable and
        fast however busy a day is; fetch the events themselves by ``pk``."""
        day = LocalDate(F("city__timezone"), F("starts_at"))
        in_day = {"partition_by": [day], "order_by": [F("starts_at").asc(), F("pk").asc()]}
        return list(
            self.annotate(
                local_day=day,
                nth=Window(RowNumber(), **in_day),
                day_total=Window(Count("pk"), partition_by=[day]),
            )
            .filter(nth__lte=per_day)
            .order_by()
            .values_list("pk", "local_day", "day_total")
        )

    def for_list(self, *, nearest_first: bool = False):
        """What a card shows: city, organisation, themes; a fixed number of queries for any count.
        ``nearest_first`` prefetches instead of joining: a join makes PostgreSQL read every event
        in the radius and sort them, instead of following the GiST index nearest-first."""
        if nearest_first:
            return self.prefetch_related("city", "organization", "edition", "themes")
        return self.select_related("city", "organization", "edition").prefetch_related("themes")


class Event(LinkedObjectMixin, GeoPointModel):
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices, default=EventKind.MEETUP)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown is allowed."))
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="+"
    )
    place_name = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Name and address."))
    is_online = models.BooleanField(_("online"), default=False)
    online_url = models.URLField(
        _("link to join online"), blank=True, help_text=_("Shown to attendees only.")
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    themes = models.ManyToManyField("core.Theme", verbose_name=_("themes"), blank=True, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("organisers"), blank=True, related_name="organised_events"
    )
    languages = ArrayField(
        models.CharField(max_length=8, choices=SPOKEN_LANGUAGES),
        verbose_name=_("languages spoken"),
        default=list,
        blank=True,
    )
    series = models.ForeignKey(
        EventSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="occurrences"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_published = models.BooleanField(_("published"), default=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    # Claimed with a conditional UPDATE by the beat tasks, so each message goes out once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    followup_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    search_vector = searchable_vector(("title", "A"), ("description", "B"))
    # What another app's thing this event stands for ("crowdfunding.meeting:12"), set by
    # ``services.linked_event_create``; unique, so that thing becomes one event however often asked.
    # A database default too: rows written by COPY (the bench) or raw SQL need no value.
    source_key = models.CharField(max_length=100, blank=True, default="", db_default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta(GeoPointModel.Meta):
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            *geo_indexes(),
            models.Index(fields=["is_published", "starts_at"], name="events_event_pub_start"),
            models.Index(fields=["city", "starts_at"], name="events_event_city_start"),
            # The month calendar reads a few weeks of published events: an index-only scan.
            models.Index(
                fields=["starts_at"],
                include=["ends_at", "city", "id"],
                condition=Q(is_published=True),
                name="events_event_calendar",
            ),
            GinIndex(fields=["search_vector"], name="events_event_search"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__lte=F("starts_at") + MAX_EVENT_LENGTH),
                name="events_event_at_most_14_days",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="events_event_within_capacity",
            ),
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="events_event_source_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    @property
    def tz(self):
        """The city's timezone (reads self.city: a query unless select_related)."""
        return self.city.timezone

    @property
    def local_start(self) -> datetime:
        return timezone.localtime(self.starts_at, self.tz)

    @property
    def local_end(self) -> datetime:
        return timezone.localtime(self.ends_at, self.tz)

    @property
    def place_and_city(self) -> str:
        """Where it takes place, for a reader: the place, then the city's name unless the place
        already names it ("Maison des associations, Marseille" is not followed by ", Marseille").
        Reads self.city."""
        city = str(self.city.name)
        if not self.place_name:
            return city
        if city.casefold() in self.place_name.casefold():
            return self.place_name
        return f"{self.place_name}, {city}"

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.seats_taken >= self.capacity

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()


class RSVPQuerySet(models.QuerySet):
    def going(self):
        return self.filter(status=RSVP.Status.GOING)

    def going_by(self, member_ids):
        """``member_ids`` going to published events (the people a member follows, in My Civic); the ids
        are bound as one array (``any_of``)."""
        return self.filter(
            any_of("member_id", member_ids), status=RSVP.Status.GOING, event__is_published=True
        )

    def going_by_dated(self, member_ids):
        """``going_by(member_ids)`` before its test on another table (its event is published), for My Civic's
        newest-first pick: annotated with ``at`` (when) and ``public`` (the other row's id when
        ``going_by`` keeps the row, else null). A scalar subquery in the SELECT list, which PostgreSQL
        computes only for the rows left after ORDER BY … LIMIT (an EXISTS would hash every other row)."""
        published = Event.objects.filter(pk=models.OuterRef("event_id"), is_published=True)
        return self.filter(any_of("member_id", member_ids), status=RSVP.Status.GOING).annotate(
            at=F("created_at"), public=models.Subquery(published.order_by().values("pk"))
        )

    def waiting(self):
        return self.filter(status=RSVP.Status.WAITING).order_by("queued_at", "pk")

    def active(self):
        return self.exclude(status=RSVP.Status.CANCELLED)

    def csv_rows(self, zone) -> Iterator[tuple]:
        """Rows (``ATTENDEES_CSV_HEADER``) of these RSVPs, going then waiting: names, status, guests,
        attendance, no email addresses; ``rsvp_at`` on ``zone``'s clock (the event city's). One
        query, read in chunks while the response streams."""
        rows = self.select_related("member").order_by("status", "queued_at", "pk")
        for rsvp in rows.iterator(chunk_size=2000):
            yield (
                rsvp.member.public_name,
                rsvp.status,
                rsvp.guests,
                None if rsvp.attended is None else ("yes" if rsvp.attended else "no"),
                local_iso(rsvp.queued_at, zone),
            )


ATTENDEES_CSV_HEADER = ("name", "status", "guests", "attended", "rsvp_at")


class RSVP(models.Model):
    class Status(models.TextChoices):
        GOING = "going", _("Going")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_rsvps")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RSVPQuerySet.as_manager()

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [models.UniqueConstraint(fields=["event", "member"], name="events_rsvp_once")]
        indexes = [
            models.Index(fields=["event", "status", "queued_at"], name="events_rsvp_queue"),
            # Covers the follow feed's read (``going_by``: 1,000 followed members, newest first) without
            # visiting the table.
            models.Index(
                fields=["member", "status"], include=["created_at", "event"], name="events_rsvp_member"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.event_id} ({self.status})"

    @property
    def seats(self) -> int:
        return 1 + self.guests


def report_photo_path(instance, filename):
    # Named by migrations written before PhotoBase; new files go through photo_directory().
    return f"events/reports/{instance.report_id}/{filename}"


class EventReport(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="report")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    people_count = models.PositiveIntegerField(_("number of people"))
    text = models.TextField(_("what was done"), help_text=_("Markdown is allowed."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event report")
        verbose_name_plural = _("event reports")

    def __str__(self) -> str:
        return f"{self.event}"


class ReportPhoto(PhotoBase):
    report = models.ForeignKey(EventReport, on_delete=models.CASCADE, related_name="photos")

    # An organiser may post photos without describing them; pages then say "Photo of the event".
    alt_required = False

    def photo_directory(self) -> str:
        return f"events/reports/{self.report_id}"


class FeedToken(models.Model):
    """The private token of a member's personal iCal feed."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)

    def __str__(self) -> str:
        return f"feed of {self.member_id}"


class BoardKind(models.TextChoices):
    NEED = "need", _("Need")
    OFFER = "offer", _("Offer")


class BoardCategory(models.TextChoices):
    SKILLS = "skills", _("Skills")
    ROOMS = "rooms", _("Rooms")
    TOOLS = "tools", _("Tools")
    TIME = "time", _("Time")


class BoardEntryQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)


class CommunityBoardEntry(models.Model):
    """#Goodsharing: what local actors need or offer in a city. User-written text keeps its language."""

    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(_("need or offer"), max_length=8, choices=BoardKind.choices)
    category = models.CharField(_("what"), max_length=8, choices=BoardCategory.choices)
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("details"), max_length=3000)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="fr")
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = BoardEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("community board entry")
        verbose_name_plural = _("community board")
        indexes = [models.Index(fields=["city", "is_open", "-created_at"], name="events_board_city")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:board_entry", args=[self.city.slug, self.pk])


class BoardReply(models.Model):
    """A private message about a board entry, between its author and one other member."""

    entry = models.ForeignKey(CommunityBoardEntry, on_delete=models.CASCADE, related_name="replies")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("private reply")
        verbose_name_plural = _("private replies")

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id} about {self.entry_id}"


# --- NCZ Days --------------------------------------------------------------------------------------


class MobilisationDayQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


class MobilisationDay(models.Model):
    """An NCZ Day: one initiative replicated in many cities on the same date."""

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    tips = models.TextField(_("tips"), blank=True, help_text=_("Markdown is allowed."))
    checklist = models.TextField(_("checklist"), blank=True, help_text=_("One item per line."))
    themes = models.ManyToManyField(
        "core.Theme",
        verbose_name=_("themes"),
        blank=True,
        related_name="+",
        help_text=_("Members interested in these themes are told about the day."),
    )
    registration_opens = models.DateField(_("registration opens"))
    registration_closes = models.DateField(_("registration closes"))
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MobilisationDayQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("NCZ Day")
        verbose_name_plural = _("NCZ Days")
        constraints = [
            models.CheckConstraint(
                condition=Q(registration_closes__gte=F("registration_opens"))
                & Q(registration_closes__lte=F("date")),
                name="events_day_registration_window",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:day_detail", args=[self.slug])

    def checklist_items(self) -> list[str]:
        return [line.strip(" -*\t") for line in self.checklist.splitlines() if line.strip(" -*\t")]

    def registration_is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.registration_opens <= today <= self.registration_closes


class FeaturedInitiative(LinkedObjectMixin, models.Model):
    """An initiative a day invites cities to replicate (URL + title, or a generic reference)."""

    day = models.ForeignKey(MobilisationDay, on_delete=models.CASCADE, related_name="featured")
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("featured initiative")
        verbose_name_plural = _("featured initiatives")

    def __str__(self) -> str:
        return self.title


def kit_path(instance, filename):
    return f"events/kits/{instance.day_id}/{filename}"


class KitFile(models.Model):
    day = models.ForeignKey(MobilisationDay, on_delete=models.CASCADE, related_name="kit_files")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=kit_path)

    class Meta:
        verbose_name = _("kit file")
        verbose_name_plural = _("practical kit")

    def __str__(self) -> str:
        return self.title


class EditionQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CityEdition.Status.APPROVED)

    def for_map(self):
        return self.select_related("event", "event__city", "initiative")


class CityEdition(models.Model):
    """A city's edition of an NCZ Day, run by a shaker; its ``event`` carries place, time and RSVPs."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    day = models.ForeignKey(MobilisationDay, on_delete=models.CASCADE, related_name="editions")
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="edition")
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    initiative = models.ForeignKey(
        FeaturedInitiative,
        verbose_name=_("initiative replicated"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EditionQuerySet.as_manager()

    class Meta:
        ordering = ["day", "pk"]
        verbose_name = _("city edition")
        verbose_name_plural = _("city editions")
        indexes = [models.Index(fields=["day", "status"], name="events_edition_day_status")]

    def __str__(self) -> str:
        return f"{self.day} — {self.event.city}"


class ScheduledStep(models.Model):
    """One step of a day's timeline, claimed once: the unique constraint is the "exactly once" guard.

    ``edition`` is null for day-wide steps (announcement, summary). The row is created in the same
    transaction that enqueues the work; ``done_at`` is set when the work finished, so a step whose
    worker died is re-enqueued by the next scheduler run (messages stay single thanks to notify's
    ``dedupe_key``).
    """

    day = models.ForeignKey(MobilisationDay, on_delete=models.CASCADE, related_name="steps")
    edition = models.ForeignKey(
        CityEdition, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(max_length=30)
    claimed_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled step")
        verbose_name_plural = _("scheduled steps")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "edition", "step"], nulls_distinct=False, name="events_step_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day_id}/{self.edition_id}/{self.step}"
