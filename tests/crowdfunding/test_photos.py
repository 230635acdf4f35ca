"""Photos of a project go through the kernel's attach_photo(): named after their real format,
with a thumbnail, and their description is the picture's alt text on the page."""

import pytest
from django.urls import reverse

from crowdfunding.models import ProjectPhoto
from tests.photo_uploads import assert_shown_with_its_alt, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ext", ["png", "jpg"])
def test_a_project_photo_is_stored_in_its_real_format_with_a_thumbnail_and_its_alt(client, alice, city, ext):
    client.force_login(alice)
    form = {"title": "Fresque", "holder": "me", "stage": "idea", "city": city.pk}

    client.post(
        reverse("crowdfunding:project_create"), {**form, "photo": upload(ext), "photo_alt": "Un mur vert"}
    )

    photo = ProjectPhoto.objects.get()
    assert_shown_with_its_alt(client, photo, ext, photo.project.get_absolute_url(), "Un mur vert")
