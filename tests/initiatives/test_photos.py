"""Photos of an initiative go through the kernel's attach_photo(): named after their real format,
with a thumbnail, and their description is the picture's alt text on the page."""

import pytest

from initiatives.models import Initiative
from tests.photo_uploads import assert_shown_with_its_alt, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ext", ["png", "jpg"])
def test_a_spotters_photo_is_stored_in_its_real_format_with_a_thumbnail_and_its_alt(
    client, spotter_alice, city, theme, ext
):
    client.force_login(spotter_alice)
    draft = dict(title="Repair café", summary="Volunteers repair toasters.", contact_email="team@example.org")

    response = client.post(
        "/en/initiatives/new/",
        {
            **draft,
            "city": city.pk,
            "themes": [theme.pk],
            "photo": upload(ext),
            "photo_alt": "Volunteers & a toaster",
        },
    )

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    photo = initiative.photos.get()
    assert_shown_with_its_alt(client, photo, ext, initiative.get_absolute_url(), "Volunteers & a toaster")
