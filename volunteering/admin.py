"""Associations run their missions here, scoped to their own organisations (others answer 404)."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from civic.core import outbox
from civic.core.csv import csv_response
from civic.core.l10n import local_datetime, local_iso
from civic.core.translation_admin import TranslationAdmin
from civic.organizations.admin_mixins import (
    CounterSafeAdminMixin,
    CounterSafeInlineMixin,
    LabelledCellsMixin,
    OrganizationScopedAdmin,
    PlausibleDatesMixin,
)
from civic.organizations.models import Organization
from civic.organizations.rules import is_editor, may_use_admin, organization_ids_of
from volunteering import services
from volunteering.models import Mission, Participation, Slot


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


class ScopedInlineMixin:
    """Inlines of a scoped parent: the parent admin already decided who sees the parent."""

    def has_view_permission(self, request, obj=None):
        return may_use_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return may_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return may_use_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class SlotInline(
    LabelledCellsMixin, PlausibleDatesMixin, CounterSafeInlineMixin, ScopedInlineMixin, admin.TabularInline
):
    model = Slot
    counter_fields = ("confirmed_count",)
    extra = 1
    fields = ("starts_at", "ends_at", "capacity", "confirmed_count", "volunteers_link")
    readonly_fields = ("confirmed_count", "volunteers_link")
    ordering = ("starts_at",)

    @admin.display(description=_("volunteers"))
    def volunteers_link(self, slot):
        if not slot.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:volunteering_slot_change", args=[slot.pk]),
            gettext("Volunteers"),
        )


class CityTimezoneMixin:
    """Show and read slot times in the mission city's time zone, not the server's UTC."""

    def _timezone_for(self, request, object_id):
        mission = None
        if object_id:
            # The id comes from the URL as typed: "abc" or "1'--" is no mission (the admin then
            # answers 404 for it), not a ValueError from the lookup.
            try:
                pk = self.model._meta.pk.to_python(unquote(object_id))
            except ValidationError:
                pk = None
            mission = self._mission_for(pk) if pk is not None else None
        if mission is not None:
            return mission.city.timezone
        org = (
            Organization.objects.filter(pk__in=organization_ids_of(request.user))
            .select_related("city")
            .first()
        )
        return org.city.timezone if org else zoneinfo.ZoneInfo("UTC")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with timezone.override(self._timezone_for(request, object_id)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # A TemplateResponse renders after the view returns: render it here, in the same zone,
            # so that the times shown are the times parsed back on save.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response


@admin.register(Mission)
class MissionAdmin(CounterSafeAdminMixin, CityTimezoneMixin, OrganizationScopedAdmin, TranslationAdmin):
    # Set by the publish and close services, shown read-only here.
    counter_fields = ("status", "published_at")
    list_display = ("title", "organization", "city", "status", "next_slot")
    list_filter = ("status",)
    search_fields = ("title_fr", "title_en", "title_es")
    list_select_related = ("organization", "city")
    readonly_fields = ("status", "published_at")
    filter_horizontal = ()
    inlines = [SlotInline]
    actions = ["publish", "close", "duplicate"]
    fieldsets = (
        (None, {"fields": ("organization", "city", "status", "published_at", "title", "description")}),
        (_("Details"), {"fields": ("themes", "skills", "what_to_bring")}),
        (
            _("Where and for whom"),
            {
                "fields": (
                    "point",
                    "address",
                    "remote_possible",
                    "beginner_friendly",
                    "reduced_mobility_accessible",
                )
            },
        ),
    )

    def _mission_for(self, object_id):
        return Mission.objects.select_related("city").filter(pk=object_id).first()

    def get_queryset(self, request):
        return super().get_queryset(request).with_next_slot()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or not Participation.objects.filter(slot__mission=obj).exists()
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "themes":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("next slot"), ordering="next_slot_at")
    def next_slot(self, mission):
        # On the mission city's clock (the admin's own zone is the server's, not the reader's).
        return local_datetime(mission.next_slot_at, mission.city.timezone) if mission.next_slot_at else "—"

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Slot:
            from volunteering.tasks import fill_from_waiting_list

            for slot, _changed in formset.changed_objects:
                outbox.enqueue(fill_from_waiting_list, slot.pk)

    @admin.action(description=_("Publish the selected missions"))
    def publish(self, request, queryset):
        done = 0
        for mission in queryset:
            try:
                services.mission_publish(mission=mission, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{mission}: {_error_text(error)}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%(n)d mission published.", "%(n)d missions published.", done) % {"n": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Close the selected missions"))
    def close(self, request, queryset):
        for mission in queryset:
            services.mission_close(mission=mission, by=request.user)
        self.message_user(request, gettext("Missions closed."), messages.SUCCESS)

    @admin.action(description=_("Duplicate the selected missions (as drafts)"))
    def duplicate(self, request, queryset):
        for mission in queryset:
            services.mission_duplicate(mission=mission, by=request.user)
        self.message_user(request, gettext("Missions duplicated as drafts."), messages.SUCCESS)


class ParticipationInline(LabelledCellsMixin, ScopedInlineMixin, admin.TabularInline):
    model = Participation
    extra = 0
    fields = ("volunteer", "contact", "status", "position", "hours")
    readonly_fields = fields
    ordering = ("status", "position", "created_at")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")

    @admin.display(description=_("volunteer"))
    def volunteer(self, participation):
        return participation.member.public_name

    @admin.display(description=_("contact"))
    def contact(self, participation):
        return contact_of(participation)


def local_start(slot) -> str:
    """The slot's start in its mission city's time zone, with its offset (reads slot.mission.city)."""
    return local_iso(slot.starts_at, slot.mission.city.timezone)


def contact_of(participation) -> str:
    """The volunteer's email, only if they agreed to share it with the organisation."""
    if participation.share_contact and not participation.member.is_former:
        return participation.member.email
    return gettext("not shared")


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=4000)


@admin.register(Slot)
class SlotAdmin(CounterSafeAdminMixin, CityTimezoneMixin, OrganizationScopedAdmin):
    counter_fields = ("confirmed_count",)
    organization_field = "mission__organization"
    list_display = ("__str__", "capacity", "confirmed_count", "volunteers_link")
    list_select_related = ("mission__city",)
    search_fields = ("mission__title_fr", "mission__title_en", "mission__title_es")
    date_hierarchy = "starts_at"
    fields = ("mission", "starts_at", "ends_at", "capacity", "confirmed_count")
    readonly_fields = ("confirmed_count",)
    inlines = [ParticipationInline]
    actions = ["message_volunteers", "export_csv", "repeat_weekly"]

    def _mission_for(self, object_id):
        slot = Slot.objects.select_related("mission__city").filter(pk=object_id).first()
        return slot.mission if slot else None

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or not obj.participations.exists()
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "mission" and not is_editor(request.user):
            kwargs["queryset"] = Mission.objects.filter(organization_id__in=organization_ids_of(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            from volunteering.tasks import fill_from_waiting_list

            outbox.enqueue(fill_from_waiting_list, obj.pk)

    @admin.display(description=_("volunteers"))
    def volunteers_link(self, slot):
        url = reverse("admin:volunteering_participation_changelist") + f"?slot__id__exact={slot.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Volunteers"))

    @admin.action(description=_("Message all volunteers of the selected slots"))
    def message_volunteers(self, request, queryset):
        form = MessageForm(request.POST if "send" in request.POST else None)
        if "send" in request.POST and form.is_valid():
            total = sum(
                services.slot_message(slot=slot, text=form.cleaned_data["text"], by=request.user)
                for slot in queryset
            )
            self.message_user(
                request,
                ngettext(
                    "Your message is being sent to %(n)d volunteer.",
                    "Your message is being sent to %(n)d volunteers.",
                    total,
                )
                % {"n": total},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "volunteering/admin/slot_message.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Message the volunteers"),
                "form": form,
                "slots": queryset,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Export the volunteers of the selected slots (CSV)"))
    def export_csv(self, request, queryset):
        header = [
            gettext("mission"),
            gettext("starts at"),
            gettext("volunteer"),
            gettext("contact"),
            gettext("status"),
            gettext("hours done"),
        ]
        participations = (
            Participation.objects.filter(slot__in=queryset)
            .select_related("member", "slot__mission__city")
            .order_by("slot__starts_at", "status", "position", "created_at")
        )
        rows = (
            (
                p.slot.mission.title,
                local_start(p.slot),
                p.member.public_name,
                contact_of(p),
                p.get_status_display(),
                p.hours,
            )
            for p in participations.iterator(chunk_size=2000)
        )
        return csv_response("volunteers.csv", header, rows)

    @admin.action(description=_("Repeat the selected slots every week for 8 weeks"))
    def repeat_weekly(self, request, queryset):
        created = 0
        for slot in queryset.select_related("mission__city"):
            created += len(services.slot_repeat_weekly(slot=slot, by=request.user, weeks=8))
        self.message_user(
            request,
            ngettext("%(n)d slot created.", "%(n)d slots created.", created) % {"n": created},
            messages.SUCCESS,
        )


@admin.register(Participation)
class ParticipationAdmin(OrganizationScopedAdmin):
    organization_field = "slot__mission__organization"
    list_display = ("volunteer", "contact", "mission", "slot_start", "status", "position", "hours")
    list_filter = ("status",)
    list_select_related = ("member", "slot__mission__city")
    search_fields = ("member__display_name", "slot__mission__title_fr", "slot__mission__title_en")
    readonly_fields = (
        "volunteer",
        "contact",
        "slot",
        "status",
        "position",
        "share_contact",
        "hours",
        "created_at",
    )
    fields = readonly_fields
    actions = ["mark_attended", "mark_absent"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("volunteer"), ordering="member__display_name")
    def volunteer(self, participation):
        return participation.member.public_name

    @admin.display(description=_("contact"))
    def contact(self, participation):
        return contact_of(participation)

    @admin.display(description=_("mission"))
    def mission(self, participation):
        return participation.slot.mission.title

    @admin.display(description=_("starts at"), ordering="slot__starts_at")
    def slot_start(self, participation):
        return local_datetime(participation.slot.starts_at, participation.slot.mission.city.timezone)

    def _mark(self, request, queryset, attended: bool):
        done = 0
        for participation in queryset:
            try:
                services.participation_mark_attendance(
                    participation=participation, attended=attended, by=request.user
                )
                done += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{participation.member.public_name}: {_error_text(error)}", messages.ERROR
                )
        if done:
            self.message_user(
                request,
                ngettext("%(n)d volunteer updated.", "%(n)d volunteers updated.", done) % {"n": done},
                messages.SUCCESS,
            )

    @admin.action(description=_("Confirm attendance (sets the hours)"))
    def mark_attended(self, request, queryset):
        self._mark(request, queryset, True)

    @admin.action(description=_("Mark absent"))
    def mark_absent(self, request, queryset):
        self._mark(request, queryset, False)
