"""Per-member limits counted in PostgreSQL with the write: exact under parallel requests, and
indifferent to Redis."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import translation

from civic.core.models import RateEvent
from civic.core.ratelimit import RateLimited, rate_limit
from tests.factories import MemberFactory
from tests.race import race

HOUR = timedelta(hours=1)


def _act(member, action="tests.act", limit=3, cost=1):
    with transaction.atomic():
        rate_limit(member=member, action=action, limit=limit, window=HOUR, cost=cost)


@pytest.mark.django_db
def test_the_limit_refuses_the_use_after_the_last_allowed_one(alice):
    for _ in range(3):
        _act(alice)
    with translation.override("en"):
        with pytest.raises(RateLimited) as refused:
            _act(alice)
        assert "3 times" in " ".join(refused.value.messages)
    assert RateEvent.objects.filter(member=alice).count() == 3


@pytest.mark.django_db
def test_a_failed_action_does_not_count(alice):
    for _ in range(3):
        with pytest.raises(ValueError):
            with transaction.atomic():
                rate_limit(member=alice, action="tests.act", limit=3, window=HOUR)
                raise ValueError("the write itself failed")
    _act(alice)  # the three failures were rolled back with their writes
    assert RateEvent.objects.filter(member=alice).count() == 1


@pytest.mark.django_db
def test_limits_are_per_member_and_per_action(alice, bob):
    for _ in range(3):
        _act(alice)
    _act(bob)
    _act(alice, action="tests.other")


@pytest.mark.django_db
def test_uses_older_than_the_window_no_longer_count(alice):
    for _ in range(3):
        _act(alice)
    RateEvent.objects.update(created_at=RateEvent.objects.first().created_at - HOUR - timedelta(seconds=1))
    _act(alice)
    assert RateEvent.objects.filter(member=alice).count() == 1  # the expired ones were cleaned up


@pytest.mark.django_db
def test_a_cost_counts_several_uses_at_once(alice):
    _act(alice, limit=10, cost=6)
    with pytest.raises(RateLimited):
        _act(alice, limit=10, cost=5)
    _act(alice, limit=10, cost=4)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_run_outside_a_transaction():
    member = MemberFactory()
    with pytest.raises(RuntimeError):
        rate_limit(member=member, action="tests.act", limit=3, window=HOUR)


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_uses_against_a_limit_of_five_store_exactly_five():
    member = MemberFactory()

    outcome = race(lambda: _act(member, limit=5), [()] * 20, tolerated=(RateLimited,))

    assert outcome.errors == []
    assert outcome.returned == 5
    assert len(outcome.refused) == 15
    assert RateEvent.objects.filter(member=member).count() == 5
