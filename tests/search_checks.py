"""What the search tests of every kind check the same way: an admin change form saved as a browser
would, and the global search page."""

from __future__ import annotations

from tests.admin_forms import change_form_data


def admin_save(client, url: str, **changes) -> None:
    """Post the admin change form at ``url`` with ``changes``, as the logged-in person; it must save."""
    response = client.post(url, change_form_data(client, url, **changes))
    form = (
        response.context["adminform"].form if response.context and "adminform" in response.context else None
    )
    assert response.status_code == 302, form.errors if form else response.status_code


def found_pks(queryset, text: str) -> list[int]:
    """The primary keys ``queryset.search(text)`` finds."""
    return sorted(queryset.search(text).values_list("pk", flat=True))


def search_page(client, text: str) -> str:
    """The global search page ("/en/search/?q=…") for ``text``."""
    response = client.get("/en/search/", {"q": text})
    assert response.status_code == 200
    return response.content.decode()
