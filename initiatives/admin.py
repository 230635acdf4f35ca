"""Editors' admin: every content field in fr/en/es side by side (modeltranslation), the featured
toggle, and the review fields. Editors only: initiatives belong to the platform, not to an
organisation, so organisation members do not see them here."""

from django.contrib import admin

from civic.core.photo_admin import PhotoInline as KernelPhotoInline
from civic.core.translation_admin import TranslationAdmin, TranslationStackedInline
from civic.organizations.admin_mixins import CounterSafeAdminMixin, EditorOnlyAdmin
from initiatives.models import (
    ContactMessage,
    Initiative,
    InitiativePhoto,
    Portrait,
    PracticalTip,
    ReplicationIntent,
    VideoReport,
)


class PhotoInline(KernelPhotoInline):
    model = InitiativePhoto


class PortraitInline(TranslationStackedInline):
    model = Portrait
    extra = 0
    fields = ("name", "role", "text", "status", "author")
    raw_id_fields = ("author",)


class TipInline(TranslationStackedInline):
    model = PracticalTip
    extra = 0
    fields = ("kind", "title", "body", "status", "author")
    raw_id_fields = ("author",)


class VideoInline(TranslationStackedInline):
    model = VideoReport
    extra = 0
    fields = ("title", "url", "status", "author")
    raw_id_fields = ("author",)


@admin.register(Initiative)
class InitiativeAdmin(CounterSafeAdminMixin, EditorOnlyAdmin, TranslationAdmin):
    counter_fields = ("replication_count", "follower_count")
    list_display = ("title", "city", "status", "featured", "replication_count", "spotter", "published_at")
    list_editable = ("featured",)
    list_filter = ("status", "featured", "themes", "city__country")
    list_select_related = ("city", "spotter")
    search_fields = ("title_fr", "title_en", "title_es")
    raw_id_fields = ("spotter",)
    autocomplete_fields = ("city",)
    filter_horizontal = ("themes",)
    readonly_fields = ("replication_count", "follower_count", "submitted_at", "published_at")
    inlines = [PhotoInline, PortraitInline, TipInline, VideoInline]


class ReportAdmin(EditorOnlyAdmin, TranslationAdmin):
    list_display = ("__str__", "initiative", "status", "author")
    list_filter = ("status",)
    list_select_related = ("initiative", "author")
    raw_id_fields = ("initiative", "author")


admin.site.register(Portrait, ReportAdmin)
admin.site.register(PracticalTip, ReportAdmin)
admin.site.register(VideoReport, ReportAdmin)


@admin.register(ReplicationIntent)
class ReplicationIntentAdmin(EditorOnlyAdmin):
    list_display = ("initiative", "member", "city", "created_at")
    list_select_related = ("initiative", "member", "city")
    raw_id_fields = ("initiative", "member")


@admin.register(ContactMessage)
class ContactMessageAdmin(EditorOnlyAdmin):
    list_display = ("initiative", "sender", "created_at")
    list_select_related = ("initiative", "sender")
    raw_id_fields = ("initiative", "sender")
