"""Photos of a project go through the kernel's attach_photo(): named after their real format,
with a thumbnail, and their description is the picture's alt text on the page."""

import pytest
from django.urls import reverse

from crowdfunding.models import Project
from tests.photo_uploads import assert_stored, img_alts, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ext", ["png", "jpg"])
def test_a_project_photo_is_stored_in_its_real_format_with_a_thumbnail_and_its_alt(client, alice, city, ext):
    client.force_login(alice)
    response = client.post(
        reverse("crowdfunding:project_create"),
        {
            "title": "Fresque",
            "holder": "me",
            "stage": "idea",
            "city": city.pk,
            "photo": upload(ext),
            "photo_alt": "Un mur vert",
        },
    )

    assert response.status_code == 302
    project = Project.objects.get()
    photo = project.photos.get()
    assert_stored(photo, ext)
    page = client.get(project.get_absolute_url()).content.decode()
    assert img_alts(page, photo) == ["Un mur vert"]
