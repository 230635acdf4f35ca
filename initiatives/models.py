"""The initiative catalogue: initiatives found by spotters, and what reporters attach to them
(portraits, practical tips, video reports), each going through the same editorial review.

Reads are QuerySet methods (``Initiative.objects.published().search("compost").near(…)``); writes
that matter are in ``initiatives.services``; who may do what is in ``initiatives.rules``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from civic.core.discovery import any_of
from civic.core.follows import FollowBase
from civic.core.photos import PhotoBase
from civic.core.search import SearchQuerySet, searchable_vector
from civic.places.geo import GeoPointModel, GeoQuerySet, geo_indexes


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    SENT_BACK = "sent_back", _("Sent back")
    REJECTED = "rejected", _("Rejected")


EDITABLE_STATUSES = (Status.DRAFT, Status.SENT_BACK)


class ReviewedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def in_review(self):
        return self.filter(status=Status.IN_REVIEW)


class Reviewed(models.Model):
    """Abstract: something a member writes and an editor reviews (draft → in review → published,
    sent back with a comment, or rejected)."""

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    editor_comment = models.TextField(
        _("editor's comment"), blank=True, help_text=_("Why it was sent back or rejected.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def owner_id(self) -> int | None:
        raise NotImplementedError

    @property
    def kind_label(self) -> str:
        return str(self._meta.verbose_name)


class InitiativeQuerySet(SearchQuerySet, GeoQuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def spotted_by(self, member_ids):
        """Published initiatives spotted by ``member_ids`` (the people a member follows, in My Civic);
        the ids are bound as one array (``any_of``)."""
        return self.published().filter(any_of("spotter_id", member_ids))

    def spotted_by_dated(self, member_ids):
        """``spotted_by(member_ids)`` for My Civic's newest-first pick: annotated with ``at`` (publication)
        and ``public`` (the initiative's own id: every test is on the row itself)."""
        return self.spotted_by(member_ids).annotate(at=models.F("published_at"), public=models.F("pk"))

    def in_review(self):
        return self.filter(status=Status.IN_REVIEW)

    def visible_to(self, user):
        """Published ones, plus the member's own (any status); editors see everything."""
        if user is not None and user.is_authenticated and (user.is_staff or user.is_superuser):
            return self
        if user is not None and user.is_authenticated:
            return self.filter(Q(status=Status.PUBLISHED) | Q(spotter=user))
        return self.published()

    def for_themes(self, theme_ids):
        """Initiatives on any of ``theme_ids``. A semi-join (EXISTS), not a join: no duplicate rows, so
        no DISTINCT, which would make a nearest-first list read and sort every initiative of the radius
        instead of following the GiST index (0.9–2 s for My Civic's 25 km around Paris at scale 1)."""
        if not theme_ids:
            return self
        through = Initiative.themes.through
        return self.filter(
            models.Exists(through.objects.filter(initiative_id=models.OuterRef("pk"), theme_id__in=theme_ids))
        )

    def for_card(self):
        """What a card shows: city, themes and photos, in 3 queries whatever the number of rows (4
        nearest first: the city is then prefetched, see ``orders_nearest_first``)."""
        with_city = (
            self.prefetch_related("city") if self.orders_nearest_first() else self.select_related("city")
        )
        return with_city.prefetch_related(
            "themes", Prefetch("photos", queryset=InitiativePhoto.objects.order_by("position", "pk"))
        )


class Initiative(GeoPointModel, Reviewed):
    """A local initiative. ``title``/``summary``/``story`` are translated (fr/en/es, with fallback);
    ``search_vector`` is generated by PostgreSQL from every language's fields (``searchable_vector``),
    so admin edits, bulk writes and services all stay searchable."""

    title = models.CharField(_("title"), max_length=160)
    summary = models.TextField(_("summary"), max_length=600, help_text=_("Two or three sentences."))
    story = models.TextField(_("story"), blank=True, help_text=_("The full story, in Markdown."))
    city = models.ForeignKey(
        "places.City", verbose_name=_("city"), on_delete=models.PROTECT, related_name="initiatives"
    )
    themes = models.ManyToManyField("core.Theme", verbose_name=_("themes"), related_name="initiatives")
    spotter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("spotter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="spotted_initiatives",
    )
    contact_email = models.EmailField(
        _("contact email of the team"),
        blank=True,
        help_text=_("Never shown on the site: members write through a contact form."),
    )
    website = models.URLField(_("website"), blank=True)
    featured = models.BooleanField(_("featured"), default=False, help_text=_("Shown on the home page."))
    replication_count = models.PositiveIntegerField(_("replications"), default=0, editable=False)
    follower_count = models.PositiveIntegerField(_("followers"), default=0, editable=False)
    search_vector = searchable_vector(("title", "A"), ("summary", "B"), ("story", "C"))

    objects = InitiativeQuerySet.as_manager()

    class Meta(GeoPointModel.Meta):
        ordering = ["-published_at", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [
            *geo_indexes("initiatives_ini"),
            models.Index(fields=["status", "-published_at", "-id"], name="initiatives_ini_newest"),
            models.Index(
                fields=["status", "-replication_count", "-published_at"], name="initiatives_ini_replicated"
            ),
            models.Index(fields=["status", "featured"], name="initiatives_ini_featured"),
            GinIndex(fields=["search_vector"], name="initiatives_ini_search"),
        ]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("initiatives:detail", args=[self.pk])

    def owner_id(self) -> int | None:
        return self.spotter_id

    def shown_in_another_language(self, language: str | None = None) -> bool:
        """True when the current language has no title or summary and a fallback is displayed."""
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        language = language.split("-")[0]
        return not (getattr(self, f"title_{language}", "") and getattr(self, f"summary_{language}", ""))

    def display_language(self, language: str | None = None) -> str:
        """The language the title is actually shown in (the current one, or the fallback's)."""
        language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        if getattr(self, f"title_{language}", ""):
            return language
        for fallback in settings.MODELTRANSLATION_FALLBACK_LANGUAGES["default"]:
            if getattr(self, f"title_{fallback}", ""):
                return fallback
        return language

    @property
    def cover(self) -> InitiativePhoto | None:
        """The first photo; free when ``photos`` was prefetched (``for_card()``), one query otherwise."""
        photos = list(self.photos.all())
        return photos[0] if photos else None


def photo_path(instance, filename):
    # Named by migrations written before PhotoBase; new files go through photo_directory().
    return f"initiatives/{instance.initiative_id}/{filename}"


class InitiativePhoto(PhotoBase):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="photos")

    def photo_directory(self) -> str:
        return f"initiatives/{self.initiative_id}"


class Portrait(Reviewed):
    """One of the people behind an initiative, written by a reporter."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="portraits")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="initiative_portraits"
    )
    name = models.CharField(_("name of the person"), max_length=120)
    role = models.CharField(_("role"), max_length=160, blank=True)
    text = models.TextField(_("portrait"), help_text=_("In Markdown."))

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("portrait")
        verbose_name_plural = _("portraits")
        indexes = [models.Index(fields=["initiative", "status"], name="initiatives_portrait_st")]

    def __str__(self) -> str:
        return self.name

    def owner_id(self) -> int | None:
        return self.author_id


class TipKind(models.TextChoices):
    HOW_TO_START = "start", _("How to start")
    STEPS = "steps", _("Steps")
    COSTS = "costs", _("Costs")
    PITFALLS = "pitfalls", _("Pitfalls")
    RESOURCES = "resources", _("Resources")


class PracticalTip(Reviewed):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="tips")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="initiative_tips"
    )
    kind = models.CharField(
        _("kind of tip"), max_length=12, choices=TipKind.choices, default=TipKind.HOW_TO_START
    )
    title = models.CharField(_("title"), max_length=160)
    body = models.TextField(_("tip"), help_text=_("In Markdown."))

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("practical tip")
        verbose_name_plural = _("practical tips")
        indexes = [models.Index(fields=["initiative", "status"], name="initiatives_tip_st")]

    def __str__(self) -> str:
        return self.title

    def owner_id(self) -> int | None:
        return self.author_id


class VideoProvider(models.TextChoices):
    YOUTUBE = "youtube", "YouTube"
    VIMEO = "vimeo", "Vimeo"
    PEERTUBE = "peertube", "PeerTube"


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
_PEERTUBE_PATH = re.compile(r"^/(?:w|videos/watch|videos/embed)/([A-Za-z0-9-]{6,40})/?$")


def parse_video_url(url: str) -> tuple[str, str, str]:
    """``(provider, video_id, host)`` for a YouTube, Vimeo or PeerTube link; ValidationError otherwise."""
    error = ValidationError(
        _("Use a link to a YouTube, Vimeo or PeerTube video (for example https://vimeo.com/123456)."),
        code="unsupported_video",
    )
    parsed = urlparse((url or "").strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise error
    host = parsed.hostname.lower()
    bare = host.removeprefix("www.").removeprefix("m.")
    video_id = ""
    if bare in ("youtube.com", "youtube-nocookie.com"):
        if parsed.path == "/watch":
            video_id = (parse_qs(parsed.query).get("v") or [""])[0]
        elif parsed.path.startswith(("/embed/", "/shorts/", "/live/")):
            video_id = parsed.path.split("/")[2]
        provider = VideoProvider.YOUTUBE
    elif bare == "youtu.be":
        video_id, provider = parsed.path.strip("/"), VideoProvider.YOUTUBE
    elif bare in ("vimeo.com", "player.vimeo.com"):
        last = parsed.path.rstrip("/").split("/")[-1]
        video_id, provider = (last if last.isdigit() else ""), VideoProvider.VIMEO
    else:
        match = _PEERTUBE_PATH.match(parsed.path)
        video_id, provider = (match.group(1) if match else ""), VideoProvider.PEERTUBE
        # Any server can answer /w/<id>: only the instances listed in PEERTUBE_HOSTS are embedded,
        # so that the CSP frame-src names every origin the site may frame.
        if video_id and host not in settings.PEERTUBE_HOSTS:
            raise ValidationError(
                _("PeerTube videos are accepted from these instances only: %(hosts)s."),
                code="unlisted_peertube",
                params={"hosts": ", ".join(settings.PEERTUBE_HOSTS) or "—"},
            )
    if provider == VideoProvider.YOUTUBE and not _YOUTUBE_ID.match(video_id or ""):
        raise error
    if not video_id:
        raise error
    return provider, video_id, host


def validate_video_url(url: str) -> None:
    parse_video_url(url)


class VideoReport(Reviewed):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="videos")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="initiative_videos"
    )
    title = models.CharField(_("title"), max_length=160)
    url = models.URLField(
        _("video link"), validators=[validate_video_url], help_text=_("A YouTube, Vimeo or PeerTube link.")
    )

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("video report")
        verbose_name_plural = _("video reports")
        indexes = [models.Index(fields=["initiative", "status"], name="initiatives_video_st")]

    def __str__(self) -> str:
        return self.title

    def owner_id(self) -> int | None:
        return self.author_id

    @property
    def embed_url(self) -> str:
        """The privacy-friendly player address, loaded only when the visitor clicks; empty when the
        link is no longer embeddable (a PeerTube instance removed from PEERTUBE_HOSTS)."""
        try:
            provider, video_id, host = parse_video_url(self.url)
        except ValidationError:
            return ""
        if provider == VideoProvider.YOUTUBE:
            return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
        if provider == VideoProvider.VIMEO:
            return f"https://player.vimeo.com/video/{video_id}?dnt=1&autoplay=1"
        return f"https://{host}/videos/embed/{video_id}?autoplay=1"

    @property
    def provider(self) -> str:
        try:
            return VideoProvider(parse_video_url(self.url)[0]).label
        except ValidationError:
            return ""

    @property
    def host(self) -> str:
        return (urlparse(self.url).hostname or "").lower()


class ReplicationIntentQuerySet(models.QuerySet):
    def wished_by(self, member_ids):
        """Wishes of ``member_ids`` to start a published initiative (the people a member follows, in My
        Civic); the ids are bound as one array (``any_of``)."""
        return self.filter(any_of("member_id", member_ids), initiative__status=Status.PUBLISHED)

    def wished_by_dated(self, member_ids):
        """``wished_by(member_ids)`` before its test on another table (its initiative is published), for My Civic's
        newest-first pick: annotated with ``at`` (when) and ``public`` (the other row's id when
        ``wished_by`` keeps the row, else null). A scalar subquery in the SELECT list, which PostgreSQL
        computes only for the rows left after ORDER BY … LIMIT (an EXISTS would hash every other row)."""
        published = Initiative.objects.filter(pk=models.OuterRef("initiative_id"), status=Status.PUBLISHED)
        return self.filter(any_of("member_id", member_ids)).annotate(
            at=models.F("created_at"), public=models.Subquery(published.order_by().values("pk"))
        )


class ReplicationIntent(models.Model):
    """A member who wants to start this initiative in their own city. One per member per initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="replications")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiative_replications"
    )
    city = models.ForeignKey(
        "places.City", verbose_name=_("your city"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("a few words"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReplicationIntentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "member"], name="initiatives_replicate_once"),
        ]
        verbose_name = _("replication intent")
        verbose_name_plural = _("replication intents")

    def __str__(self) -> str:
        return f"{self.member_id} → {self.initiative_id}"


class InitiativeFollow(FollowBase):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiative_follows"
    )

    target_field = "initiative"
    counter_field = "follower_count"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "member"], name="initiatives_follow_once"),
        ]
        verbose_name = _("follow")
        verbose_name_plural = _("follows")

    def __str__(self) -> str:
        return f"{self.member_id} → {self.initiative_id}"


class ContactMessage(models.Model):
    """A message to an initiative's team, relayed by notification: the sender's email stays hidden."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="initiative_messages"
    )
    body = models.TextField(_("your message"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.initiative_id}"
