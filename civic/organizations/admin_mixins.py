"""Admin scoping, used by every app's admin.

- ``EditorOnlyAdmin``: platform data (cities, themes, members); editors only.
- ``OrganizationScopedAdmin``: records that belong to an organisation. Editors see all; a member
  of organisation A sees and edits only A's rows, may only pick A as the organisation, and gets a
  404 (not a redirect, not a 403) on any other organisation's record, so its existence never leaks.
- ``ScopedPeoplePickerMixin``: member pickers offer only the people the organisation works with, and
  picking someone sends them an invitation (``Invitation``) instead of giving them the role.
- ``CounterSafeAdminMixin`` / ``CounterSafeInlineMixin``: admin saves never write back counters the
  services keep with ``F()`` (``counter_fields``), and rules comparing a field with a counter read it
  under a row lock.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import IntegrityError, models, router, transaction
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civic.core.forms import validate_plausible_date
from civic.organizations.rules import is_editor, organization_ids_of, scope_to_member


class NotFoundForOthersMixin:
    """Django checks the delete permission before it looks the object up, which would answer 403
    for a record one cannot see; look it up first so that it answers 404 like every other view."""

    def delete_view(self, request, object_id, extra_context=None):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404
        return super().delete_view(request, object_id, extra_context)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "does not exist"; a record of another organisation
        # must look exactly like a missing one: 404.
        raise Http404


class PlausibleDatesMixin:
    """Dates typed in the admin stay in the range every form of the site accepts: 9999-12-31 23:59
    in a city west of Greenwich is in year 10000 once in UTC, which Python cannot read back."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField | models.DateTimeField) and field is not None:
            field.validators.append(validate_plausible_date)
        return field


class AccessibleWidgetsMixin:
    """Widgets every person using the admin can operate with a keyboard and a screen reader.

    Django's two-list selector (``filter_horizontal`` / ``filter_vertical``) misuses ARIA (axe: a
    listbox's options inside a non-list, unnamed filter input); the short lists organisations pick
    from (themes) are plain checkboxes instead, grouped under the field's legend.
    """

    def get_changelist_form(self, request, **kwargs):
        """``list_editable`` inputs sit in table cells with no label: name each after its column
        and its row ("Featured, Compost de Lyon")."""
        form_class = super().get_changelist_form(request, **kwargs)

        def __init__(form, *args, **kw):
            form_class.__init__(form, *args, **kw)
            for field in form.fields.values():
                row = f", {form.instance}" if form.instance.pk else ""
                field.widget.attrs.setdefault("aria-label", f"{capfirst(field.label)}{row}")

        return type(form_class.__name__, (form_class,), {"__init__": __init__})

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in (*self.filter_horizontal, *self.filter_vertical):
            kwargs.setdefault("widget", forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class LabelledCellsMixin:
    """For tabular inlines: Django draws their inputs in table cells under a column header, with no
    ``<label>``, so a screen reader announces "edit text" with no name. Each input is named after its
    column. Split date/time widgets keep their own per-part labels (admin/widgets/split_datetime.html)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and not isinstance(
            getattr(field.widget, "widget", field.widget), forms.MultiWidget
        ):
            field.widget.attrs.setdefault("aria-label", capfirst(field.label))
        return field

    def get_formset(self, request, obj=None, **kwargs):
        """The formset adds its own "Delete" checkbox to each row, out of ``formfield_for_dbfield``'s
        reach: name it after the row it deletes ("Delete, Alice — Les Jardins")."""
        formset = super().get_formset(request, obj, **kwargs)

        def add_fields(fs, form, index):
            formset.add_fields(fs, form, index)
            if "DELETE" in form.fields:
                row = f", {form.instance}" if form.instance.pk else ""
                form.fields["DELETE"].widget.attrs["aria-label"] = f"{capfirst(_('Delete'))}{row}"

        return type(formset.__name__, (formset,), {"add_fields": add_fields})


class ReadOnlyTabularInline(LabelledCellsMixin, admin.TabularInline):
    """Rows only services write (RSVPs, a pledge's history, a campaign's partners), listed under
    their parent: every ``fields`` entry read-only, none added or deleted from the admin, where the
    services' rules (capacity, totals, the audit trail) would be bypassed."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ScopedPeoplePickerMixin:
    """Member pickers (``people_fields``) are autocompletes offering only the people the
    organisation already works with, never the platform's member list.

    Editors pick anyone. Others are offered ``people_for(request)``: by default the members of
    their organisations; an admin widens it (the events admin adds its events' attendees). The
    form field accepts only those people too, so a forged id is refused next to the field. The
    autocomplete answers come from ``civic.admin_site.ScopedAutocompleteJsonView``, which asks this
    admin (not the member admin, which is editors-only) who may search and whom to offer.
    """

    people_fields: tuple[str, ...] = ()

    def people_for(self, request) -> QuerySet:
        """The people ``request.user`` may pick (not called for editors)."""
        return people_of_organizations(organization_ids_of(request.user))

    def get_autocomplete_fields(self, request):
        return (*super().get_autocomplete_fields(request), *self.people_fields)

    def may_pick_people(self, request) -> bool:
        return self.has_add_permission(request) or self.has_change_permission(request)

    def _people_queryset(self, db_field, request, kwargs):
        if db_field.name in self.people_fields and not is_editor(request.user):
            kwargs["queryset"] = self.people_for(request)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(
            db_field, request, **self._people_queryset(db_field, request, kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(
            db_field, request, **self._people_queryset(db_field, request, kwargs)
        )

    # --- Picking someone invites them: nobody gets a role without accepting it ---------------

    def invitation_role(self, field_name: str) -> str:
        return f"{self.opts.app_label}.{self.opts.model_name}.{field_name}"

    def get_form(self, request, obj=None, **kwargs):
        return _inviting_form(super().get_form(request, obj, **kwargs), self.people_fields, request.user)

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "invited_people")

    @admin.display(description=gettext_lazy("Invited (not yet accepted)"))
    def invited_people(self, obj) -> str:
        """Who was picked and has not answered yet: shown, but without any right. One query."""
        from civic.organizations.models import Invitation

        if obj is None or obj.pk is None:
            return "—"
        pending = Invitation.objects.pending().for_target(obj).select_related("member").order_by("created_at")
        names = [_("%(name)s (invited)") % {"name": i.member.public_name} for i in pending]
        return ", ".join(names) or "—"

    def save_related(self, request, form, formsets, change):
        from civic.organizations.services import invitation_create

        super().save_related(request, form, formsets, change)
        invited = getattr(form, "invited", {})
        for field_name, people in invited.items():
            for person in people:
                invitation_create(
                    by=request.user,
                    member=person,
                    target=form.instance,
                    role=self.invitation_role(field_name),
                )
        names = [p.public_name for people in invited.values() for p in people]
        if names:
            self.message_user(
                request,
                _("Invited: %(names)s. They get the role once they accept the invitation they were sent.")
                % {"names": ", ".join(names)},
                messages.INFO,
            )


def _inviting_form(form_class, people_fields: tuple[str, ...], picker):
    """``form_class`` in which people newly picked in ``people_fields`` are not stored but kept in
    ``form.invited`` ({field: [member, …]}) for the admin to invite. The stored value stays what
    it was (for a one-person field, the previous person until the new one accepts). The picker
    picking themselves is not inviting anyone and is stored as before.

    The swap happens before the form's own ``clean()``, so that a rule there (a project needs a
    holder meanwhile) sees what will be stored. Reads the current people of a many-to-many field
    (one query per field, on change only)."""
    fields = [name for name in people_fields if name in form_class.base_fields]
    if not fields:
        return form_class

    def clean(self):
        data = self.cleaned_data
        self.invited = {}
        for name in fields:
            if data.get(name) is None:
                continue  # invalid (its message is shown) or empty
            model_field = self._meta.model._meta.get_field(name)
            stored = self.instance.pk is not None and not self.instance._state.adding
            if model_field.many_to_many:
                current = set(getattr(self.instance, name).values_list("pk", flat=True)) if stored else set()
                newcomers = [p for p in data[name] if p.pk not in current and p.pk != picker.pk]
                if newcomers:
                    data[name] = data[name].exclude(pk__in=[p.pk for p in newcomers])
            else:
                current = getattr(self.instance, model_field.attname) if stored else None
                person = data[name]
                newcomers = [person] if person.pk != current and person.pk != picker.pk else []
                if newcomers:
                    data[name] = getattr(self.instance, name) if current is not None else None
            if newcomers:
                self.invited[name] = newcomers
        return form_class.clean(self)

    return type(form_class.__name__, (form_class,), {"clean": clean})


def people_of_organizations(organization_ids, *also: QuerySet) -> QuerySet:
    """Active members of these organisations, plus the users whose ids ``also`` lists (querysets of
    one user-id column, e.g. an app's attendees); one query when evaluated, no duplicates."""
    from django.contrib.auth import get_user_model

    from civic.organizations.models import Membership

    wanted = Q(pk__in=Membership.objects.filter(organization_id__in=organization_ids).values("user_id"))
    for ids in also:
        wanted |= Q(pk__in=ids)
    return get_user_model().objects.filter(wanted, is_active=True, is_former=False)


class EditorOnlyAdmin(AccessibleWidgetsMixin, PlausibleDatesMixin, NotFoundForOthersMixin, admin.ModelAdmin):
    def has_module_permission(self, request):
        return is_editor(request.user)

    def has_view_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_add_permission(self, request):
        return is_editor(request.user)

    def has_change_permission(self, request, obj=None):
        return is_editor(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_editor(request.user)


class OrganizationScopedAdmin(
    AccessibleWidgetsMixin, PlausibleDatesMixin, NotFoundForOthersMixin, admin.ModelAdmin
):
    """Set ``organization_field`` to the path of the owning organisation (default ``"organization"``)."""

    organization_field = "organization"

    def _allowed(self, request) -> bool:
        return is_editor(request.user) or bool(organization_ids_of(request.user))

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request) and (obj is None or self._owns(request, obj))

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def _owns(self, request, obj) -> bool:
        if is_editor(request.user):
            return True
        org_id = obj
        for part in self.organization_field.split("__"):
            org_id = getattr(org_id, part, None)
        return getattr(org_id, "pk", None) in organization_ids_of(request.user)

    def get_queryset(self, request):
        return scope_to_member(super().get_queryset(request), request.user, self.organization_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.organization_field and not is_editor(request.user):
            from civic.organizations.models import Organization

            kwargs["queryset"] = Organization.objects.filter(pk__in=organization_ids_of(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Counters the admin must never write back ---------------------------------------------------


def _lock_counters(instance, fields: tuple[str, ...]) -> None:
    """Re-read ``fields`` of a stored ``instance`` under a row lock held until the transaction ends.

    The admin reads its object at the start of the request; a join or support may commit before the
    form is validated. Reading the counters again here, locked, makes validation see the current value
    and keeps it current until the admin's transaction commits: a service's ``UPDATE … SET n = n + 1``
    (or its ``SELECT … FOR UPDATE``) waits for it. Outside a transaction (never the case for an admin
    POST) the counters are re-read without a lock. One SELECT.
    """
    if instance.pk is None or not fields or instance._state.adding:
        return
    model = type(instance)
    queryset = model._base_manager.all()
    if transaction.get_connection(router.db_for_write(model)).in_atomic_block:
        # FOR NO KEY UPDATE: rows that merely reference this one (a new Support, RSVP) may still be
        # inserted; any change of the counters waits, as the services lock with FOR UPDATE.
        queryset = queryset.select_for_update(of=("self",), no_key=True)
    instance.refresh_from_db(fields=list(fields), from_queryset=queryset)


def save_without_counters(instance, counter_fields: tuple[str, ...]) -> None:
    """Save a stored ``instance`` without writing ``counter_fields`` (nor its primary key).

    Django's ``Model.save()`` writes every column, so a counter the form showed read-only would be
    written back with the value read at the start of the request, losing any ``F()`` increment made
    since. ``auto_now`` fields are kept in ``update_fields`` so that they still change.
    """
    skip = set(counter_fields)
    update_fields = [
        field.name
        for field in instance._meta.concrete_fields
        if not field.primary_key and not field.generated and field.name not in skip
    ]
    instance.save(update_fields=update_fields)
    if counter_fields:
        # The in-memory values may be stale: what follows in the request (messages, waiting-list
        # fills) must read what is stored.
        instance.refresh_from_db(fields=list(counter_fields))


def _counter_safe_form(form_class, counter_fields: tuple[str, ...]):
    """``form_class`` whose validation first re-reads the counters under a row lock, so that every
    rule comparing a field with a counter (a capacity with the confirmed count) reads the current
    counter, which then cannot change until the admin's transaction ends."""
    if not counter_fields:
        return form_class

    def full_clean(self):
        if self.is_bound and self.instance.pk is not None:
            _lock_counters(self.instance, counter_fields)
        form_class.full_clean(self)

    return type(form_class.__name__, (form_class,), {"full_clean": full_clean})


def _is_check_violation(error: IntegrityError) -> bool:
    # SQLSTATE 23514: a CHECK constraint (capacity, stock) refused the row. Other integrity errors
    # (a unique key) are not about counters and keep their usual handling.
    return getattr(error.__cause__, "sqlstate", None) == "23514"


class CounterSafeAdminMixin:
    """For a ModelAdmin whose model has counters or service-owned fields (``counter_fields``).

    - A change never writes ``counter_fields`` back (``save_without_counters``), from the change
      form or from ``list_editable``.
    - Validation of a change re-reads them under a row lock (``_lock_counters``): a rule such as
      "capacity not below the confirmed count" (in the model's or the form's ``clean``) compares the
      current value, and a field message is shown.
    - If a database CHECK fires anyway at save time, the whole admin transaction is rolled back
      (nothing is half-saved) and the form is validated once more against the stored counters, which
      shows the field message instead of an error page.
    """

    counter_fields: tuple[str, ...] = ()

    def get_form(self, request, obj=None, **kwargs):
        # ``change`` stays in kwargs: modeltranslation's get_form takes it as a keyword only.
        return _counter_safe_form(super().get_form(request, obj, **kwargs), self.counter_fields)

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:
            save_without_counters(obj, self.counter_fields)
        else:
            super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            if (
                request.method != "POST"
                or getattr(request, "_counter_safe_retried", False)
                or not _is_check_violation(error)
            ):
                raise
            # The admin's atomic block has been rolled back. A second pass validates the same POST
            # against the stored counters (read under lock) and shows the field message.
            request._counter_safe_retried = True
            return super().changeform_view(request, object_id, form_url, extra_context)


class CounterSafeInlineFormSet(BaseInlineFormSet):
    counter_fields: tuple[str, ...] = ()

    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=False)
        obj = form.save(commit=False)
        save_without_counters(obj, self.counter_fields)
        form.save_m2m()
        return obj


class CounterSafeInlineMixin:
    """The same for an inline: its existing rows are validated against counters read under lock and
    saved without them. Use it together with ``CounterSafeAdminMixin`` on the parent admin, whose
    retry covers a CHECK fired by an inline row."""

    counter_fields: tuple[str, ...] = ()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if not self.counter_fields:
            return formset
        return type(
            formset.__name__,
            (CounterSafeInlineFormSet, formset),
            {
                "counter_fields": self.counter_fields,
                "form": _counter_safe_form(formset.form, self.counter_fields),
            },
        )
