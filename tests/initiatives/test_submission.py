"""A spotter's submission and the reporters' forms: clear errors next to fields, nothing lost,
nothing half-saved; Markdown rendered harmless."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from initiatives.models import Initiative, InitiativePhoto, Status, VideoReport, parse_video_url
from tests.factories import MemberFactory, ThemeFactory
from tests.initiatives.factories import InitiativeFactory, ReporterFactory

pytestmark = pytest.mark.django_db

URL = "/en/initiatives/new/"


def _png(name="photo.png", size=(60, 40), color=(30, 140, 60)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def form_data(city, theme):
    return {
        "title": "Repair café du quartier",
        "summary": "Every Saturday, volunteers repair toasters and bikes.",
        "story": "It started in 2019.",
        "city": city.pk,
        "point_lat": "48.86",
        "point_lng": "2.35",
        "themes": [theme.pk],
        "website": "",
        "contact_email": "team@example.org",
    }


def test_spotter_submits_a_draft_with_a_photo_and_a_thumbnail(client, spotter_alice, form_data):
    client.force_login(spotter_alice)

    response = client.post(URL, {**form_data, "photo": _png(), "photo_alt": "Volunteers at a table"})

    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == initiative.get_absolute_url()
    assert initiative.status == Status.DRAFT
    assert initiative.spotter == spotter_alice
    assert initiative.title_en == "Repair café du quartier"  # written in the page's language
    assert (initiative.latitude, initiative.longitude) == (48.86, 2.35)
    photo = InitiativePhoto.objects.get()
    assert photo.alt == "Volunteers at a table"
    assert photo.thumbnail.name.endswith(".jpg")
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) <= 400


def test_a_member_without_the_spotter_role_is_told_how_to_become_one(client, bob):
    client.force_login(bob)

    response = client.post(URL, {"title": "x"})

    assert response.status_code == 403
    assert "Become a spotter" in response.content.decode()
    assert not Initiative.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"themes": [999999]}, "themes", "Select a valid choice."),
        ({"point_lat": "123", "point_lng": "2"}, "point", "outside the world"),
        ({"point_lat": "abc", "point_lng": "2"}, "point", "not a valid point"),
        (
            {"photo": SimpleUploadedFile("x.png", b"not an image", "image/png"), "photo_alt": "x"},
            "photo",
            "not an image",
        ),
        ({"photo": "big", "photo_alt": "x"}, "photo", "too large"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_the_rest_is_kept(
    client, spotter_alice, form_data, settings, change, field, message
):
    if change.get("photo") == "big":
        settings.UPLOAD_MAX_BYTES = 100
        change = {**change, "photo": _png(size=(300, 300), color=(1, 2, 3))}
    client.force_login(spotter_alice)

    response = client.post(URL, {**form_data, **change})

    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html or f"id_{field}" in html
    if field != "title":
        assert 'value="Repair café du quartier"' in html  # what was typed stays
    assert "Every Saturday, volunteers repair toasters and bikes." in html
    assert not Initiative.objects.exists()
    assert not InitiativePhoto.objects.exists()


def test_photo_without_description_is_refused(client, spotter_alice, form_data):
    client.force_login(spotter_alice)

    response = client.post(URL, {**form_data, "photo": _png()})

    assert "photo_alt" in response.context["form"].errors
    assert not Initiative.objects.exists()


def test_photo_gps_metadata_is_stripped(client, spotter_alice, form_data):
    img = Image.new("RGB", (50, 50), (200, 10, 10))
    exif = Image.Exif()
    exif[0x8825] = {2: (48.0, 51.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    client.force_login(spotter_alice)

    client.post(
        URL,
        {**form_data, "photo": SimpleUploadedFile("p.jpg", out.getvalue(), "image/jpeg"), "photo_alt": "Red"},
    )

    with Image.open(InitiativePhoto.objects.get().image.path) as stored:
        assert not stored.getexif()


def test_owner_edits_a_sent_back_draft_and_resubmits(client, spotter_alice, form_data):
    initiative = InitiativeFactory(spotter=spotter_alice, status=Status.SENT_BACK, published_at=None)
    client.force_login(spotter_alice)

    response = client.post(f"/en/initiatives/{initiative.pk}/edit/", {**form_data, "title": "Better title"})
    assert response.status_code == 302
    client.post(f"/en/initiatives/submit/initiative/{initiative.pk}/")

    initiative.refresh_from_db()
    assert initiative.title_en == "Better title"
    assert initiative.status == Status.IN_REVIEW


def test_markdown_with_script_and_javascript_links_is_rendered_harmless(client):
    initiative = InitiativeFactory(
        story_fr='<script>alert("x")</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(2)>',
        title_fr='<b onmouseover="alert(3)">Titre</b>',
    )

    html = client.get(f"/fr/initiatives/{initiative.pk}/").content.decode()

    assert "<script>alert" not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html
    assert '<b onmouseover="alert(3)">' not in html
    assert "&lt;b onmouseover=" in html


# --- Reporters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "provider", "video_id"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "vimeo", "76979871"),
        (
            "https://framatube.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "peertube",
            "9c9de5e8-0a1e-484a-b099-e80766180a6d",
        ),
        ("https://tube.example/videos/watch/abcdef12", "peertube", "abcdef12"),
    ],
)
def test_supported_video_links(url, provider, video_id, settings):
    settings.PEERTUBE_HOSTS = ["framatube.org", "tube.example"]
    assert parse_video_url(url)[:2] == (provider, video_id)


def test_a_peertube_video_from_an_unlisted_instance_is_refused_with_the_list(client):
    client.force_login(ReporterFactory())
    initiative = InitiativeFactory()

    response = client.post(
        f"/en/initiatives/{initiative.pk}/add/video/",
        {"title": "Report", "url": "https://evil.example/w/abcdef12", "send": "1"},
    )

    assert response.status_code == 200
    assert (
        "PeerTube videos are accepted from these instances only: framatube.org." in response.content.decode()
    )
    assert not VideoReport.objects.exists()


def test_a_stored_video_whose_instance_was_unlisted_shows_a_link_not_a_player(client, settings):
    from tests.initiatives.factories import VideoFactory

    settings.PEERTUBE_HOSTS = ["tube.example"]
    video = VideoFactory(url="https://tube.example/w/abcdef12")
    settings.PEERTUBE_HOSTS = []

    response = client.get(video.initiative.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "data-video-embed" not in html
    assert 'href="https://tube.example/w/abcdef12"' in html


@pytest.mark.parametrize(
    "url",
    [
        "https://dailymotion.com/video/x7",
        "javascript:alert(1)",
        "https://www.youtube.com/watch?v=<x>",
        "ftp://vimeo.com/1",
    ],
)
def test_video_from_an_unsupported_site_is_refused_next_to_the_field(client, url):
    reporter = ReporterFactory()
    initiative = InitiativeFactory()
    client.force_login(reporter)

    response = client.post(
        f"/en/initiatives/{initiative.pk}/add/video/", {"title": "Report", "url": url, "send": "1"}
    )

    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert 'value="Report"' in response.content.decode()
    assert not VideoReport.objects.exists()


def test_video_is_a_click_to_load_embed_without_iframe(client, edith):
    from tests.initiatives.factories import VideoFactory

    video = VideoFactory(url="https://vimeo.com/76979871")

    html = client.get(video.initiative.get_absolute_url()).content.decode()

    assert "<iframe" not in html
    assert 'data-video-embed="https://player.vimeo.com/video/76979871?dnt=1&amp;autoplay=1"' in html
    assert "js/initiatives.js" in html


def test_reporter_sends_a_tip_to_review(client):
    reporter = ReporterFactory()
    initiative = InitiativeFactory()
    client.force_login(reporter)

    response = client.post(
        f"/en/initiatives/{initiative.pk}/add/tip/",
        {"kind": "costs", "title": "What it costs", "body": "About 200 euros.", "send": "1"},
    )

    assert response.status_code == 302
    tip = initiative.tips.get()
    assert (tip.status, tip.author, tip.title_en) == (Status.IN_REVIEW, reporter, "What it costs")


def test_a_member_without_the_reporter_role_cannot_write_reports(client):
    member = MemberFactory()
    initiative = InitiativeFactory()
    client.force_login(member)

    assert client.get(f"/en/initiatives/{initiative.pk}/add/portrait/").status_code == 404


def test_reports_only_on_published_initiatives(client):
    reporter = ReporterFactory()
    initiative = InitiativeFactory(status=Status.DRAFT, spotter=reporter)
    client.force_login(reporter)

    assert client.get(f"/en/initiatives/{initiative.pk}/add/portrait/").status_code == 404


def test_unknown_theme_slug_in_catalogue_filter_does_not_break(client):
    ThemeFactory(slug="known")
    assert client.get("/en/initiatives/", {"theme": "unknown"}).status_code == 200
