import socket
import threading
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from civic.places.geo import point
from tests.factories import ThemeFactory
from tests.search_checks import admin_save, found_pks, search_page
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory
from volunteering.models import Mission, MissionStatus

pytestmark = pytest.mark.django_db

PARIS = (48.8566, 2.3522)
KM_PER_DEG_LAT = 111.195


def north_of_paris(km: float) -> float:
    return PARIS[0] + km / KM_PER_DEG_LAT


def next_local(tz, weekday: int, hour: int) -> datetime:
    """The next ``weekday`` (0 = Monday) at ``hour`` local time, at least a day from now."""
    day = timezone.now().astimezone(tz).date() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=tz)


@pytest.fixture
def saturday_garden(org_a, theme):
    """A gardening mission 3 km north of Paris centre, on Saturday mornings."""
    mission = MissionFactory(
        organization=org_a, lat=north_of_paris(3), lng=PARIS[1], title_fr="Jardin du samedi", themes=[theme]
    )
    start = next_local(mission.city.timezone, 5, 10)
    SlotFactory(mission=mission, starts_at=start, ends_at=start + timedelta(hours=2))
    return mission


def search(client, **params):
    response = client.get(reverse("volunteering:index"), {"lat": PARIS[0], "lng": PARIS[1], **params})
    assert response.status_code == 200
    return response


def found(response) -> list[str]:
    return [m.title for m in response.context["missions"]]


def test_saturday_morning_mission_3_km_away_is_found_by_a_saturday_morning_search_within_5_km(
    client, saturday_garden, theme
):
    response = search(client, km=5, themes=[theme.pk], availability=["weekend_morning"])

    assert found(response) == ["Jardin du samedi"]
    assert "3.0 km" in response.content.decode() or "3,0 km" in response.content.decode()


def test_saturday_morning_mission_is_not_found_by_a_weekday_evening_search(client, saturday_garden, theme):
    response = search(client, km=5, themes=[theme.pk], availability=["weekday_evening"])

    assert found(response) == []


def test_mission_3_km_away_is_not_found_within_2_km(client, saturday_garden):
    assert found(search(client, km=2)) == []


def test_mission_is_not_found_by_another_interest(client, saturday_garden):
    other = ThemeFactory(slug="other")

    assert found(search(client, km=5, themes=[other.pk])) == []


def test_availability_is_read_in_the_city_time_zone(client, org_a):
    # 10:00 in Paris on a Saturday is 08:00 or 09:00 UTC: still a morning there, never an evening.
    mission = MissionFactory(organization=org_a, title_fr="Matin")
    start = next_local(mission.city.timezone, 5, 10)
    SlotFactory(mission=mission, starts_at=start, ends_at=start + timedelta(hours=1))

    assert found(search(client, availability=["weekend_morning"])) == ["Matin"]
    assert found(search(client, availability=["weekend_afternoon", "weekday_morning"])) == []


def test_date_range_keeps_missions_with_a_slot_inside_it(client, saturday_garden):
    slot_day = saturday_garden.slots.get().starts_at.astimezone(saturday_garden.city.timezone).date()

    assert found(search(client, date_from=slot_day, date_to=slot_day)) == ["Jardin du samedi"]
    assert found(search(client, date_from=slot_day + timedelta(days=1))) == []


def test_flags_and_organisation_filter_the_results(client, org_a, org_b):
    MissionFactory(
        organization=org_a, title_fr="Accessible", reduced_mobility_accessible=True, beginner_friendly=True
    )
    MissionFactory(organization=org_b, title_fr="À distance", remote_possible=True)
    for mission in Mission.objects.all():
        SlotFactory(mission=mission)

    assert found(search(client, accessible="on")) == ["Accessible"]
    assert found(search(client, beginner="on")) == ["Accessible"]
    assert found(search(client, remote="on")) == ["À distance"]
    assert found(search(client, organization="association b")) == ["À distance"]


def test_drafts_closed_missions_and_missions_without_upcoming_slots_are_not_listed(client, org_a):
    for title, status in [("Brouillon", MissionStatus.DRAFT), ("Fermée", MissionStatus.CLOSED)]:
        SlotFactory(mission=MissionFactory(organization=org_a, title_fr=title, status=status))
    MissionFactory(organization=org_a, title_fr="Sans créneau")

    assert found(search(client)) == []


def test_results_show_next_slot_and_places_left(client, org_a):
    mission = MissionFactory(organization=org_a, title_fr="Deux créneaux")
    soon = SlotFactory(mission=mission, capacity=3, starts_at=timezone.now() + timedelta(days=1))
    SlotFactory(mission=mission, capacity=9, starts_at=timezone.now() + timedelta(days=8))
    ParticipationFactory(slot=soon)

    row = search(client).context["missions"][0]

    assert row.next_slot_id == soon.pk and row.places_left == 2


@pytest.mark.parametrize(
    ("km", "message"),
    [("abc", "must be a number"), ("250", "at most 200"), ("-1", "more than 0")],
)
def test_a_bad_radius_gets_a_clear_message(client, saturday_garden, km, message):
    response = client.get("/en/missions/", {"lat": PARIS[0], "lng": PARIS[1], "km": km})

    assert response.status_code == 200
    assert message in response.context["form"].errors["km"][0]
    assert list(response.context["missions"]) == []


def test_a_typed_city_is_geocoded(client, saturday_garden, city, settings):
    settings.GEOCODER = ""
    response = client.get("/en/missions/", {"where": "Paris", "km": 5})

    assert found(response) == ["Jardin du samedi"]


def test_an_unknown_place_gets_a_message(client, saturday_garden, settings):
    settings.GEOCODER = ""
    response = client.get("/en/missions/", {"where": "Nowhere-at-all", "km": 5})

    assert "could not find" in response.context["form"].errors["where"][0]


@pytest.fixture
def unreachable_geocoder(settings):
    """Nominatim pointed at a localhost port nothing listens on: every lookup is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_DOMAIN = f"127.0.0.1:{port}"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_TIMEOUT = 1
    return settings


@pytest.fixture
def silent_geocoder(settings):
    """Nominatim pointed at a server that accepts connections and never answers: a timeout. It counts
    the connections it accepted (``.asked``), so a test can tell whether the geocoder was asked."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])  # kept open, never answered
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    settings.GEOCODER = "nominatim"
    settings.GEOCODER_DOMAIN = f"127.0.0.1:{server.getsockname()[1]}"
    settings.GEOCODER_SCHEME = "http"
    settings.GEOCODER_TIMEOUT = 0.5
    yield SimpleNamespace(asked=lambda: len(held))
    server.close()
    for connection in held:
        connection.close()


def test_an_address_search_falls_back_to_the_city_centre_when_the_geocoder_is_down(
    client, saturday_garden, city, unreachable_geocoder
):
    response = client.get("/en/missions/", {"where": "12 rue des Lilas, Paris", "km": 5})

    assert response.status_code == 200
    assert found(response) == ["Jardin du samedi"]  # 3 km from the centre of Paris


def test_a_geocoder_that_times_out_costs_one_search_the_timeout_and_the_next_ones_nothing(
    client, saturday_garden, city, silent_geocoder
):
    first = client.get("/en/missions/", {"where": "12 rue des Lilas, Paris", "km": 5})
    asked_by_the_first = silent_geocoder.asked()
    second = client.get("/en/missions/", {"where": "3 place de la Mairie, Paris", "km": 5})

    assert first.status_code == second.status_code == 200
    assert found(first) == found(second) == ["Jardin du samedi"]
    # The first search waits for the timeout a bounded number of times (the client's retries) …
    assert 1 <= asked_by_the_first <= 3
    # … and the geocoder, known to be down for a minute, is not asked again.
    assert silent_geocoder.asked() == asked_by_the_first


def test_an_address_in_no_known_city_gets_a_message_when_the_geocoder_is_down(
    client, saturday_garden, unreachable_geocoder
):
    response = client.get("/en/missions/", {"where": "12 Nowhere Street, Atlantis", "km": 5})

    assert response.status_code == 200
    assert "could not find" in response.context["form"].errors["where"][0]


def test_members_get_their_interests_availability_and_home_pre_filled(client, alice, saturday_garden, theme):
    alice.point = point(*PARIS)
    alice.availability = ["weekend_morning"]
    alice.save()
    alice.interests.set([theme])
    client.force_login(alice)

    response = client.get("/en/missions/")

    assert response.context["prefilled"]
    form = response.context["form"]
    assert form["availability"].value() == ["weekend_morning"]
    assert form["themes"].value() == [str(theme.pk)]
    assert found(response) == ["Jardin du samedi"]


def test_map_feed_answers_the_same_filters_as_the_list(client, saturday_garden):
    response = client.get(reverse("volunteering:geojson"), {"lat": PARIS[0], "lng": PARIS[1], "km": 5})

    features = response.json()["features"]
    assert [f["properties"]["title"] for f in features] == ["Jardin du samedi"]
    assert features[0]["properties"]["url"].endswith(f"/missions/{saturday_garden.pk}/")


def test_map_feed_refuses_a_bad_radius_and_a_bad_bbox(client, saturday_garden):
    assert client.get(reverse("volunteering:geojson"), {"km": "300"}).status_code == 400
    assert client.get(reverse("volunteering:geojson"), {"bbox": "1,2,3"}).status_code == 400


def _missions(org, n, theme):
    for i in range(n):
        mission = MissionFactory(
            organization=org, title_fr=f"M{i}", lat=north_of_paris(i % 4), themes=[theme]
        )
        SlotFactory(mission=mission)


@pytest.mark.parametrize("n", [3, 30])
def test_search_page_query_count_does_not_grow_with_missions(
    client, alice, org_a, theme, n, django_assert_max_num_queries
):
    _missions(org_a, n, theme)
    client.force_login(alice)
    url = "/en/missions/"
    params = {
        "lat": PARIS[0],
        "lng": PARIS[1],
        "km": 10,
        "availability": [
            "weekday_morning",
            "weekday_afternoon",
            "weekday_evening",
            "weekend_morning",
            "weekend_afternoon",
            "weekend_evening",
        ],
    }

    with django_assert_max_num_queries(8):  # the page's ids, then its missions (ids_then_rows)
        response = client.get(url, params)

    assert len(response.context["missions"]) == min(n, 20)


@pytest.mark.parametrize("n", [3, 30])
def test_map_feed_query_count_does_not_grow_with_missions(
    client, org_a, theme, n, django_assert_max_num_queries
):
    _missions(org_a, n, theme)

    with django_assert_max_num_queries(2):
        response = client.get(reverse("volunteering:geojson"), {"bbox": "2,48,3,49.5"})

    assert len(response.json()["features"]) == n


def test_results_come_in_pages_of_twenty_nearest_first(client, org_a, theme):
    _missions(org_a, 25, theme)

    first = search(client, km=10)
    second = search(client, km=10, page=2)

    distances = [m.distance_m for m in first.context["missions"]]
    assert len(distances) == 20 and distances == sorted(distances)
    assert first.context["has_next"] and not second.context["has_next"]
    assert len(second.context["missions"]) == 5
    assert min(m.distance_m for m in second.context["missions"]) >= distances[-1]


def test_near_me_search_reads_the_geo_index_nearest_first(org_a, theme):
    from django.db import connection

    _missions(org_a, 3, theme)
    qs = Mission.objects.matching(lat=PARIS[0], lng=PARIS[1], km=5, availability=["weekend_morning"])[:21]
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "volunteering_mission_geo" in plan and "Order By" in plan


def test_a_members_admin_edit_makes_the_mission_found_by_its_new_title_only(client, alice_in_a, org_a):
    mission = MissionFactory(organization=org_a, title_fr="Collecte de jouets", title_en="Toy collection")
    SlotFactory(mission=mission)
    client.force_login(alice_in_a)

    admin_save(
        client,
        reverse("admin:volunteering_mission_change", args=[mission.pk]),
        title_fr="Grainothèque du quartier",
        title_en="Seed library",
    )

    assert found_pks(Mission.objects.published(), "grainotheque") == [mission.pk]
    assert found_pks(Mission.objects.published(), "grainoteque") == [mission.pk]  # a typo
    assert (
        found_pks(Mission.objects.published(), "jouets")
        == found_pks(Mission.objects.published(), "toy")
        == []
    )
    with translation.override("en"):
        url = reverse("volunteering:mission_detail", args=[mission.pk])
    assert url in search_page(client, "seed library")
    assert url not in search_page(client, "jouets")


def test_a_bulk_update_makes_the_mission_found_by_its_new_title(client, org_a):
    mission = MissionFactory(organization=org_a, title_fr="Collecte de jouets", title_en="")
    SlotFactory(mission=mission)

    Mission.objects.filter(pk=mission.pk).update(title_fr="Grainothèque du quartier")

    assert found_pks(Mission.objects.all(), "grainoteque") == [mission.pk]
    assert found_pks(Mission.objects.all(), "jouets") == []
    with translation.override("en"):
        assert reverse("volunteering:mission_detail", args=[mission.pk]) in search_page(
            client, "grainotheque"
        )


def test_the_list_stops_at_its_last_page_and_says_how_to_find_the_others(client, org_a, theme, monkeypatch):
    from volunteering import views

    monkeypatch.setattr(views, "MAX_PAGES", 2)
    _missions(org_a, 45, theme)

    second = search(client, km=10, page=2)
    deep = search(client, km=10, page=50)

    for response in (second, deep):
        assert response.context["page_number"] == 2
        assert not response.context["has_next"]
        assert len(response.context["missions"]) == 20
        assert (
            "Only the first 40 missions are listed. Narrow the distance or add filters"
            in response.content.decode()
        )
    assert "Only the first" not in search(client, km=10).content.decode()


def test_a_last_page_that_holds_every_match_has_no_cap_message(client, org_a, theme, monkeypatch):
    from volunteering import views

    monkeypatch.setattr(views, "MAX_PAGES", 2)
    _missions(org_a, 40, theme)

    assert "Only the first" not in search(client, km=10, page=2).content.decode()


def test_deep_pages_of_missions_near_me_follow_the_nearest_first_order(client, org_a, theme):
    _missions(org_a, 45, theme)
    params = {"lat": PARIS[0], "lng": PARIS[1], "km": 50}

    pages = [client.get("/en/missions/", {**params, "page": n}).context["missions"] for n in (1, 2, 3)]

    shown = [m for page in pages for m in page]
    assert [len(page) for page in pages] == [20, 20, 5]
    assert len({m.pk for m in shown}) == 45
    assert [m.distance_m for m in shown] == sorted(m.distance_m for m in shown)
    assert all(m.next_slot_at is not None for m in shown)
