import pytest
from django.core.exceptions import ValidationError

from events import services
from events.models import BoardReply, CommunityBoardEntry
from tests.events.factories import BoardEntryFactory

pytestmark = pytest.mark.django_db


def test_a_member_posts_a_need_on_their_city_board(client, alice, city):
    client.force_login(alice)

    response = client.post(
        "/en/events/board/paris/",
        {
            "kind": "need",
            "category": "rooms",
            "title": "A room for 30",
            "body": "For our neighbourhood assembly.",
        },
    )

    entry = CommunityBoardEntry.objects.get()
    assert response.status_code == 302
    assert (entry.city, entry.author, entry.kind) == (city, alice, "need")


def test_private_reply_notifies_the_author_without_revealing_emails(
    client, alice, bob, django_capture_on_commit_callbacks, mailoutbox
):
    entry = BoardEntryFactory(author=alice, title="Need a drill")
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            entry.get_absolute_url().replace("/fr/", "/en/"), {"body": "I have one, when do you need it?"}
        )

    note = alice.notifications.get(kind="events.board_reply")
    assert "I have one" in note.body
    assert "bob@example.org" not in note.body
    assert [m.to for m in mailoutbox] == [["alice@example.org"]]
    assert "bob@example.org" not in mailoutbox[0].body


def test_replies_are_seen_only_by_the_two_people_involved(client, alice, bob, charlie):
    entry = BoardEntryFactory(author=alice)
    services.board_reply(entry=entry, sender=bob, body="Secret offer from Bob")
    url = f"/en/events/board/{entry.city.slug}/{entry.pk}/"

    client.force_login(charlie)
    assert "Secret offer from Bob" not in client.get(url).content.decode()
    client.force_login(alice)
    assert "Secret offer from Bob" in client.get(url).content.decode()
    client.force_login(bob)
    assert "Secret offer from Bob" in client.get(url).content.decode()


def test_the_author_answers_only_people_who_wrote_to_them(alice, bob, charlie):
    entry = BoardEntryFactory(author=alice)
    services.board_reply(entry=entry, sender=bob, body="Hello")

    services.board_reply(entry=entry, sender=alice, body="Thanks Bob", recipient=bob)
    with pytest.raises(ValidationError):
        services.board_reply(entry=entry, sender=alice, body="Spam", recipient=charlie)

    assert BoardReply.objects.filter(recipient=bob).count() == 1
    assert bob.notifications.filter(kind="events.board_reply").count() == 1


def test_board_of_another_city_does_not_show_the_entry(client, alice):
    from tests.factories import CityFactory

    CityFactory(slug="lyon")
    entry = BoardEntryFactory(author=alice)

    assert client.get(f"/en/events/board/lyon/{entry.pk}/").status_code == 404


@pytest.mark.parametrize("n", [3, 30])
def test_board_list_costs_fixed_queries(client, django_assert_max_num_queries, n, city):
    for _ in range(n):
        BoardEntryFactory(city=city)

    with django_assert_max_num_queries(5):
        assert client.get("/en/events/board/paris/").status_code == 200
