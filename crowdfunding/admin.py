"""Admin: organisation members manage their organisation's projects and campaigns (another
organisation's answers 404); editors see everything. Money and pledge states are read-only here:
they change only through the services."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from civic.core.photo_admin import PhotoInline as KernelPhotoInline
from civic.core.translation_admin import TranslationAdmin, TranslationTabularInline
from civic.organizations.admin_mixins import (
    CounterSafeAdminMixin,
    CounterSafeInlineMixin,
    LabelledCellsMixin,
    OrganizationScopedAdmin,
    ReadOnlyTabularInline,
    ScopedPeoplePickerMixin,
)
from crowdfunding.models import (
    Campaign,
    Feedback,
    MeetingProposal,
    Partner,
    Pledge,
    PledgeEvent,
    Project,
    ProjectPhoto,
    RewardTier,
    TimeNeed,
)


class PhotoInline(KernelPhotoInline):
    model = ProjectPhoto


class FeedbackInline(LabelledCellsMixin, admin.TabularInline):
    model = Feedback
    extra = 0
    fields = ("author", "kind", "body", "created_at")
    readonly_fields = fields
    can_delete = True


class ProjectAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        # A member picked as holder is invited (ScopedPeoplePickerMixin has put the stored holder
        # back): until they accept, the project needs its current holder or an organisation.
        if (
            self.invited.get("holder_member")
            and not data.get("holder_member")
            and not data.get("holder_organization")
        ):
            self.add_error(
                "holder_organization",
                _(
                    "%(name)s is invited to hold the project and holds it only once they accept: "
                    "choose the organisation that holds it until then."
                )
                % {"name": self.invited["holder_member"][0].public_name},
            )
        return data


@admin.register(Project)
class ProjectAdmin(ScopedPeoplePickerMixin, CounterSafeAdminMixin, OrganizationScopedAdmin, TranslationAdmin):
    # The stage and the current campaign move with the campaign services.
    counter_fields = ("followers_count", "feedback_count", "stage", "current_campaign")
    form = ProjectAdminForm
    organization_field = "holder_organization"
    list_display = ("title", "stage", "city", "holder_organization", "holder_member", "created_at")
    list_filter = ("stage", "city", "is_published")
    search_fields = ("title_all",)
    autocomplete_fields = ()
    people_fields = ("holder_member",)  # the organisation's members (see ScopedPeoplePickerMixin)
    filter_horizontal = ("themes",)
    readonly_fields = ("stage", "followers_count", "feedback_count")
    exclude = ("created_by",)
    inlines = [PhotoInline, FeedbackInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("city", "holder_organization", "holder_member")


class RewardInline(LabelledCellsMixin, CounterSafeInlineMixin, TranslationTabularInline):
    model = RewardTier
    counter_fields = ("claimed",)
    extra = 0
    readonly_fields = ("claimed",)


class TimeNeedInline(LabelledCellsMixin, CounterSafeInlineMixin, TranslationTabularInline):
    model = TimeNeed
    counter_fields = ("offers_count",)
    extra = 0
    readonly_fields = ("offers_count",)


class PartnerInline(ReadOnlyTabularInline):
    model = Partner
    fields = (
        "organization",
        "kind",
        "fixed_cents",
        "match_cap_per_pledge_cents",
        "match_total_cap_cents",
        "matched_cents",
    )


@admin.register(Campaign)
class CampaignAdmin(CounterSafeAdminMixin, OrganizationScopedAdmin):
    counter_fields = (
        "status",
        "pledged_cents",
        "matched_cents",
        "partner_fixed_cents",
        "backers_count",
        "final_raised_cents",
        "closed_at",
    )
    organization_field = "project__holder_organization"
    list_display = (
        "project",
        "status",
        "goal_cents",
        "pledged_cents",
        "matched_cents",
        "backers_count",
        "deadline",
    )
    list_filter = ("status", "mode")
    readonly_fields = (
        "project",
        "goal_cents",
        "currency",
        "mode",
        "status",
        "deadline",
        "pledged_cents",
        "matched_cents",
        "partner_fixed_cents",
        "backers_count",
        "final_raised_cents",
        "opened_by",
        "opened_at",
        "closed_at",
    )
    inlines = [RewardInline, TimeNeedInline, PartnerInline]

    def has_add_permission(self, request):
        return False  # campaigns are opened from the project page (validation, stage, lock)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("project")


class PledgeEventInline(ReadOnlyTabularInline):
    model = PledgeEvent
    fields = ("from_status", "to_status", "actor", "source", "created_at")


@admin.register(Pledge)
class PledgeAdmin(OrganizationScopedAdmin):
    organization_field = "campaign__project__holder_organization"
    list_display = (
        "id",
        "campaign",
        "backer",
        "amount_cents",
        "matched_cents",
        "status",
        "gateway",
        "created_at",
    )
    list_filter = ("status", "gateway")
    readonly_fields = [f.name for f in Pledge._meta.fields]
    inlines = [PledgeEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("campaign__project", "backer")


@admin.register(MeetingProposal)
class MeetingProposalAdmin(OrganizationScopedAdmin):
    organization_field = "project__holder_organization"
    list_display = ("purpose", "project", "starts_at", "status")
    list_filter = ("status",)
    readonly_fields = ("project", "proposed_by", "status", "decided_by", "decided_at")
