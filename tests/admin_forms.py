"""What a browser would post back from an admin change form, and a way to let another connection
commit while an admin request is in progress."""

from __future__ import annotations

import threading
import time
from html.parser import HTMLParser

from django.db import connection


class _FormFields(HTMLParser):
    """The successful controls of the page's form with ``id`` ``form_id``, as a browser sends them."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_multiple = False
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._add(name, a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in a
            self._select_first, self._select_chosen = None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._add(self._select, value)
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select:
            if not self._select_chosen and not self._select_multiple and self._select_first is not None:
                self._add(self._select, self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Like a browser: the newline right after <textarea> is not part of the value.
            self.data[self._textarea][-1] = self.data[self._textarea][-1].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data


def change_form_data(client, url: str, **changes) -> dict[str, list[str]]:
    """GET the admin change form at ``url`` and return what saving it unchanged would post, with
    ``changes`` applied (field name → value)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    form_id = response.context["opts"].model_name + "_form"
    parser = _FormFields(form_id)
    parser.feed(html)
    data = parser.data
    for name, value in changes.items():
        data[name] = [str(value)]
    return data


class InAnotherConnection:
    """``action(*args)`` in a thread with its own database connection, so its transaction commits
    independently of the caller's (an admin request's)."""

    def __init__(self, action, *args):
        self.errors: list[BaseException] = []
        self.pid: int | None = None
        self._connected = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(action, args))

    def _run(self, action, args):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                self.pid = cursor.fetchone()[0]
            self._connected.set()
            action(*args)
        except BaseException as exc:  # reported by finish(); a thread must not die silently
            self.errors.append(exc)
        finally:
            self._connected.set()
            connection.close()

    def start(self) -> InAnotherConnection:
        """Start, and return once the action has finished or waits for a lock the caller holds."""
        self.thread.start()
        assert self._connected.wait(30)
        deadline = time.monotonic() + 30
        while self.thread.is_alive() and not self._waits_for_a_lock():
            assert time.monotonic() < deadline, "the other connection neither finished nor waited"
            time.sleep(0.005)
        return self

    def _waits_for_a_lock(self) -> bool:
        # pg_blocking_pids reads the live lock table (pg_stat_activity would be a per-transaction
        # snapshot inside the admin's transaction).
        with connection.cursor() as cursor:
            cursor.execute("SELECT cardinality(pg_blocking_pids(%s)) > 0", [self.pid])
            return cursor.fetchone()[0]

    def finish(self) -> None:
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the other connection never finished"
        assert not self.errors, self.errors


def during_admin_request(monkeypatch, admin_class, moment: str, action, *args) -> InAnotherConnection:
    """Make the next POST to ``admin_class`` run ``action`` in another connection at ``moment``:

    - ``"after_read"``: right after the admin has read its object (``get_object``), before the form
      is validated;
    - ``"before_save"``: after the form and its inlines are validated, right before ``save_model``.

    The admin request goes on once the action has committed or waits for a lock the admin holds.
    Call ``finish()`` on the result after the response to join the thread and see its errors.
    """
    other = InAnotherConnection(action, *args)
    name = {"after_read": "get_object", "before_save": "save_model"}[moment]
    original = getattr(admin_class, name)

    def hooked(self, request, *a, **kw):
        if moment == "after_read":
            result = original(self, request, *a, **kw)
        if request.method == "POST" and not other.thread.ident:
            other.start()
        if moment == "before_save":
            result = original(self, request, *a, **kw)
        return result

    monkeypatch.setattr(admin_class, name, hooked)
    return other
