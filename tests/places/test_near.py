import pytest

from civic.places.models import City
from tests.factories import CityFactory

pytestmark = pytest.mark.django_db

# Around Paris (48.8566, 2.3522): one degree of latitude is ~111.2 km.
KM_PER_DEG_LAT = 111.195


def _north_of_paris(km: float) -> float:
    return 48.8566 + km / KM_PER_DEG_LAT


def test_radius_search_keeps_a_point_4_km_away_and_drops_one_6_km_away():
    CityFactory(slug="at-4km", lat=_north_of_paris(4), lng=2.3522)
    CityFactory(slug="at-6km", lat=_north_of_paris(6), lng=2.3522)

    found = list(City.objects.near(48.8566, 2.3522, km=5).values_list("slug", flat=True))

    assert found == ["at-4km"]


def test_radius_search_orders_by_distance_and_reports_it():
    CityFactory(slug="far", lat=_north_of_paris(9), lng=2.3522)
    CityFactory(slug="near", lat=_north_of_paris(1), lng=2.3522)
    CityFactory(slug="middle", lat=_north_of_paris(5), lng=2.3522)
    CityFactory(slug="elsewhere", lat=-22.9, lng=-43.17)

    rows = list(City.objects.near(48.8566, 2.3522, km=10))

    assert [c.slug for c in rows] == ["near", "middle", "far"]
    assert rows[0].distance_m == pytest.approx(1000, rel=0.01)
    assert rows[2].distance_m == pytest.approx(9000, rel=0.01)


def test_radius_search_can_use_the_gist_index():
    from django.db import connection

    CityFactory(slug="x", lat=48.86, lng=2.35)
    sql, params = City.objects.near(48.8566, 2.3522, km=5).query.sql_with_params()
    with connection.cursor() as cursor:
        # A handful of rows would be seq-scanned; forbid it to see whether the index matches.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "places_city_geo" in plan


def test_point_keeps_latitude_and_longitude_in_step():
    city = CityFactory(slug="moving", lat=10.0, lng=20.0)
    city.set_point(45.5, -73.5)
    city.save(update_fields=["point"])
    city.refresh_from_db()

    assert (city.latitude, city.longitude) == (45.5, -73.5)
    assert city.point == {"type": "Point", "coordinates": [-73.5, 45.5]}


def test_nearest_first_with_a_limit_is_an_index_scan_not_a_sort():
    from django.db import connection

    for n in range(30):
        CityFactory(slug=f"c{n}", lat=48.8566 + n * 0.001, lng=2.3522)
    sql, params = City.objects.near(48.8566, 2.3522, km=50)[:5].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    lines = [line.strip() for line in plan.splitlines()]
    # Limit over an Index Scan ordered by the index: rows come nearest first from the index. Ties in
    # distance are put in pk order by an incremental sort of each group of equal distances (the
    # index's order is its presorted key), never by a sort of every row of the radius.
    assert lines[0].startswith("Limit")
    assert any(line.startswith("->  Index Scan using places_city_geo") for line in lines)
    assert any(line.startswith("Order By:") and "<->" in line for line in lines)
    sorts = [line for line in lines if "Sort" in line and not line.startswith(("Sort Key:", "Full-sort"))]
    assert all("Incremental Sort" in line for line in sorts)
    assert all(
        "Presorted Key" in line and "<->" in line for line in lines if line.startswith("Presorted Key")
    )
    assert [line for line in lines if line.startswith("Presorted Key")] or not sorts
