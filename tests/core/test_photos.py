"""The kernel's photo contract (``civic.core.photos``): attach_photo() checks before it stores,
numbers the photos of an owner, and the admin's PhotoInline treats an editor's upload the same way."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civic.core.photos import attach_photo
from initiatives.models import InitiativePhoto
from participation.models import ProposalPhoto
from tests.admin_forms import change_form_data
from tests.initiatives.factories import InitiativeFactory
from tests.participation.factories import CitySpaceFactory, ProposalFactory
from tests.photo_uploads import assert_stored, img_alts, upload

pytestmark = pytest.mark.django_db


def _stored_files(settings) -> list:
    from pathlib import Path

    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_photos_of_an_owner_are_numbered_in_the_order_they_come():
    initiative = InitiativeFactory()

    first = attach_photo(InitiativePhoto, file=upload("jpg"), alt="First", initiative=initiative)
    second = attach_photo(InitiativePhoto, file=upload("png"), alt=" Second ", initiative=initiative)

    assert [(p.position, p.alt) for p in initiative.photos.all()] == [(0, "First"), (1, "Second")]
    assert_stored(first, "jpg")
    assert_stored(second, "png")


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(settings):
    initiative = InitiativeFactory()
    fake = SimpleUploadedFile("photo.png", b"<svg onload=alert(1)>", content_type="image/png")

    with pytest.raises(ValidationError) as caught:
        attach_photo(InitiativePhoto, file=fake, alt="A fridge", initiative=initiative)

    assert caught.value.error_list[0].code == "not_an_image"
    assert not InitiativePhoto.objects.exists()
    assert _stored_files(settings) == []


def test_a_picture_over_the_pixel_cap_is_refused_before_it_is_decoded(settings):
    settings.UPLOAD_MAX_PIXELS = 100 * 100
    initiative = InitiativeFactory()
    out = BytesIO()
    Image.new("RGB", (101, 100)).save(out, format="PNG")

    with pytest.raises(ValidationError) as caught:
        attach_photo(
            InitiativePhoto,
            file=SimpleUploadedFile("big.png", out.getvalue(), "image/png"),
            alt="Big",
            initiative=initiative,
        )

    assert caught.value.error_list[0].code == "too_many_pixels"
    assert _stored_files(settings) == []


def test_a_description_is_required_where_the_kind_requires_one(settings):
    initiative = InitiativeFactory()

    with pytest.raises(ValidationError) as caught:
        attach_photo(InitiativePhoto, file=upload("jpg"), alt="  ", initiative=initiative)

    assert "alt" in caught.value.message_dict
    assert _stored_files(settings) == []


def test_an_editor_uploading_in_the_admin_gets_the_same_reencoding_and_thumbnail(client, edith):
    proposal = ProposalFactory()
    CitySpaceFactory(city=proposal.city)
    url = f"/admin/participation/proposal/{proposal.pk}/change/"
    client.force_login(edith)
    data = change_form_data(client, url)
    data.update(
        {
            "photos-TOTAL_FORMS": ["1"],
            "photos-0-proposal": [str(proposal.pk)],
            "photos-0-alt": ["A bench in the sun"],
            "photos-0-position": ["0"],
            "photos-0-image": upload("png"),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    photo = ProposalPhoto.objects.get(proposal=proposal)
    assert_stored(photo, "png")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert img_alts(page, photo) == ["A bench in the sun"]
