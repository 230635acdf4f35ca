"""Admin: platform editors see everything; organisation members manage their own calls for
participation (another organisation's call answers 404). Officials use the dashboard, not this."""

from django.contrib import admin

from civic.core.translation_admin import TranslationAdmin
from civic.organizations.admin_mixins import CounterSafeAdminMixin, EditorOnlyAdmin, OrganizationScopedAdmin
from participation.models import (
    CallForParticipation,
    CitySpace,
    Comment,
    Flag,
    Neighbourhood,
    Proposal,
)


@admin.register(CitySpace)
class CitySpaceAdmin(EditorOnlyAdmin, TranslationAdmin):
    list_display = ["city", "support_threshold", "is_active"]
    list_select_related = ["city"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(EditorOnlyAdmin, TranslationAdmin):
    list_display = ["name", "city"]
    list_filter = ["city"]
    list_select_related = ["city"]


@admin.register(Proposal)
class ProposalAdmin(CounterSafeAdminMixin, EditorOnlyAdmin):
    counter_fields = ("supports_count", "comments_count", "threshold_reached_at", "answered_at")
    list_display = ["title", "city", "status", "supports_count", "comments_count", "is_hidden", "created_at"]
    list_filter = ["status", "is_hidden", "city"]
    list_select_related = ["city"]
    search_fields = ["title"]
    raw_id_fields = ["author", "neighbourhood", "moderated_by"]
    readonly_fields = ["supports_count", "comments_count", "threshold_reached_at", "answered_at"]


@admin.register(Comment)
class CommentAdmin(EditorOnlyAdmin):
    list_display = ["__str__", "proposal", "author", "is_hidden", "is_deleted", "created_at"]
    list_filter = ["is_hidden", "is_deleted"]
    raw_id_fields = ["proposal", "author", "parent", "moderated_by"]


@admin.register(Flag)
class FlagAdmin(EditorOnlyAdmin):
    list_display = ["reason", "proposal", "comment", "member", "created_at", "resolved_at"]
    list_filter = ["reason"]
    raw_id_fields = ["proposal", "comment", "member"]


@admin.register(CallForParticipation)
class CallForParticipationAdmin(CounterSafeAdminMixin, OrganizationScopedAdmin):
    counter_fields = ("responses_count",)
    list_display = ["title", "organization", "city", "ends_on", "responses_count", "is_published"]
    list_select_related = ["organization", "city"]
    exclude = ["created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.city = obj.organization.city
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        # A call is written in one language: by default the one the organiser is using.
        return {"language": getattr(request, "LANGUAGE_CODE", "fr"), **super().get_changeform_initial_data(request)}

    def get_exclude(self, request, obj=None):
        return ["created_by", "city"]
