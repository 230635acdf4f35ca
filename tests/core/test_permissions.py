"""``civic.core.permissions.NotAllowed``: the one permission error, answered 404 by Django itself."""

import pytest
from django.db import transaction
from django.urls import path

from civic.core.permissions import NotAllowed
from civic.urls import urlpatterns as site_urlpatterns


def _service_that_refuses(*, by) -> None:
    with transaction.atomic():
        raise NotAllowed


def view_without_a_pre_check(request):
    """A view that forgot to check the rule before calling the service."""
    _service_that_refuses(by=request.user)


urlpatterns = [path("refused/", view_without_a_pre_check), *site_urlpatterns]

pytestmark = pytest.mark.django_db


@pytest.mark.urls(__name__)
def test_a_refusal_from_a_service_is_the_site_404_page_not_a_500(client, settings):
    settings.DEBUG = False

    response = client.get("/refused/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
