"""The photo of a proposal goes through the kernel's attach_photo(): named after its real format
(a PNG is no longer saved as "photo.jpg"), with a thumbnail, and its description is the picture's
alt text on the page."""

import pytest

from participation.models import Proposal
from tests.photo_uploads import assert_shown_with_its_alt, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ext", ["png", "jpg"])
def test_a_proposal_photo_is_stored_in_its_real_format_with_a_thumbnail_and_its_alt(
    client, bob, space, theme, ext
):
    client.force_login(bob)
    client.post(
        "/en/cities/paris/proposals/new/",
        {
            "title": "Green wall",
            "text": "Cover the car park wall with plants.",
            "theme": theme.pk,
            "photo": upload(ext),
            "photo_alt": "A grey concrete wall",
        },
    )

    proposal = Proposal.objects.get()
    photo = proposal.photos.get()
    assert_shown_with_its_alt(client, photo, ext, proposal.get_absolute_url(), "A grey concrete wall")
