"""Shared kernel models: themes (the interests every feature app tags with), the audit log, and the
vocabulary of titles that search corrects typos against."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _


class ThemeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Theme(models.Model):
    """A theme of local action (urban agriculture, recycling…). ``name`` is translated (fr/en/es)."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    icon = models.CharField(
        _("icon"), max_length=8, blank=True, help_text=_("An emoji or a short symbol shown next to the name.")
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
