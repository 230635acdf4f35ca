"""The one shape of a form page (``civic.core.forms.form_page``) and of a button
(``performed``): a service's refusal reaches the person next to the field it names, nothing is
flashed or redirected until the service succeeded, and the success message and redirect may
depend on what the service returned."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from civic.core.forms import form_page, performed, submitted
from civic.core.models import AuditEntry, Theme
from civic.core.services import update_logged

pytestmark = pytest.mark.django_db


class GoalForm(forms.Form):
    goal = forms.IntegerField(label="Goal")


def _request(method="post", data=None):
    request = getattr(RequestFactory(), method)("/somewhere/", data or {})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def _refuse(errors):
    """A service that refuses with ``errors`` (a form action gets the data, a button nothing)."""

    def action(*data):
        raise ValidationError(errors)

    return action


def _page(request, action, **options):
    options = {"template": "includes/form.html", "redirect_to": "/done/", **options}
    return form_page(request, GoalForm(request.POST or None), action, **options)


def test_a_get_shows_the_form_and_calls_nothing():
    request = _request("get")
    calls = []

    response = _page(request, calls.append, context={"unused": True})

    assert response.status_code == 200
    assert b'name="goal"' in response.content
    assert calls == [] and _messages(request) == []


def test_an_invalid_form_is_shown_again_without_calling_the_service():
    request = _request(data={"goal": "lots"})
    calls = []

    response = _page(request, calls.append, success="Saved.")

    assert response.status_code == 200
    assert b"Enter a whole number." in response.content
    assert calls == [] and _messages(request) == []


def test_a_service_refusal_stands_next_to_the_field_it_names_even_under_another_name():
    request = _request(data={"goal": "5"})
    form = GoalForm(request.POST)

    response = form_page(
        request,
        form,
        _refuse({"goal_cents": "At least 10 euros.", "deadline": "Too far."}),
        renamed={"goal_cents": "goal"},
        template="includes/form.html",
        success="Saved.",
        redirect_to="/done/",
    )

    assert response.status_code == 200
    assert form.errors["goal"] == ["At least 10 euros."]
    # A field the form does not have: the message goes on top of the form, never a 500.
    assert form.non_field_errors() == ["Too far."]
    assert _messages(request) == []


def test_a_refusal_without_a_field_is_shown_on_top_of_the_form():
    request = _request(data={"goal": "5"})
    form = GoalForm(request.POST)

    assert not submitted(request, form, _refuse("The campaign is closed."))
    assert form.non_field_errors() == ["The campaign is closed."]


def test_success_flashes_and_redirects_to_what_the_service_returned():
    request = _request(data={"goal": "5"})

    response = _page(
        request,
        lambda data: data["goal"] * 2,
        success=lambda n: f"{n} people are told.",
        redirect_to=lambda n: f"/done/{n}/",
    )

    assert response.status_code == 302 and response.url == "/done/10/"
    assert _messages(request) == [("success", "10 people are told.")]


def test_a_button_flashes_each_refusal_as_an_error_and_no_success():
    request = _request()

    assert not performed(request, _refuse(["Too late.", "Already done."]), success="Done.")
    assert _messages(request) == [("error", "Too late."), ("error", "Already done.")]


def test_a_button_that_worked_flashes_its_success():
    request = _request()

    assert performed(request, lambda: 3, success=lambda n: f"{n} moved.")
    assert _messages(request) == [("success", "3 moved.")]


def test_update_logged_saves_only_the_changed_columns_and_records_the_action(theme, alice):
    # Another request changed the icon after this copy was read: the change must not undo it.
    Theme.objects.filter(pk=theme.pk).update(icon="tree")

    update_logged(
        theme, "core.theme.renamed", actor=alice, values={"name_en": "Gardens"}, data={"by": "test"}
    )

    theme.refresh_from_db()
    assert (theme.name_en, theme.icon) == ("Gardens", "tree")
    entry = AuditEntry.objects.get(action="core.theme.renamed")
    assert (entry.object_id, entry.actor, entry.data) == (str(theme.pk), alice, {"by": "test"})
