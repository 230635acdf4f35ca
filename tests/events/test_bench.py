import random

import pytest

from bench.context import BenchContext, CityRow
from bench.seed import events as bench
from events.models import RSVP, CityEdition, Event
from tests.factories import CityFactory, MemberFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_bench_generator_writes_consistent_events_editions_and_rsvps(client):
    city = CityFactory(slug="bench-0", lat=48.85, lng=2.35)
    members = [MemberFactory() for _ in range(40)]
    themes = [ThemeFactory(slug=f"t{i}") for i in range(3)]
    ctx = BenchContext(
        scale=0.0001,
        rng=random.Random(1),
        cities=[CityRow(city.pk, city.slug, "Paris", 48.85, 2.35, "fr", "Europe/Paris")],
        member_ids=(members[0].pk, members[-1].pk),
        theme_ids=[t.pk for t in themes],
        organization_ids=[],
        progress=False,
    )

    bench.generate(ctx)

    assert Event.objects.count() == 340
    assert CityEdition.objects.filter(day__slug=bench.DAY_SLUG).count() == 40
    for event in Event.objects.all()[:50]:
        assert event.seats_taken == RSVP.objects.filter(event=event, status="going").count()
        assert event.capacity is None or event.seats_taken <= event.capacity
    assert Event.objects.search(Event.objects.first().title_fr.split()[0]).exists()
    for page in bench.pages(ctx):
        if not page.login:  # pages in a session are requested by make bench, logged in
            assert client.get(page.path).status_code == 200, page.path
