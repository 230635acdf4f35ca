from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crowdfunding.models import Campaign, Feedback, Pledge, Project, Stage
from crowdfunding.services import (
    feedback_create,
    meeting_propose,
    pledge_create,
    reward_add,
    time_need_add,
)
from crowdfunding.services.campaigns import city_today
from tests.crowdfunding.factories import ProjectFactory, open_campaign
from tests.factories import MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


def _rich_project(city, n):
    holder = MemberFactory()
    project = ProjectFactory(holder_member=holder, city=city, title_fr=f"Jardin {n}")
    campaign = open_campaign(project, by=holder)
    reward_add(campaign=campaign, by=holder, title="Mug", min_amount_cents=100, quantity=10)
    time_need_add(
        campaign=campaign, by=holder, role="Bancs", people_wanted=3, day=city_today(campaign.project.city)
    )
    backer = MemberFactory()
    pledge_create(campaign=campaign, backer=backer, amount_cents=1000, message="Go")
    feedback_create(project=project, author=backer, kind="question", body="Quand ?")
    meeting_propose(
        project=project,
        member=backer,
        starts_at=timezone.now() + timedelta(days=3),
        place="Mairie",
        purpose="Plan",
    )
    return project


@pytest.mark.parametrize("url_name", ["crowdfunding:index", "crowdfunding:funding_list"])
def test_lists_answer_in_a_fixed_number_of_queries_with_3_or_30_projects(
    client, city, url_name, django_assert_max_num_queries
):
    for n in range(3):
        _rich_project(city, n)
    with django_assert_max_num_queries(8):
        assert client.get(reverse(url_name)).status_code == 200
    for n in range(3, 30):
        _rich_project(city, n)
    with django_assert_max_num_queries(8):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.content.decode().count("card cf-card") == 24  # a full first page


def test_project_page_has_a_fixed_query_budget_with_many_contributions(
    client, city, bob, django_assert_max_num_queries
):
    project = _rich_project(city, 1)
    campaign = project.current_campaign
    _login(client, bob)
    with django_assert_max_num_queries(22) as few:
        client.get(project.get_absolute_url())
    for _ in range(27):
        member = MemberFactory()
        pledge_create(campaign=campaign, backer=member, amount_cents=500)
        feedback_create(project=project, author=member, kind="suggestion", body="Idée")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(project.get_absolute_url())
    assert response.status_code == 200


def test_the_project_page_shows_progress_backers_days_left_and_time_needs(client, city):
    project = _rich_project(city, 1)
    body = client.get(project.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "10\u00a0€" in body  # pledged
    assert "0 of 3 people" in body
    assert "1 backer" not in body and ">1<" in body  # backers count
    assert "Bancs" in body and "Plan" not in body  # proposed meetings are for the holder only
    assert 'value="1"' in body  # progress bar: 1,000 € goal, 10 € pledged → 1 %


@pytest.fixture
def org_project(org_a, city):
    holder = MemberFactory()
    MembershipFactory(user=holder, organization=org_a)
    return ProjectFactory(holder_member=None, holder_organization=org_a, city=city)


@pytest.mark.parametrize(
    ("who", "own_status", "org_status"),
    [
        ("alice_holder", 200, 404),  # Alice edits her own project only
        ("bob_in_b", 404, 404),  # another organisation: 404, nothing leaks
        ("charlie", 404, 404),
        ("a_member", 404, 200),  # organisation projects by its members
        ("edith", 200, 200),  # editors manage every project
    ],
)
def test_only_holders_and_editors_reach_the_management_pages(
    client, request, project, org_project, org_a, who, own_status, org_status
):
    if who == "alice_holder":
        user = request.getfixturevalue("alice")
    elif who == "a_member":
        user = MemberFactory()
        MembershipFactory(user=user, organization=org_a)
    else:
        user = request.getfixturevalue(who)
    _login(client, user)
    for target, expected in ((project, own_status), (org_project, org_status)):
        for name in (
            "crowdfunding:project_edit",
            "crowdfunding:campaign_create",
            "crowdfunding:update_create",
        ):
            assert client.get(reverse(name, args=[target.pk])).status_code == expected, (name, who)


def test_a_stranger_cannot_move_a_stage_or_open_a_campaign_by_post(client, project, charlie):
    _login(client, charlie)
    assert (
        client.post(
            reverse("crowdfunding:project_stage", args=[project.pk]), {"to": "preparation"}
        ).status_code
        == 404
    )
    response = client.post(
        reverse("crowdfunding:campaign_create", args=[project.pk]),
        {
            "goal": "1000",
            "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "mode": "all_or_nothing",
        },
    )
    assert response.status_code == 404
    project.refresh_from_db()
    assert project.stage == Stage.IDEA
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("idea", "preparation", True),
        ("preparation", "idea", True),
        ("idea", "funded", False),
        ("idea", "funding", False),
        ("funding", "completed", False),
        ("funded", "completed", True),
        ("not_funded", "preparation", True),
        ("completed", "idea", False),
    ],
)
def test_the_holder_moves_stages_only_along_the_allowed_paths(client, project, alice, start, to, allowed):
    Project.objects.filter(pk=project.pk).update(stage=start)
    _login(client, alice)
    client.post(reverse("crowdfunding:project_stage", args=[project.pk]), {"to": to})
    project.refresh_from_db()
    assert project.stage == (to if allowed else start)


def test_the_holder_opens_a_campaign_through_the_form(client, project, alice):
    _login(client, alice)
    response = client.post(
        reverse("crowdfunding:campaign_create", args=[project.pk]),
        {
            "goal": "1 500",
            "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "mode": "all_or_nothing",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.goal_cents == 150_000
    project.refresh_from_db()
    assert project.stage == Stage.FUNDING and project.current_campaign == campaign


@pytest.mark.parametrize(
    ("goal", "days", "message"),
    [
        ("0", 10, "more than zero"),
        ("abc", 10, "Enter an amount"),
        ("100", 120, "at most 90 days"),
        ("100", -2, "future"),
    ],
)
def test_bad_campaign_input_shows_errors_next_to_the_fields(client, project, alice, goal, days, message):
    _login(client, alice)
    response = client.post(
        reverse("crowdfunding:campaign_create", args=[project.pk]),
        {
            "goal": goal,
            "deadline": (timezone.localdate() + timedelta(days=days)).isoformat(),
            "mode": "all_or_nothing",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-3", "more than zero"),
        ("douze", "Enter an amount"),
        ("2000000", "1,000,000"),
    ],
)
def test_bad_pledges_are_refused_with_a_clear_message_and_nothing_saved(
    client, campaign, bob, amount, message
):
    _login(client, bob)
    response = client.post(
        reverse("crowdfunding:pledge_create", args=[campaign.pk]), {"amount": amount, "gateway": "offline"}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Pledge.objects.exists()


def test_a_reward_of_another_campaign_is_refused_by_the_pledge_form(client, campaign, city, bob, charlie):
    other = open_campaign(ProjectFactory(holder_member=charlie, city=city), by=charlie)
    foreign = reward_add(campaign=other, by=charlie, title="Mug", min_amount_cents=100)
    _login(client, bob)
    response = client.post(
        reverse("crowdfunding:pledge_create", args=[campaign.pk]),
        {"amount": "10", "gateway": "offline", "reward": foreign.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Pledge.objects.exists()


def test_a_member_pledges_offline_and_sees_it_on_the_page(client, campaign, bob):
    _login(client, bob)
    response = client.post(
        reverse("crowdfunding:pledge_create", args=[campaign.pk]),
        {"amount": "12,50", "gateway": "offline", "message": "Allez !"},
        follow=True,
    )
    assert response.status_code == 200
    assert Pledge.objects.get().amount_cents == 1250
    assert "Allez !" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in_before_pledging(client, campaign):
    response = client.get(reverse("crowdfunding:pledge_create", args=[campaign.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_member_of_an_organisation_backs_a_campaign_with_match_funding(client, campaign, olga, city_hall):
    _login(client, olga)
    response = client.post(
        reverse("crowdfunding:partner_create", args=[campaign.pk]),
        {
            "organization": city_hall.pk,
            "kind": "match",
            "match_cap_per_pledge": "50",
            "match_total_cap": "500",
        },
    )
    assert response.status_code == 302
    partner = campaign.partners.get()
    assert (partner.match_cap_per_pledge_cents, partner.match_total_cap_cents) == (5000, 50000)


def test_a_member_without_organisation_cannot_reach_the_partner_form(client, campaign, charlie):
    _login(client, charlie)
    assert client.get(reverse("crowdfunding:partner_create", args=[campaign.pk])).status_code == 404


def test_a_member_gives_feedback_and_the_holder_is_notified(client, project, alice, bob):
    from civic.notifications.models import Notification

    _login(client, bob)
    client.post(
        reverse("crowdfunding:feedback_create", args=[project.pk]),
        {"kind": "offer_of_help", "body": "Je peux aider"},
    )
    assert Feedback.objects.get().kind == "offer_of_help"
    assert Notification.objects.filter(recipient=alice, kind="crowdfunding.feedback_received").exists()
    project.refresh_from_db()
    assert project.feedback_count == 1


def test_accepted_meetings_are_listed_on_the_project_page(client, project, alice, bob):
    meeting = meeting_propose(
        project=project,
        member=bob,
        starts_at=timezone.now() + timedelta(days=5),
        place="Le square",
        purpose="Visite",
    )
    _login(client, alice)
    client.post(reverse("crowdfunding:meeting_decide", args=[project.pk, meeting.pk]), {"accept": "1"})
    client.logout()
    body = client.get(project.get_absolute_url()).content.decode()
    assert "Visite" in body and "Le square" in body


def test_search_finds_projects_by_words_without_accents_and_with_typos(client, city):
    ProjectFactory(city=city, title_fr="Jardin partagé des écoles", title_en="")
    ProjectFactory(city=city, title_fr="Atelier vélo", title_en="")
    body = client.get(reverse("crowdfunding:index"), {"q": "ecoles"}).content.decode()
    assert "Jardin partagé" in body and "Atelier vélo" not in body
    body = client.get(reverse("crowdfunding:index"), {"q": "jardn partage"}).content.decode()
    assert "Jardin partagé" in body


def test_a_verified_member_posts_an_idea(client, alice, city):
    _login(client, alice)
    response = client.post(
        "/en/projects/new/",
        {
            "title": "Benches for the square",
            "summary": "Sit",
            "description": "We **need** benches",
            "holder": "me",
            "stage": "idea",
            "city": city.pk,
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.holder_member == alice and project.title_en == "Benches for the square"
    assert project.language == "en"


def test_an_unverified_member_cannot_post(client, city):
    user = MemberFactory(verified=False)
    _login(client, user)
    assert client.get(reverse("crowdfunding:project_create")).status_code == 404


def test_a_project_cannot_have_two_holders_or_none():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ProjectFactory(holder_member=None, holder_organization=None)


def test_the_map_feed_is_geojson(client, project):
    data = client.get(reverse("crowdfunding:map_feed")).json()
    assert data["features"][0]["properties"]["url"] == project.get_absolute_url()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("fr", ["Financement", "Contribuer", "10\u00a0€"]),
        ("es", ["Financiación", "Contribuir"]),
        ("en", ["Funding"]),
    ],
)
def test_the_project_page_reads_in_each_language(client, city, lang, words):
    project = _rich_project(city, 1)
    body = client.get(f"/{lang}/projects/{project.pk}/").content.decode()
    for word in words:
        assert word in body


def _jpeg(name="photo.jpg"):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (800, 600), "green").save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_a_project_photo_is_re_encoded_with_a_thumbnail_and_alt_text(client, alice, city):
    _login(client, alice)
    response = client.post(
        reverse("crowdfunding:project_create"),
        {
            "title": "Fresque",
            "holder": "me",
            "stage": "idea",
            "city": city.pk,
            "photo": _jpeg(),
            "photo_alt": "Un mur vert",
        },
    )
    assert response.status_code == 302
    photo = Project.objects.get().photos.get()
    assert photo.alt == "Un mur vert" and photo.thumbnail.name.endswith(".jpg")
    body = client.get(Project.objects.get().get_absolute_url()).content.decode()
    assert 'alt="Un mur vert"' in body


def test_a_file_that_is_not_an_image_is_refused_and_no_project_is_half_saved(client, alice, city):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _login(client, alice)
    response = client.post(
        reverse("crowdfunding:project_create"),
        {
            "title": "Fresque",
            "holder": "me",
            "stage": "idea",
            "city": city.pk,
            "photo_alt": "x",
            "photo": SimpleUploadedFile("evil.jpg", b"not an image", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert "not an image" in response.content.decode()
    assert not Project.objects.exists()


def test_a_member_cannot_post_in_the_name_of_an_organisation_they_do_not_belong_to(
    client, alice, org_b, city
):
    _login(client, alice)
    response = client.post(
        reverse("crowdfunding:project_create"),
        {"title": "Fresque", "holder": str(org_b.pk), "stage": "idea", "city": city.pk},
    )
    assert response.status_code == 200
    assert not Project.objects.exists()


def test_a_meeting_time_is_read_in_the_project_city_time_zone(client, alice, bob):
    from crowdfunding.models import MeetingProposal
    from tests.factories import CityFactory

    manila = CityFactory(slug="manila", timezone="Asia/Manila", lat=14.6, lng=120.98)
    project = ProjectFactory(holder_member=alice, city=manila)
    day = timezone.localdate() + timedelta(days=10)
    _login(client, bob)
    client.post(
        reverse("crowdfunding:meeting_propose", args=[project.pk]),
        {"starts_at": f"{day.isoformat()}T18:00", "place": "Plaza", "purpose": "Walk"},
    )
    meeting = MeetingProposal.objects.get()
    assert meeting.starts_at.astimezone(manila.timezone).hour == 18
    assert meeting.starts_at.utctimetuple().tm_hour == 10  # Manila is UTC+8


def test_the_pledge_form_lists_rewards_with_what_is_left_in_the_reader_language(client, campaign, alice, bob):
    reward_add(campaign=campaign, by=alice, title="Mug", min_amount_cents=1500, quantity=3)
    _login(client, bob)
    body = client.get(f"/fr/projects/campaigns/{campaign.pk}/pledge/").content.decode()
    assert "Mug (à partir de 15\u00a0€) · 3 restantes" in body


def test_the_project_list_stops_counting_at_its_cap(client, city, monkeypatch):
    """Counting a metropolis's projects costs as much as reading them: past the cap, "more than"."""
    monkeypatch.setattr("crowdfunding.views.COUNT_CAP", 3)
    for n in range(5):
        ProjectFactory(city=city, title_fr=f"Jardin {n}")
    body = client.get(reverse("crowdfunding:index")).content.decode()
    assert "More than 3 projects" in body
    ProjectFactory(city=city, title_fr="Atelier vélo", title_en="")
    body = client.get(reverse("crowdfunding:index"), {"q": "atelier"}).content.decode()
    assert "1 project<" in body and "More than" not in body


def test_an_invalid_filter_gets_a_message_next_to_its_field_and_the_others_still_apply(client, city):
    ProjectFactory(city=city, title_fr="Atelier vélo", title_en="")
    ProjectFactory(city=city, title_fr="Jardin partagé", title_en="")
    response = client.get(reverse("crowdfunding:index"), {"stage": "bogus", "city": "a b/c", "q": "atelier"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_stage_error"' in body and 'id="id_city_error"' in body
    assert "Atelier vélo" in body and "Jardin partagé" not in body
