"""What visitors do on a published initiative: follow, replicate, contact its team; and what the
detail and contributor pages show."""

import pytest
from django.urls import reverse

from civic.notifications.models import Notification
from initiatives import services
from initiatives.models import Initiative, ReplicationIntent
from tests.factories import CityFactory, EditorFactory, MemberFactory
from tests.initiatives.factories import (
    DraftFactory,
    InitiativeFactory,
    PortraitFactory,
    ReplicationFactory,
    SpotterFactory,
    TipFactory,
)
from tests.race import race

pytestmark = pytest.mark.django_db


def test_member_says_they_want_to_start_it_in_their_city_once(client, bob):
    initiative = InitiativeFactory()
    lyon = CityFactory(slug="lyon", name_fr="Lyon")
    client.force_login(bob)

    url = reverse("initiatives:replicate", args=[initiative.pk])
    client.post(url, {"city": lyon.pk, "message": "On a un terrain."})
    client.post(url, {"city": lyon.pk, "message": "Encore."})

    initiative.refresh_from_db()
    assert initiative.replication_count == 1
    assert ReplicationIntent.objects.get().message == "On a un terrain."
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "You want to start this in Lyon." in page or "Lyon" in page


def test_replication_message_is_visible_to_the_team_not_to_visitors(client):
    spotter = SpotterFactory()
    initiative = InitiativeFactory(spotter=spotter)
    ReplicationFactory(initiative=initiative, message="Secret plan for Lyon")

    assert "Secret plan for Lyon" not in client.get(initiative.get_absolute_url()).content.decode()
    client.force_login(spotter)
    assert "Secret plan for Lyon" in client.get(initiative.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_replications_by_the_same_member_count_once():
    initiative = InitiativeFactory()
    member = MemberFactory()
    city = CityFactory(slug="lyon")

    outcome = race(
        lambda: services.replication_create(initiative=initiative, member=member, city=city), [()] * 4
    )

    assert outcome.errors == []
    assert sum(r is not None for r in outcome.results) == 1
    assert ReplicationIntent.objects.count() == 1
    assert Initiative.objects.get(pk=initiative.pk).replication_count == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_follows_count_once():
    initiative = InitiativeFactory()
    member = MemberFactory()

    outcome = race(lambda: services.follow_create(initiative=initiative, member=member), [()] * 3)

    assert outcome.errors == []
    assert Initiative.objects.get(pk=initiative.pk).follower_count == 1


def test_follow_and_unfollow(client, bob):
    initiative = InitiativeFactory()
    client.force_login(bob)
    url = reverse("initiatives:follow", args=[initiative.pk])

    client.post(url, {"follow": "1"})
    assert Initiative.objects.get(pk=initiative.pk).follower_count == 1
    client.post(url, {"follow": "0"})
    assert Initiative.objects.get(pk=initiative.pk).follower_count == 0


def test_nobody_acts_on_a_draft(client, bob):
    initiative = DraftFactory()
    client.force_login(bob)

    assert client.post(reverse("initiatives:follow", args=[initiative.pk])).status_code == 404
    assert client.post(reverse("initiatives:replicate", args=[initiative.pk]), {}).status_code == 404
    assert (
        client.post(reverse("initiatives:contact", args=[initiative.pk]), {"body": "hi"}).status_code == 404
    )


def test_contact_is_relayed_without_the_senders_email(client, django_capture_on_commit_callbacks, mailoutbox):
    spotter = SpotterFactory(email="team@example.org", language="en")
    sender = MemberFactory(email="private.sender@example.org", display_name="Bob")
    initiative = InitiativeFactory(spotter=spotter, title_en="Bike workshop")
    client.force_login(sender)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("initiatives:contact", args=[initiative.pk]), {"body": "Can I bring my old bike?"}
        )

    assert response.status_code == 302
    note = Notification.objects.get(recipient=spotter)
    assert "Can I bring my old bike?" in note.body
    assert "Bob" in note.title
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["team@example.org"]
    assert "private.sender@example.org" not in note.body + mailoutbox[0].body + mailoutbox[0].subject
    assert "private.sender@example.org" not in str(mailoutbox[0].extra_headers)


def test_empty_contact_message_is_refused_next_to_the_field(client, bob):
    initiative = InitiativeFactory()
    client.force_login(bob)

    response = client.post(reverse("initiatives:contact", args=[initiative.pk]), {"body": ""})

    assert response.status_code == 200
    assert "body" in response.context["form"].errors


def test_page_says_when_the_text_is_shown_in_another_language(client):
    initiative = InitiativeFactory(
        title_fr="Frigo solidaire", summary_fr="Un frigo.", title_en="", summary_en=""
    )

    english = client.get(f"/en/initiatives/{initiative.pk}/").content.decode()
    french = client.get(f"/fr/initiatives/{initiative.pk}/").content.decode()

    assert "Frigo solidaire" in english  # the fallback
    assert "shown in another language" in english
    assert "Frigo solidaire" in french
    assert 'role="note"' not in french


def test_detail_has_open_graph_and_twitter_tags(client):
    initiative = InitiativeFactory(title_en="Repair café", summary_en="We fix things together.")

    html = client.get(f"/en/initiatives/{initiative.pk}/").content.decode()

    assert '<meta property="og:title" content="Repair café">' in html
    assert '<meta property="og:description" content="We fix things together.">' in html
    assert f'<meta property="og:url" content="http://testserver/en/initiatives/{initiative.pk}/">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_contributor_page_counts_published_contributions_and_hides_drafts(client):
    spotter = SpotterFactory(is_reporter=True, display_name="Sam")
    InitiativeFactory(spotter=spotter, title_fr="Publiée")
    DraftFactory(spotter=spotter, title_fr="Brouillon caché")
    PortraitFactory(author=spotter)
    TipFactory(author=spotter)

    html = client.get(reverse("initiatives:contributor", args=[spotter.pk])).content.decode()

    assert "1 initiative spotted" in html
    assert "1 portrait" in html
    assert "1 practical tip" in html
    assert "Publiée" in html
    assert "Brouillon caché" not in html
    client.force_login(spotter)
    assert (
        "Brouillon caché"
        in client.get(reverse("initiatives:contributor", args=[spotter.pk])).content.decode()
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_contributor_page_query_budget(client, django_assert_max_num_queries, rows):
    spotter = SpotterFactory()
    for _ in range(rows):
        InitiativeFactory(spotter=spotter)
        PortraitFactory(author=spotter)

    with django_assert_max_num_queries(12):
        assert client.get(reverse("initiatives:contributor", args=[spotter.pk])).status_code == 200


def test_editor_features_an_initiative_from_its_page(client):
    editor = EditorFactory()
    initiative = InitiativeFactory()
    client.force_login(editor)

    client.post(reverse("initiatives:feature", args=[initiative.pk]), {"featured": "1"})

    assert Initiative.objects.get(pk=initiative.pk).featured


def test_fallback_text_carries_its_language_for_screen_readers(client):
    initiative = InitiativeFactory(title_fr="", title_en="Tool library", summary_en="Borrow a drill.")

    html = client.get(f"/es/initiatives/{initiative.pk}/").content.decode()

    assert '<h1 lang="en">Tool library</h1>' in html


def test_detail_shows_reports_of_events_linked_to_the_initiative(client):
    from django.contrib.contenttypes.models import ContentType

    from events.models import EventReport
    from tests.events.factories import EventFactory

    initiative = InitiativeFactory(title_fr="Repair café")
    event = EventFactory(
        title_fr="Grande réparation",
        link_content_type=ContentType.objects.get_for_model(Initiative),
        link_object_id=initiative.pk,
    )
    EventReport.objects.create(event=event, people_count=42, text="Nous avons réparé **30 vélos**.")

    html = client.get(f"/fr/initiatives/{initiative.pk}/").content.decode()

    assert "Grande réparation" in html
    assert "<strong>30 vélos</strong>" in html
