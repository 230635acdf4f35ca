"""Admin: organisation members manage their organisation's events; editors manage the rest."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from civic.core.translation_admin import TranslationAdmin, TranslationTabularInline
from civic.organizations.admin_mixins import (
    CounterSafeAdminMixin,
    EditorOnlyAdmin,
    LabelledCellsMixin,
    OrganizationScopedAdmin,
    ReadOnlyTabularInline,
    ScopedPeoplePickerMixin,
    people_of_organizations,
)
from civic.organizations.rules import organization_ids_of
from events import services
from events.models import (
    RSVP,
    CityEdition,
    CommunityBoardEntry,
    Event,
    EventReport,
    FeaturedInitiative,
    KitFile,
    MobilisationDay,
)


class RSVPInline(ReadOnlyTabularInline):
    """RSVPs go through the service (capacity and waiting list)."""

    model = RSVP
    fields = ("member", "status", "guests", "queued_at", "attended")


class EventAdminForm(forms.ModelForm):
    """Admin edits go through the same rules as the pages: end after start, capacity not below the
    seats taken (the database constraints would otherwise answer with an error page). ``seats_taken``
    has been re-read under the event's row lock before ``clean`` runs (``CounterSafeAdminMixin``)."""

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The end must be after the start."))
        capacity = data.get("capacity")
        if self.instance.pk and capacity is not None and capacity < self.instance.seats_taken:
            self.add_error(
                "capacity",
                _(
                    "%(taken)d seats are already taken: the capacity cannot be lower. "
                    "Cancel RSVPs first or keep a larger capacity."
                )
                % {"taken": self.instance.seats_taken},
            )
        return data


@admin.register(Event)
class EventAdmin(ScopedPeoplePickerMixin, CounterSafeAdminMixin, OrganizationScopedAdmin, TranslationAdmin):
    form = EventAdminForm
    # seats_taken moves with RSVPs; the two timestamps are set by the reminder and follow-up tasks,
    # and writing them back stale would send a reminder twice.
    counter_fields = ("seats_taken", "reminder_sent_at", "followup_sent_at")
    list_display = (
        "title",
        "kind",
        "city",
        "starts_at",
        "capacity",
        "seats_taken",
        "is_published",
        "is_cancelled",
    )
    list_filter = ("kind", "is_published", "is_cancelled", "city")
    search_fields = ("title_fr", "title_en", "title_es", "place_name")
    date_hierarchy = "starts_at"
    autocomplete_fields = ()
    people_fields = ("organisers",)
    filter_horizontal = ("themes",)
    exclude = ("link_content_type", "link_object_id", "series", "created_by")
    readonly_fields = ("seats_taken",)
    list_select_related = ("city",)
    inlines = [RSVPInline]

    def people_for(self, request):
        """The organisation's members and the people who RSVP'd to its events."""
        ids = organization_ids_of(request.user)
        return people_of_organizations(
            ids, RSVP.objects.filter(event__organization_id__in=ids).values("member_id")
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            services.promote_after_capacity_change(event=obj)


class FeaturedInline(LabelledCellsMixin, TranslationTabularInline):
    """An initiative is a URL + title, or (once the initiatives app exists) a content type and id."""

    model = FeaturedInitiative
    extra = 1


class KitInline(LabelledCellsMixin, TranslationTabularInline):
    model = KitFile
    extra = 1


@admin.register(MobilisationDay)
class MobilisationDayAdmin(EditorOnlyAdmin, TranslationAdmin):
    list_display = ("title", "date", "registration_opens", "registration_closes", "is_published")
    prepopulated_fields = {"slug": ("title_fr",)}
    filter_horizontal = ("themes",)
    inlines = [FeaturedInline, KitInline]


@admin.action(description=_("Approve the selected editions"))
def approve(modeladmin, request, queryset):
    for edition in queryset:
        services.edition_review(edition=edition, editor=request.user, approve=True)
    messages.success(request, _("Editions approved."))


@admin.action(description=_("Reject the selected editions"))
def reject(modeladmin, request, queryset):
    for edition in queryset:
        services.edition_review(edition=edition, editor=request.user, approve=False)
    messages.success(request, _("Editions rejected."))


@admin.register(CityEdition)
class CityEditionAdmin(EditorOnlyAdmin):
    list_display = ("__str__", "day", "organiser", "status", "created_at")
    list_filter = ("day", "status")
    list_select_related = ("day", "event__city", "organiser")
    readonly_fields = ("day", "event", "organiser", "status", "reviewed_by", "reviewed_at")
    actions = [approve, reject]


@admin.register(CommunityBoardEntry)
class CommunityBoardEntryAdmin(EditorOnlyAdmin):
    list_display = ("title", "city", "kind", "category", "author", "is_open", "created_at")
    list_filter = ("city", "kind", "category", "is_open")
    list_select_related = ("city", "author")
    readonly_fields = ("author",)


@admin.register(EventReport)
class EventReportAdmin(EditorOnlyAdmin):
    list_display = ("event", "people_count", "author", "created_at")
    list_select_related = ("event", "author")
    readonly_fields = ("event", "author")
