"""My Civic's follow feed: the newest public actions of the people a member follows, whatever kind they
are, never an action on something hidden or closed, and nothing asked of a kind with nothing to show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from civic.accounts.models import Follow
from civic.core.discovery import activity_of_followed
from events.models import RSVP
from tests.events.factories import EventFactory, RSVPFactory
from tests.participation.factories import ProposalFactory, SupportFactory
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory
from volunteering.models import Participation

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _support(member, city, minutes_ago: int, **proposal):
    return SupportFactory(
        member=member,
        proposal=ProposalFactory(city=city, **proposal),
        created_at=NOW - timedelta(minutes=minutes_ago),
    )


def _rsvp(member, city, minutes_ago: int):
    rsvp = RSVPFactory(member=member, event=EventFactory(city=city))
    RSVP.objects.filter(pk=rsvp.pk).update(created_at=NOW - timedelta(minutes=minutes_ago))
    return rsvp


def _joined(member, city, minutes_ago: int, **mission):
    place = ParticipationFactory(
        member=member, slot=SlotFactory(mission=MissionFactory(organization__city=city, city=city, **mission))
    )
    Participation.objects.filter(pk=place.pk).update(created_at=NOW - timedelta(minutes=minutes_ago))
    return place


def _feed(member, limit):
    return [(a.item.kind, a.actor_name, a.item.pk) for a in activity_of_followed(member, limit=limit)]


def test_the_feed_lists_the_newest_actions_of_every_kind_newest_first(alice, bob, charlie, city):
    Follow.objects.create(follower=alice, followed=bob)
    Follow.objects.create(follower=alice, followed=charlie)
    joined = _joined(bob, city, 1)
    support = _support(charlie, city, 2)
    rsvp = _rsvp(bob, city, 3)
    _support(bob, city, 4)  # fourth newest: not shown with three
    _rsvp(charlie, city, 5)

    assert _feed(alice, 3) == [
        ("mission", bob.public_name, joined.slot.mission_id),
        ("proposal", charlie.public_name, support.proposal_id),
        ("event", bob.public_name, rsvp.event_id),
    ]


def test_actions_on_hidden_proposals_or_closed_missions_never_show_nor_crowd_out_older_ones(alice, bob, city):
    Follow.objects.create(follower=alice, followed=bob)
    for minutes_ago in range(1, 8):  # more than the feed reads of a kind: it must look further
        _support(bob, city, minutes_ago, is_hidden=True)
    _joined(bob, city, 8, status="closed")
    visible = _support(bob, city, 9)
    rsvp = _rsvp(bob, city, 10)
    joined = _joined(bob, city, 11)
    _rsvp(bob, city, 12)

    assert _feed(alice, 3) == [
        ("proposal", bob.public_name, visible.proposal_id),
        ("event", bob.public_name, rsvp.event_id),
        ("mission", bob.public_name, joined.slot.mission_id),
    ]


def test_a_few_hidden_actions_among_the_newest_are_skipped(alice, bob, city):
    Follow.objects.create(follower=alice, followed=bob)
    _support(bob, city, 1, is_hidden=True)
    older = _support(bob, city, 2)
    rsvp = _rsvp(bob, city, 3)
    _rsvp(bob, city, 4)

    assert _feed(alice, 2) == [
        ("proposal", bob.public_name, older.proposal_id),
        ("event", bob.public_name, rsvp.event_id),
    ]


def test_a_kind_with_nothing_among_the_newest_is_not_asked_for_its_actions(alice, bob, city):
    Follow.objects.create(follower=alice, followed=bob)
    _support(bob, city, 60)  # older than every RSVP below
    for minutes_ago in range(1, 4):
        _rsvp(bob, city, minutes_ago)

    with CaptureQueriesContext(connection) as queries:
        feed = _feed(alice, 3)

    assert [kind for kind, _name, _pk in feed] == ["event"] * 3
    reading_supports = [q["sql"] for q in queries.captured_queries if "participation_support" in q["sql"]]
    assert len(reading_supports) == 1  # only the one query that dates every kind's actions


def _feed_on_the_page(client):
    return [(a.actor_name, a.item.pk) for a in client.get("/en/me/").context["activity"]]


def test_my_civic_shows_a_change_of_whom_the_member_follows_at_once(client, alice, bob, charlie, city):
    from civic.accounts.services import follow_create, follow_delete

    follow_create(follower=alice, followed=bob)
    bobs = _rsvp(bob, city, 2)
    charlies = _rsvp(charlie, city, 1)
    client.force_login(alice)
    assert _feed_on_the_page(client) == [(bob.public_name, bobs.event_id)]

    follow_create(follower=alice, followed=charlie)
    assert _feed_on_the_page(client) == [
        (charlie.public_name, charlies.event_id),
        (bob.public_name, bobs.event_id),
    ]

    follow_delete(follower=alice, followed=bob)
    assert _feed_on_the_page(client) == [(charlie.public_name, charlies.event_id)]


def test_what_followed_people_do_may_show_on_my_civic_up_to_a_minute_late(client, alice, bob, city):
    Follow.objects.create(follower=alice, followed=bob)
    first = _rsvp(bob, city, 2)
    client.force_login(alice)
    assert _feed_on_the_page(client) == [(bob.public_name, first.event_id)]

    _rsvp(bob, city, 1)  # remembered feed: shown within FEED_SECONDS, not at once

    assert _feed_on_the_page(client) == [(bob.public_name, first.event_id)]
    assert len(activity_of_followed(alice)) == 2  # activity_of_followed itself is never remembered
