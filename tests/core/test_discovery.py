"""The kernel's discovery pages with providers built on real rows (organisations), as feature apps do."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from civic.core import discovery
from civic.core.discovery import ActivityItem, DiscoveryItem, Kind
from civic.core.models import Theme
from civic.core.tasks import send_weekly_digests
from civic.organizations.models import Organization
from tests.factories import CityFactory, MemberFactory, OrganizationFactory, ThemeFactory

pytestmark = pytest.mark.django_db

PARIS = (48.8566, 2.3522)


def _north(km: float) -> tuple[float, float]:
    return PARIS[0] + km / 111.195, PARIS[1]


# The kinds these test providers describe, as the feature apps' providers describe theirs.
MISSIONS = Kind(
    key="mission",
    label="Volunteer missions",
    icon="hand-heart",
    order=1,
    index_url="volunteering:index",
    menu_label="Missions",
    menu_order=2,
    open_data="missions",
)
EVENTS = Kind(
    key="event",
    label="Events",
    icon="users",
    order=2,
    index_url="events:index",
    menu_label="Events",
    menu_order=1,
)


class OrgProvider:
    """Organisations of one kind, as a feature app's provider would serve its rows."""

    def __init__(self, kind: Kind, org_kind: str):
        self.kind, self.org_kind = kind, org_kind

    def _item(self, org, **extra):
        return DiscoveryItem(
            kind=self.kind.key,
            pk=org.pk,
            title=org.name,
            url=f"/x/{org.pk}/",
            latitude=org.latitude,
            longitude=org.longitude,
            action_label="Join",
            action_url=f"/x/{org.pk}/join/",
            **extra,
        )

    def near(self, query):
        qs = Organization.objects.filter(kind=self.org_kind).near(query.lat, query.lng, query.km)[
            : query.limit
        ]
        return [self._item(o, distance_m=o.distance_m) for o in qs]

    def search(self, text, *, query):
        return [
            self._item(o, rank=1.0)
            for o in Organization.objects.filter(kind=self.org_kind, name__icontains=text)
        ]

    def featured(self, *, limit):
        return [self._item(o) for o in Organization.objects.filter(kind=self.org_kind)[:limit]]

    def for_member(self, member, *, query):
        if not query.has_point:
            return []
        qs = Organization.objects.filter(kind=self.org_kind).near(query.lat, query.lng, query.km)[
            : query.limit
        ]
        return [self._item(o, distance_m=o.distance_m, reason="Near your home") for o in qs]

    def activity(self, member_ids, *, limit):
        from civic.organizations.models import Membership

        rows = Membership.objects.filter(
            user_id__in=member_ids, organization__kind=self.org_kind
        ).select_related("user", "organization")[:limit]
        return [
            ActivityItem(m.user_id, m.user.public_name, "joined", self._item(m.organization), m.created_at)
            for m in rows
        ]

    def digest(self, member, *, since):
        return [self._item(o) for o in Organization.objects.filter(kind=self.org_kind, created_at__gte=since)]

    def features(self, *, city_id, bbox, limit):
        qs = Organization.objects.filter(kind=self.org_kind)
        if city_id:
            qs = qs.filter(city_id=city_id)
        if bbox:
            qs = qs.in_bbox(*bbox)
        return [self._item(o) for o in qs[:limit]]


@pytest.fixture
def providers():
    """Only these two kinds during the test; the apps' real providers come back afterwards."""
    saved = discovery.providers()
    for kind in saved:
        discovery.unregister(kind)
    discovery.register(OrgProvider(MISSIONS, "association"))
    discovery.register(OrgProvider(EVENTS, "collective"))
    yield
    for kind in discovery.providers():
        discovery.unregister(kind)
    for provider in saved.values():
        discovery.register(provider)


def _org(name, km, kind="association", city=None):
    org = OrganizationFactory(name=name, kind=kind, **({"city": city} if city else {}))
    org.set_point(*_north(km))
    org.save()
    return org


def test_home_mixes_kinds_nearest_first(client, providers, city):
    _org("Garden 3 km", 3, city=city)
    _org("Meetup 1 km", 1, "collective", city=city)
    _org("Repair 2 km", 2, city=city)
    _org("Far away 40 km", 40, city=city)

    response = client.get("/en/", {"lat": PARIS[0], "lng": PARIS[1], "km": 10})

    titles = [i.title for i in response.context["items"]]
    assert titles == ["Meetup 1 km", "Repair 2 km", "Garden 3 km"]
    html = response.content.decode()
    assert html.index("Meetup 1 km") < html.index("Repair 2 km")
    assert "1.0 km away" in html and "Join" in html


def test_home_filters_by_kind(client, providers, city):
    _org("Garden", 1, city=city)
    _org("Meetup", 1, "collective", city=city)
    response = client.get("/en/", {"lat": PARIS[0], "lng": PARIS[1], "km": 10, "kinds": ["event"]})
    assert [i.title for i in response.context["items"]] == ["Meetup"]


def test_home_map_feed_has_the_same_results(client, providers, city):
    _org("Garden", 1, city=city)
    feed = client.get("/en/discover.geojson", {"lat": PARIS[0], "lng": PARIS[1], "km": 10}).json()
    assert [f["properties"]["title"] for f in feed["features"]] == ["Garden"]
    assert feed["features"][0]["geometry"]["coordinates"][1] == pytest.approx(_north(1)[0], abs=1e-5)


@pytest.mark.parametrize(("km", "message"), [("500", "200 km at most"), ("far", "must be a number")])
def test_a_bad_radius_gets_a_message_next_to_the_field(client, providers, km, message):
    response = client.get("/en/", {"place": "Paris", "km": km})
    html = response.content.decode()
    assert 'id="id_km_error"' in html and message in html
    assert response.context["items"] == []


def test_an_unknown_place_gets_a_message(client, providers, city):
    html = client.get("/en/", {"place": "Atlantis"}).content.decode()
    assert "We could not find this place" in html


def test_a_typed_city_name_is_found_without_a_geocoder(client, providers, city):
    _org("Garden", 1, city=city)
    response = client.get("/en/", {"place": "paris", "km": 10})
    assert [i.title for i in response.context["items"]] == ["Garden"]


def test_a_member_with_a_home_point_sees_things_around_home_by_default(client, providers, city, alice):
    alice.set_point(*PARIS)
    alice.save()
    _org("Garden", 2, city=city)
    client.force_login(alice)
    response = client.get("/en/")
    assert [i.title for i in response.context["items"]] == ["Garden"]
    assert "Around your home" in response.content.decode()


def test_without_a_position_featured_items_are_shown(client, providers, city):
    _org("Featured garden", 1, city=city)
    response = client.get("/en/")
    rows = response.context["rows"]
    assert [(row["kind"], [i.title for i in row["items"]]) for row in rows] == [
        ("mission", ["Featured garden"])
    ]


def test_without_a_position_the_home_page_has_one_short_row_per_kind_with_a_link_to_its_list(
    client, providers, city
):
    for n in range(6):
        _org(f"Association {n}", n, city=city)
        _org(f"Collective {n}", n, kind="collective", city=city)
    page = client.get("/en/").content.decode()

    assert [row["kind"] for row in client.get("/en/").context["rows"]] == ["mission", "event"]
    assert page.count('class="result result-mission"') == 4
    assert page.count('class="result result-event"') == 4
    assert 'href="/en/missions/">See all<span class="visually-hidden">: Volunteer missions</span>' in page
    assert 'href="/en/events/">See all<span class="visually-hidden">: Events</span>' in page


def test_a_card_without_a_photo_shows_its_kind_drawing_and_only_the_first_picture_is_eager(
    client, providers, city
):
    _org("Garden", 1, city=city)
    _org("Workshop", 1, kind="collective", city=city)
    page = client.get("/en/").content.decode()

    assert (
        page.count(
            '<span class="result-illustration tile-mission"><svg class="icon icon-hand-heart" aria-hidden="true"'
        )
        == 1
    )
    assert (
        page.count(
            '<span class="result-illustration tile-event"><svg class="icon icon-users" aria-hidden="true"'
        )
        == 1
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_home_page_query_budget_does_not_grow(client, providers, city, rows, django_assert_max_num_queries):
    for n in range(rows):
        _org(f"Org {n}", 0.1 * n, kind="association" if n % 2 else "collective", city=city)
    with django_assert_max_num_queries(8):
        response = client.get("/en/", {"lat": PARIS[0], "lng": PARIS[1], "km": 50})
    assert len(response.context["items"]) == min(rows, 30)


class CountingOrgProvider(OrgProvider):
    """An OrgProvider that says which QuerySet its ``near()`` slices, and counts the items it builds."""

    built = 0

    def near_queryset(self, query):
        return Organization.objects.filter(kind=self.org_kind).near(query.lat, query.lng, query.km)

    def _item(self, org, **extra):
        CountingOrgProvider.built += 1
        return super()._item(org, **extra)


def test_home_builds_only_the_items_it_shows_and_mixes_them_as_before(
    client, providers, city, django_assert_max_num_queries
):
    # Associations every 0.3 km and collectives every 0.7 km: the first 30 hold 21 and 9 of them.
    for n in range(1, 40):
        _org(f"Association {n}", 0.3 * n, city=city)
        _org(f"Collective {n}", 0.7 * n, "collective", city=city)
    query = discovery.DiscoveryQuery(*PARIS, km=50, limit=30)
    every_item = [item for provider in discovery.providers().values() for item in provider.near(query)]
    expected = [i.title for i in sorted(every_item, key=lambda i: i.distance_m)][:30]
    discovery.register(CountingOrgProvider(MISSIONS, "association"))
    discovery.register(CountingOrgProvider(EVENTS, "collective"))
    CountingOrgProvider.built = 0

    with django_assert_max_num_queries(8):
        response = client.get("/en/", {"lat": PARIS[0], "lng": PARIS[1], "km": 50})

    assert [i.title for i in response.context["items"]] == expected
    assert CountingOrgProvider.built == 30  # not 30 of each kind


def test_the_menu_the_filters_and_the_ways_to_act_list_only_the_registered_kinds(client, providers):
    page = client.get("/en/").content.decode()
    menu = page[page.index('class="nav-main"') : page.index("</ul>", page.index('class="nav-main"'))]

    # The menu has its own order (events before missions here), the filters the platform's.
    assert menu.index('href="/en/events/"') < menu.index('href="/en/missions/"')
    assert "/en/projects/" not in page and "/en/cities/" not in page and "/en/initiatives/" not in page
    assert 'name="kinds" value="mission"' in page and 'name="kinds" value="event"' in page
    assert 'name="kinds" value="project"' not in page
    assert page.count('class="card"><h3><a href=') == 2  # "Ways to act", nothing featured yet


def test_a_provider_must_describe_its_kind():
    with pytest.raises(TypeError):
        discovery.register(object())


def test_search_groups_by_kind_and_highlights(client, providers, city):
    _org("École du compost", 1, city=city)
    _org("Compost party", 1, "collective", city=city)
    response = client.get("/en/search/", {"q": "compost"})
    html = response.content.decode()
    assert [kind for kind, _label, _items in response.context["groups"]] == ["mission", "event"]
    assert "École du <mark>compost</mark>" in html
    assert "2 results for “compost”" in html


def test_my_civic_shows_suggestions_with_reasons_and_followed_activity(client, providers, city, alice, bob):
    from civic.accounts.models import Follow
    from civic.organizations.models import Membership

    alice.set_point(*PARIS)
    alice.save()
    garden = _org("Garden", 1, city=city)
    Membership.objects.create(user=bob, organization=garden)
    Follow.objects.create(follower=alice, followed=bob)
    client.force_login(alice)

    html = client.get("/en/me/").content.decode()

    assert "Bob, whom you follow, takes part" in html  # the reason that matters most to Alice
    assert "Near your home" not in html
    assert "Bob</a> joined <a" in html


def test_open_data_feed_by_city_and_bbox(client, providers, city):
    _org("Garden", 1, city=city)
    by_city = client.get("/en/data/missions.geojson", {"city": "paris"})
    assert by_city["Access-Control-Allow-Origin"] == "*"
    assert [f["properties"]["title"] for f in by_city.json()["features"]] == ["Garden"]
    assert client.get("/en/data/missions.geojson", {"bbox": "0,0,1,1"}).json()["features"] == []
    assert client.get("/en/data/missions.geojson", {"bbox": "nope"}).status_code == 400
    assert client.get("/en/data/missions.geojson").status_code == 400
    assert client.get("/en/data/proposals.geojson", {"city": "paris"}).status_code == 404


def test_weekly_digest_is_sent_once_a_week_in_the_members_language(
    django_capture_on_commit_callbacks, providers, city
):
    spanish = MemberFactory(
        email="sofia@example.org", display_name="Sofía", language="es", weekly_digest=True
    )
    MemberFactory(email="no@example.org", weekly_digest=False)
    _org("Huerto nuevo", 1, city=city)

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests()
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests()  # beat ran twice: nothing more

    assert [m.to for m in mail.outbox] == [["sofia@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "Tu semana en Civic"
    assert "Huerto nuevo" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert spanish.notifications.count() == 1


def test_running_a_digest_batch_twice_sends_each_member_one_digest(
    django_capture_on_commit_callbacks, providers, city
):
    from civic.core.tasks import send_digest_batch

    members = [MemberFactory(email=f"d{i}@example.org", weekly_digest=True) for i in range(2)]
    _org("Huerto nuevo", 1, city=city)
    ids = [m.pk for m in members]

    with django_capture_on_commit_callbacks(execute=True):
        assert send_digest_batch(ids) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digest_batch(ids) == 0  # the batch delivered again

    assert sorted(m.to[0] for m in mail.outbox) == ["d0@example.org", "d1@example.org"]
    assert sum(m.notifications.count() for m in members) == 2


def test_digest_unsubscribe_link_works_without_logging_in(client, providers, city):
    member = MemberFactory(email="u@example.org", weekly_digest=True)
    from civic.core.views import digest_unsubscribe_token

    url = f"/en/digest/unsubscribe/{digest_unsubscribe_token(member)}/"
    assert client.get(url).status_code == 200
    client.post(url)
    member.refresh_from_db()
    assert not member.weekly_digest
    assert client.get("/en/digest/unsubscribe/forged-token/").status_code == 404


def test_the_digest_email_offers_rfc8058_one_click_unsubscribe(
    django_capture_on_commit_callbacks, providers, city
):
    from urllib.parse import urlsplit

    from django.test import Client

    member = MemberFactory(email="u@example.org", language="en", weekly_digest=True)
    _org("New garden", 1, city=city)
    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_digests()
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = urlsplit(headers["List-Unsubscribe"].strip("<>")).path

    # Exactly what a mail provider sends: a POST with that body, no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    member.refresh_from_db()
    assert not member.weekly_digest


def test_no_digest_when_nothing_is_new(providers, city):
    member = MemberFactory(email="quiet@example.org", weekly_digest=True)
    Organization.objects.update(created_at=timezone.now() - timedelta(days=30))
    send_weekly_digests()
    assert member.notifications.count() == 0


class _Row:
    """What a feature app's QuerySet hands to ``Kind.item``: a located row with a title, a page, its
    city and themes loaded, and the annotations of the query that found it."""

    def __init__(self, pk, city, themes, **annotations):
        self.pk, self.title, self.city, self._themes = pk, "Clean the river", city, themes
        self.latitude, self.longitude = PARIS
        self.__dict__.update(annotations)

    def get_absolute_url(self):
        return f"/x/{self.pk}/"

    @property
    def themes(self):
        return Theme.objects.filter(pk__in=[t.pk for t in self._themes]).order_by("pk")


def test_an_item_found_near_a_point_by_a_search_shows_its_distance_relevance_photo_and_citys_clock():
    city = CityFactory(timezone="America/Montreal")
    recycling = ThemeFactory(icon="recycle")
    row = _Row(
        7,
        city,
        [recycling],
        distance_m=1234.5,
        rank=0.25,
        cover_image="photos/river.jpg",
        cover_thumb="photos/river-thumb.jpg",
        cover_alt="The river bank",
    )
    when = timezone.now()

    item = MISSIONS.item(row, summary="**Bring** gloves", when=when, action_label="Join", extra={"left": 3})

    assert (item.kind, item.pk, item.title, item.url, item.action_url) == (
        "mission",
        7,
        row.title,
        "/x/7/",
        "/x/7/",
    )
    assert item.summary == "Bring gloves"
    assert (item.distance_m, item.rank, item.when, item.date_only) == (1234.5, 0.25, when, False)
    assert (item.tz, item.city_name) == ("America/Montreal", city.name)
    assert item.theme_ids == (recycling.pk,)
    assert item.image_url.endswith("photos/river-thumb.jpg")
    assert item.image_srcset.endswith("photos/river.jpg 1600w")
    assert (item.image_alt, item.extra) == ("The river bank", {"left": 3})


def test_a_day_without_a_photo_shows_its_first_themes_drawing_and_its_action_is_an_anchor_of_its_page():
    first, second = ThemeFactory(icon=""), ThemeFactory(icon="bike")
    row = _Row(8, CityFactory(), [first, second])

    item = EVENTS.item(
        row,
        summary="",
        when=None,
        date_only=True,
        action_label="Support",
        action_url="#support",
        reason="Why",
    )

    assert (item.action_url, item.reason, item.tz, item.date_only) == ("/x/8/#support", "Why", "", True)
    assert (item.distance_m, item.rank, item.image_url, item.icon) == (None, 0.0, "", "bike")
    assert item.illustration == "bike"
    assert EVENTS.item(row, summary="", when=None, action_label="Go", action_url="/go/").action_url == "/go/"


def test_an_activity_names_the_member_who_acted_and_the_item_takes_the_cover_selected_with_the_action():
    bob = MemberFactory(first_name="Bob")
    rsvp = _Row(9, CityFactory(), [], cover_image="a.jpg", cover_thumb="a-t.jpg", cover_alt="A")
    event = _Row(10, rsvp.city, [])

    discovery.hand_cover(rsvp, to=event)
    item = EVENTS.item(event, summary="", when=None, action_label="RSVP")
    at = timezone.now()
    action = ActivityItem.by(bob, "is going to", item, at)

    assert (item.image_url.endswith("a-t.jpg"), item.image_alt) == (True, "A")
    assert action == ActivityItem(bob.pk, bob.public_name, "is going to", item, at)
