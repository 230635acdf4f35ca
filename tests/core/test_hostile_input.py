"""Hostile input never reaches a 500: what an attacker types, in every form and URL a role can reach.

Table-driven: each table lists the values and where they go; each test asserts what a person sees
(no 5xx, the field's message) and what is stored (nothing).
"""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.volunteering.factories import MissionFactory, SlotFactory

pytestmark = pytest.mark.django_db


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes whose header declares ``width`` × ``height`` grayscale pixels.

    Its one data chunk holds a single compressed row: enough for any reader to parse the header,
    which is all a decompression bomb needs (a real one holds megabytes of zeros that inflate).
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grayscale
    row = zlib.compress(b"\0" * (width + 1))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")


# --- Out-of-range dates -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "start=9999-12-31&end=9999-12-31",
        "end=9999-12-31",
        "start=0001-01-01&end=0001-01-01",
        "start=9999-99-99",
        "start=2026-02-30",
        "start=%00&end=%27--",
        "month=9999-12",
        "month=0001-01",
    ],
)
@pytest.mark.parametrize("page", ["/en/events/", "/en/events/calendar/"])
def test_event_lists_answer_out_of_range_dates_without_a_500(client, page, query):
    response = client.get(f"{page}?{query}")
    assert response.status_code == 200


def test_an_out_of_range_date_in_the_event_filter_is_named_next_to_the_field(client):
    response = client.get("/en/events/?start=9999-12-31&end=9999-12-31")
    assert "Enter a date between 1900 and 2999." in response.content.decode()


# --- Non-numeric ids in admin URLs --------------------------------------------------------------

HOSTILE_IDS = ["abc", "1'--", "%2e%2e%2f", "-1", "1.5", "99999999999999999999999", "%00", "1%20OR%201=1"]


@pytest.mark.parametrize("object_id", HOSTILE_IDS)
@pytest.mark.parametrize("model", ["mission", "slot"])
@pytest.mark.parametrize("who", ["alice_in_a", "edith"])
def test_volunteering_admin_answers_404_for_a_hostile_id(client, request, who, model, object_id):
    client.force_login(request.getfixturevalue(who))
    SlotFactory(mission=MissionFactory(organization=request.getfixturevalue("org_a")))

    response = client.get(f"/admin/volunteering/{model}/{object_id}/change/")

    assert response.status_code == 404


# --- Decompression bombs and oversized pixel counts -------------------------------------------


def _profile_data(city, **extra):
    return {"display_name": "Alice", "home_city": city.pk, "language": "en", **extra}


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((20000, 20000), "This picture has too many pixels. The limit is 40 megapixels"),
        ((13000, 13000), "This picture has too many pixels. The limit is 40 megapixels"),
        ((8000, 6000), "This picture is too large (8000 × 6000 pixels). The limit is 40 megapixels"),
    ],
)
def test_a_picture_with_too_many_pixels_is_refused_as_an_avatar(client, alice, city, size, message):
    client.force_login(alice)
    bomb = png_declaring(*size)
    assert len(bomb) < 100_000

    response = client.post(
        "/en/me/profile/",
        _profile_data(city, avatar_upload=SimpleUploadedFile("me.png", bomb, content_type="image/png")),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_avatar_upload_error"' in html
    assert message in html
    alice.refresh_from_db()
    assert not alice.avatar


def test_the_pixel_cap_is_a_setting(client, alice, city, settings):
    settings.UPLOAD_MAX_PIXELS = 1_000_000
    client.force_login(alice)
    upload = SimpleUploadedFile("me.png", png_declaring(1200, 1000), content_type="image/png")

    response = client.post("/en/me/profile/", _profile_data(city, avatar_upload=upload))

    assert "The limit is 1 megapixels" in response.content.decode()
