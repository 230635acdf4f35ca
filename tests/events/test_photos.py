"""Photos of an event's report go through the kernel's attach_photo(): named after their real
format (no more "photo-0" without an extension), with a thumbnail, and the organiser's
description is the picture's alt text on the event page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.events.factories import EventFactory
from tests.photo_uploads import assert_shown_with_its_alt, img_alts, upload

pytestmark = pytest.mark.django_db


def _past_event(shaker):
    start = timezone.now() - timedelta(days=1)
    return EventFactory(created_by=shaker, starts_at=start, ends_at=start + timedelta(hours=2))


@pytest.mark.parametrize("ext", ["png", "jpg"])
def test_a_report_photo_is_stored_in_its_real_format_with_a_thumbnail_and_its_alt(client, shaker, ext):
    event = _past_event(shaker)
    client.force_login(shaker)

    client.post(
        reverse("events:report", args=[event.pk]),
        {"people_count": "23", "text": "Trees.", "photo1": upload(ext), "photo1_alt": "Twelve young oaks"},
    )

    photo = event.report.photos.get()
    assert_shown_with_its_alt(client, photo, ext, event.get_absolute_url(), "Twelve young oaks")


def test_a_report_photo_without_a_description_gets_a_generic_alt(client, shaker):
    event = _past_event(shaker)
    client.force_login(shaker)

    client.post(
        reverse("events:report", args=[event.pk]),
        {"people_count": "5", "text": "Done.", "photo1": upload("jpg"), "photo2": upload("png")},
    )

    first, second = event.report.photos.all()
    assert (first.position, second.position) == (0, 1)
    page = client.get(event.get_absolute_url()).content.decode()
    assert img_alts(page, first) == img_alts(page, second) == ["Photo of the event"]
