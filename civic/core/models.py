"""Shared kernel models: themes (the interests every feature app tags with), the audit log, and the
vocabulary of titles that search corrects typos against."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _

from civic.core.icons import validate_icon_name


class ThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Theme(models.Model):
    """A theme of local action (urban agriculture, recycling…). ``name`` is translated (fr/en/es)."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    icon = models.CharField(
        _("icon"),
        max_length=40,
        blank=True,
        validators=[validate_icon_name],
        help_text=_(
            "The name of the drawing shown next to the name (one of the icons in static/icons/lucide/)."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name or self.slug


class AuditEntry(models.Model):
    """Who did what to which object, and when (``log_action``)."""

    action = models.CharField(_("action"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=40)
    target = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-created_at"], name="core_audit_target")
        ]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.action} {self.content_type_id}:{self.object_id}"


class TitleWord(models.Model):
    """Every word (accent-free, lower-case, three letters or more) that has appeared in a title of
    any searchable kind, the vocabulary typos are corrected against (``civic.core.search``).

    Filled by a statement-level trigger on each searchable table (``title_words_trigger()``) from
    the ``A``-weighted lexemes of its ``search_vector``, so admin edits, services and bulk inserts
    all feed it. Words are never removed: a stale word only adds an alternative that matches nothing.
    """

    word = models.TextField(primary_key=True)

    class Meta:
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="core_titleword_trgm")]

    def __str__(self) -> str:
        return self.word


class OutboxJob(models.Model):
    """A Celery job that a write needs, recorded in the write's own transaction (``civic.core.outbox``).

    The row is dispatched to the broker after commit and again by ``sweep_outbox`` (beat) whenever
    ``run_after`` has passed: not yet taken (broker down when the write committed), taken by a worker
    that died, or failed and waiting for its retry. A worker deletes the row once the job has run,
    so the table only holds jobs still owed.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    queue = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the sweep may (re)dispatch it; NULL once it has failed for good (kept for an editor to read).
    run_after = models.DateTimeField(null=True, blank=True)
    # When the sweep last handed it to the broker (the dispatch right after commit does not stamp
    # it: one UPDATE less per write).
    dispatched_at = models.DateTimeField(null=True, blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["run_after"], name="core_outbox_due", condition=models.Q(run_after__isnull=False)
            )
        ]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class RateEvent(models.Model):
    """One use of a rate-limited action by a member (``civic.core.ratelimit``), written in the same
    transaction as the action itself, so a failed action does not count and parallel ones cannot
    slip past the limit. Rows older than the action's window are deleted as the member acts again."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=80)
    cost = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["member", "action", "created_at"], name="core_rate_member_action")]

    def __str__(self) -> str:
        return f"{self.action} × {self.cost}"


class PageVersion(models.Model):
    """The version of one tag of the anonymous page cache (``civic.core.pagecache``): ``mission:42``,
    ``mission`` (every mission list), ``site``… A cached page's key holds the versions of its tags,
    so bumping a tag makes every page that depends on it miss.

    Kept in PostgreSQL, not Redis: a bump made while Redis is down is not lost, so a page cached
    before the outage is never served once Redis is back. Versions come from one sequence
    (``core_pageversion_seq``): a rolled-back or deleted row never makes an old number current again.
    """

    key = models.CharField(max_length=120, primary_key=True)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.key}={self.version}"
