import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participation import services
from participation.models import Proposal, Support
from tests.factories import ThemeFactory
from tests.participation.factories import (
    CommentFactory,
    NeighbourhoodFactory,
    ProposalFactory,
    SupportFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "unverified", "author", "official", "other_official", "editor"]


@pytest.fixture
def people(alice, bob, ursula, olga, oscar, edith):
    return {
        "visitor": None,
        "member": bob,
        "unverified": ursula,
        "author": alice,
        "official": olga,
        "other_official": oscar,
        "editor": edith,
    }


@pytest.fixture
def as_role(client, people):
    def login(role):
        if people[role] is not None:
            client.force_login(people[role])
        return client

    return login


def url(name, *args):
    return reverse(f"participation:{name}", args=args)


# --- Permission matrix -------------------------------------------------------------------------

HIDDEN_VISIBLE_TO = {"author", "official", "editor"}
MANAGERS = {"official", "editor"}


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_space_and_a_visible_proposal(as_role, role, proposal):
    client = as_role(role)
    assert client.get(url("space", "paris")).status_code == 200
    assert client.get(url("proposal", "paris", proposal.pk)).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_hidden_proposal_is_a_404_except_for_author_officials_and_editors(as_role, role, proposal, olga):
    services.content_hide(target=proposal, moderator=olga, reason="Advertising")
    response = as_role(role).get(url("proposal", "paris", proposal.pk))
    assert response.status_code == (200 if role in HIDDEN_VISIBLE_TO else 404)
    if role == "author":
        assert "Advertising" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("visitor", 302),
        ("member", 200),
        ("unverified", 403),
        ("author", 200),
        ("official", 200),
        ("other_official", 200),
        ("editor", 200),
    ],
)
def test_only_verified_members_get_the_publish_form(as_role, role, expected, space):
    assert as_role(role).get(url("proposal_create", "paris")).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_verified_members_support(as_role, role, people, proposal):
    response = as_role(role).post(url("support", "paris", proposal.pk))
    assert response.status_code == 302
    supported = Support.objects.filter(proposal=proposal).exists()
    assert supported == (role not in ("visitor", "unverified"))


@pytest.mark.parametrize("role", ROLES)
def test_only_verified_members_comment(as_role, role, proposal):
    as_role(role).post(url("comment_create", "paris", proposal.pk), {"text": "Hello"})
    assert proposal.comments.exists() == (role not in ("visitor", "unverified"))


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_settings_and_exports_are_404_except_for_this_citys_officials_and_editors(
    as_role, role, proposal
):
    client = as_role(role)
    expected = 200 if role in MANAGERS else 404
    assert client.get(url("dashboard", "paris")).status_code == expected
    assert client.get(url("dashboard_settings", "paris")).status_code == expected
    assert client.get(url("dashboard_calls", "paris")).status_code == expected
    assert client.get(url("export_proposals", "paris")).status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_only_this_citys_officials_answer(as_role, role, proposal):
    client = as_role(role)
    expected = 200 if role == "official" else 404
    assert client.get(url("answer", "paris", proposal.pk)).status_code == expected
    response = client.post(url("answer", "paris", proposal.pk), {"status": "accepted", "text": "Yes"})
    assert response.status_code == (302 if role == "official" else 404)
    assert Proposal.objects.get(pk=proposal.pk).is_answered == (role == "official")


@pytest.mark.parametrize("role", ROLES)
def test_only_managers_moderate(as_role, role, proposal):
    response = as_role(role).post(
        url("moderate", "paris", "proposal", proposal.pk, "hide"), {"reason": "Spam"}
    )
    assert response.status_code == (302 if role in MANAGERS else 404)
    assert Proposal.objects.get(pk=proposal.pk).is_hidden == (role in MANAGERS)


def test_official_of_another_city_gets_404_on_everything_of_this_city(client, oscar, other_space, proposal):
    client.force_login(oscar)
    assert client.get(url("dashboard", "lyon")).status_code == 200  # their own city works
    for path in (
        url("dashboard", "paris"),
        url("dashboard_settings", "paris"),
        url("dashboard_calls", "paris"),
        url("answer", "paris", proposal.pk),
        url("export_answers", "paris"),
    ):
        assert client.get(path).status_code == 404, path
    # A proposal of Paris reached through Lyon's URL does not exist either.
    assert client.get(url("answer", "lyon", proposal.pk)).status_code == 404
    assert client.get(url("proposal", "lyon", proposal.pk)).status_code == 404


# --- Pages -------------------------------------------------------------------------------------


def test_space_sorts_and_filters_and_hides_hidden_proposals(client, space, theme, olga):
    other_theme = ThemeFactory(slug="mobility", name_en="Mobility")
    hood = NeighbourhoodFactory(city=space.city, name_fr="Belleville", name_en="Belleville")
    ProposalFactory(city=space.city, theme=theme, title="Popular", supports_count=9)
    ProposalFactory(city=space.city, theme=other_theme, title="Recent", neighbourhood=hood)
    hidden = ProposalFactory(city=space.city, theme=theme, title="Hidden spam", supports_count=99)
    services.content_hide(target=hidden, moderator=olga, reason="Spam")

    def titles(**params):
        response = client.get(url("space", "paris"), params, HTTP_ACCEPT_LANGUAGE="en")
        return [p.title for p in response.context["page"]]

    assert titles() == ["Popular", "Recent"]
    assert titles(sort="newest") == ["Recent", "Popular"]
    assert titles(theme=other_theme.pk) == ["Recent"]
    assert titles(neighbourhood=hood.pk) == ["Recent"]
    assert titles(status="accepted") == []
    assert titles(q="popula") == ["Popular"]
    assert titles(q="spam") == []
    assert titles(theme="not-a-number", sort="nonsense") == ["Popular", "Recent"]


def test_topics_that_matter_rank_themes_by_recent_supports(client, space, theme, bob, charlie):
    quiet = ThemeFactory(slug="quiet", name_en="Quiet")
    busy = ProposalFactory(city=space.city, theme=theme)
    ProposalFactory(city=space.city, theme=quiet)
    SupportFactory(proposal=busy, member=bob)
    SupportFactory(proposal=busy, member=charlie)

    topics = client.get(url("space", "paris")).context["topics"]
    assert [(r["item"], r["supports"], r["proposals"]) for r in topics["themes"]] == [
        (theme, 2, 1),
        (quiet, 0, 1),
    ]


def test_proposal_form_shows_a_clear_error_for_a_huge_text(client, bob, space, theme):
    client.force_login(bob)
    response = client.post(
        url("proposal_create", "paris"), {"title": "Big", "text": "x" * 10_000_001, "theme": theme.pk}
    )
    assert response.status_code == 200
    assert "10000 characters at most" in response.content.decode()
    assert not Proposal.objects.exists()


def test_publishing_through_the_form_redirects_to_the_proposal(client, bob, space, theme):
    client.force_login(bob)
    response = client.post(
        url("proposal_create", "paris"),
        {
            "title": "Water fountains",
            "text": "In every park",
            "theme": theme.pk,
            "point_lat": "48.86",
            "point_lng": "2.35",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert proposal.author == bob and proposal.latitude == 48.86


def test_proposal_page_shows_the_answer_and_its_history(client, proposal, olga):
    services.proposal_answer(proposal=proposal, official=olga, status="under_study", text="We study it.")
    services.proposal_answer(proposal=proposal, official=olga, status="accepted", text="Done deal.")
    page = client.get(url("proposal", "paris", proposal.pk)).content.decode()
    assert "Answer from Mairie" in page
    assert "Done deal." in page and "We study it." in page  # the history is visible


def test_comment_edit_page_refuses_after_15_minutes(client, proposal, bob):
    from datetime import timedelta

    from django.utils import timezone

    comment = CommentFactory(proposal=proposal, author=bob, created_at=timezone.now() - timedelta(minutes=20))
    client.force_login(bob)
    response = client.post(url("comment_edit", "paris", proposal.pk, comment.pk), {"text": "changed"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.text == "Good idea."


def test_call_responses_show_only_consenting_people(client, space, org_a, alice_in_a, bob, charlie):
    call = services.call_create(
        city=space.city, organization=org_a, by=alice_in_a, title="Park", description="Come"
    )
    services.call_respond(call=call, member=bob, consent_to_share=True)
    services.call_respond(call=call, member=charlie, consent_to_share=False)

    client.force_login(alice_in_a)
    page = client.get(url("call_responses", "paris", call.pk)).content.decode()
    assert "bob@example.org" in page and "charlie@example.org" not in page
    assert "2 answers; 1 shared" in page
    client.force_login(charlie)
    assert client.get(url("call_responses", "paris", call.pk)).status_code == 404


# --- Embed and framing -------------------------------------------------------------------------


def test_embed_can_be_framed_and_lists_only_public_proposals(client, space, theme, olga):
    ProposalFactory(city=space.city, theme=theme, title="Public idea")
    hidden = ProposalFactory(city=space.city, theme=theme, title="Hidden idea")
    services.content_hide(target=hidden, moderator=olga, reason="Spam")

    response = client.get(url("embed", "paris"), {"sort": "newest"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "Public idea" in body and "Hidden idea" not in body
    assert 'target="_blank"' in body


def test_other_pages_cannot_be_framed(client, space):
    for path in (url("space", "paris"), url("index")):
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


# --- Exports -----------------------------------------------------------------------------------


def test_exports_leave_hidden_content_out(client, space, theme, olga, bob):
    shown = ProposalFactory(city=space.city, theme=theme, title="Shown")
    hidden = ProposalFactory(city=space.city, theme=theme, title="Secret")
    SupportFactory(proposal=shown, member=bob)
    SupportFactory(proposal=hidden, member=bob)
    services.proposal_answer(proposal=shown, official=olga, status="accepted", text="Yes", cost_cents=12345)
    services.proposal_answer(proposal=hidden, official=olga, status="rejected", text="No")
    services.content_hide(target=hidden, moderator=olga, reason="Spam")
    client.force_login(olga)

    def rows(what):
        response = client.get(url(f"export_{what}", "paris"))
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(content)))

    proposals = rows("proposals")
    assert [r[2] for r in proposals[1:]] == ["Shown"]
    answers = rows("answers")
    assert len(answers) == 2 and answers[1][1] == "Shown" and answers[1][5] == "123.45"
    supports = rows("supports")
    assert sum(int(r[1]) for r in supports[1:]) == 1
    assert client.get("/en/cities/paris/dashboard/export/passwords.csv").status_code == 404


def test_exports_give_times_on_the_city_clock_with_its_offset(client, space, theme, olga, bob):
    space.city.timezone = "Australia/Melbourne"
    space.city.save()
    proposal = ProposalFactory(city=space.city, theme=theme, title="Shown")
    services.proposal_answer(proposal=proposal, official=olga, status="accepted", text="Yes")
    client.force_login(olga)

    def rows(what):
        response = client.get(url(f"export_{what}", "paris"))
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    published = rows("proposals")[1][1]
    assert published == timezone.localtime(proposal.created_at, space.city.timezone).isoformat(
        timespec="seconds"
    )
    assert published.endswith(("+10:00", "+11:00"))
    assert rows("answers")[1][7].endswith(("+10:00", "+11:00"))
    # 20:00 UTC on 1 March is the morning of 2 March in Melbourne: the support counts on 2 March.
    support = SupportFactory(proposal=proposal, member=bob)
    Support.objects.filter(pk=support.pk).update(created_at=datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    assert rows("supports")[1:] == [["2026-03-02", "1"]]


# --- Query budgets -----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 30])
def test_space_page_query_count_does_not_grow(
    client, django_assert_max_num_queries, space, theme, bob, count
):
    hood = NeighbourhoodFactory(city=space.city)
    for p in ProposalFactory.create_batch(count, city=space.city, theme=ThemeFactory(), neighbourhood=hood):
        SupportFactory(proposal=p, member=bob)
    client.force_login(bob)
    with django_assert_max_num_queries(14):
        response = client.get(url("space", "paris"))
    assert response.status_code == 200
    assert len(response.context["page"]) == min(count, 20)


@pytest.mark.parametrize("count", [3, 30])
def test_proposal_page_query_count_does_not_grow(
    client, django_assert_max_num_queries, proposal, bob, olga, count
):
    top = CommentFactory(proposal=proposal, author=bob)
    for _ in range(count):
        CommentFactory(proposal=proposal, parent=top)
    services.proposal_answer(proposal=proposal, official=olga, status="accepted", text="Yes")
    client.force_login(bob)
    with django_assert_max_num_queries(14):
        response = client.get(url("proposal", "paris", proposal.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_dashboard_query_count_does_not_grow(
    client, django_assert_max_num_queries, space, theme, olga, bob, count
):
    for p in ProposalFactory.create_batch(count, city=space.city, theme=theme):
        SupportFactory(proposal=p, member=bob)
        services.flag_create(member=bob, proposal=p, reason="spam")
        Proposal.objects.filter(pk=p.pk).update(threshold_reached_at=p.created_at)
    client.force_login(olga)
    with django_assert_max_num_queries(20):
        response = client.get(url("dashboard", "paris"))
    assert response.status_code == 200
    assert len(response.context["queue"]) == count


@pytest.mark.parametrize("count", [3, 30])
def test_embed_and_feed_query_counts_do_not_grow(client, django_assert_max_num_queries, space, theme, count):
    for p in ProposalFactory.create_batch(count, city=space.city, theme=theme):
        p.set_point(48.85, 2.35)
        p.save()
    with django_assert_max_num_queries(3):
        client.get(url("embed", "paris"))
    with django_assert_max_num_queries(3):
        response = client.get(url("geojson", "paris"))
    assert len(response.json()["features"]) == count


# --- Bad input through the forms ---------------------------------------------------------------


def test_photo_is_reencoded_with_a_thumbnail_and_its_alt_text(client, bob, space, theme):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), "green").save(buffer, format="JPEG")
    client.force_login(bob)
    client.post(
        url("proposal_create", "paris"),
        {
            "title": "Green wall",
            "text": "Cover the car park wall with plants.",
            "theme": theme.pk,
            "photo": SimpleUploadedFile("wall.jpg", buffer.getvalue(), content_type="image/jpeg"),
            "photo_alt": "A grey concrete wall",
        },
    )
    proposal = Proposal.objects.get()
    photo = proposal.photos.get()
    assert photo.image and photo.thumbnail
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'alt="A grey concrete wall"' in page


def test_a_file_that_is_not_an_image_is_refused(client, bob, space, theme):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(bob)
    response = client.post(
        url("proposal_create", "paris"),
        {"title": "x", "text": "y", "theme": theme.pk, "photo": SimpleUploadedFile("a.jpg", b"not an image")},
    )
    assert response.status_code == 200 and "not an image we can read" in response.content.decode()
    assert not Proposal.objects.exists()


def test_negative_threshold_in_the_settings_form_is_refused(client, olga, space):
    client.force_login(olga)
    response = client.post(
        url("dashboard_settings", "paris"), {"space-support_threshold": "-4", "save_space": ""}
    )
    assert response.status_code == 200
    assert "greater than or equal to 1" in response.content.decode()
    space.refresh_from_db()
    assert space.support_threshold == 3


def test_answer_form_refuses_an_unknown_status(client, olga, proposal):
    client.force_login(olga)
    response = client.post(url("answer", "paris", proposal.pk), {"status": "maybe", "text": "Hmm"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Proposal.objects.get(pk=proposal.pk).is_answered


def test_neighbourhood_of_another_city_is_refused_by_the_form(client, bob, space, other_city, theme):
    NeighbourhoodFactory(city=space.city, name_fr="Belleville")
    elsewhere = NeighbourhoodFactory(city=other_city, name_fr="Croix-Rousse")
    client.force_login(bob)
    response = client.post(
        url("proposal_create", "paris"),
        {"title": "x", "text": "y", "theme": theme.pk, "neighbourhood": elsewhere.pk},
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Proposal.objects.exists()


def test_rate_limit_message_shows_on_the_form(
    client, settings, bob, space, theme, django_capture_on_commit_callbacks
):
    settings.PARTICIPATION_PROPOSALS_PER_HOUR = 1
    client.force_login(bob)
    data = {"title": "One", "text": "y", "theme": theme.pk}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url("proposal_create", "paris"), data).status_code == 302
    response = client.post(url("proposal_create", "paris"), {**data, "title": "Two"})
    assert response.status_code == 200
    assert "1 proposals in the last hour" in response.content.decode()
    assert Proposal.objects.count() == 1


# --- What each person is offered (the rules reach the templates under their may_* names) ---------


@pytest.mark.parametrize("role", ROLES)
def test_each_person_is_offered_exactly_the_actions_the_rules_allow(as_role, role, proposal):
    client = as_role(role)

    space_page = client.get(url("space", "paris")).content.decode()
    proposal_page = client.get(proposal.get_absolute_url()).content.decode()

    verified = role in ("member", "author", "official", "other_official", "editor")
    assert ("Publish a proposal" in space_page) == verified
    assert ("City dashboard" in space_page) == (role in ("official", "editor"))
    assert ("Answer this proposal" in proposal_page) == (role == "official")
    assert ("Report this proposal" in proposal_page) == (verified and role != "author")
