import json
from io import BytesIO

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civic.accounts.models import Follow, User
from civic.notifications.models import Notification
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> bytes:
    img = Image.new("RGB", (1200, 800), (30, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 7.0)}  # GPS IFD
    out = BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _profile_data(city, **extra):
    data = {
        "display_name": "Alice Martin",
        "bio": "I love shared gardens.",
        "home_city": city.pk,
        "point_lat": "48.85",
        "point_lng": "2.35",
        "language": "en",
        "is_spotter": "on",
        "availability": ["weekend_morning", "weekday_evening"],
    }
    data.update(extra)
    return data


def test_member_edits_the_profile(client, alice, city):
    gardening = ThemeFactory(slug="gardening")
    client.force_login(alice)

    response = client.post("/en/me/profile/", _profile_data(city, interests=[gardening.pk]))

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice Martin"
    assert alice.home_city == city
    assert (alice.latitude, alice.longitude) == (48.85, 2.35)
    assert alice.language == "en"
    assert alice.is_spotter and not alice.is_shaker
    assert alice.availability == ["weekend_morning", "weekday_evening"]
    assert list(alice.interests.all()) == [gardening]


def test_avatar_is_resized_and_its_exif_and_gps_are_removed(client, alice, city):
    client.force_login(alice)
    upload = SimpleUploadedFile("me.jpg", _jpeg_with_gps(), content_type="image/jpeg")

    client.post("/en/me/profile/", _profile_data(city, avatar_upload=upload))

    alice.refresh_from_db()
    with Image.open(alice.avatar.path) as stored:
        assert max(stored.size) == 512
        assert not stored.getexif()


def test_a_text_file_renamed_jpg_gets_a_clear_error_and_nothing_is_saved(client, alice, city):
    client.force_login(alice)
    fake = SimpleUploadedFile("me.jpg", b"I am not a picture at all", content_type="image/jpeg")

    response = client.post("/en/me/profile/", _profile_data(city, display_name="Changed", avatar_upload=fake))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_avatar_upload_error"' in html
    assert "This file is not an image we can read" in html
    assert 'value="Changed"' in html  # the rest of the form is kept as typed
    alice.refresh_from_db()
    assert alice.display_name == "Alice"
    assert not alice.avatar


def test_an_oversized_image_is_refused(client, alice, city, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    client.force_login(alice)
    upload = SimpleUploadedFile("big.jpg", _jpeg_with_gps(), content_type="image/jpeg")

    response = client.post("/en/me/profile/", _profile_data(city, avatar_upload=upload))

    assert "This file is too large" in response.content.decode()
    alice.refresh_from_db()
    assert not alice.avatar


def test_a_point_outside_the_world_is_refused(client, alice, city):
    client.force_login(alice)
    response = client.post("/en/me/profile/", _profile_data(city, point_lat="123", point_lng="2"))
    assert "This point is outside the world map." in response.content.decode()
    alice.refresh_from_db()
    assert alice.latitude is None


def test_profile_page_requires_login(client):
    response = client.get("/en/me/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_member_follows_another_who_is_notified_and_listed(client, alice, bob):
    client.force_login(alice)

    client.post(f"/en/me/members/{bob.pk}/follow/")
    client.post(f"/en/me/members/{bob.pk}/follow/")  # twice: still one follow

    assert Follow.objects.filter(follower=alice, followed=bob).count() == 1
    assert Notification.objects.filter(recipient=bob, kind="accounts.followed").count() == 1
    assert "Bob" in client.get("/en/me/following/").content.decode()


def test_member_cannot_follow_themselves(client, alice):
    client.force_login(alice)
    response = client.post(f"/en/me/members/{alice.pk}/follow/")
    assert response.status_code == 404
    assert not Follow.objects.exists()


def test_unfollow(client, alice, bob):
    Follow.objects.create(follower=alice, followed=bob)
    client.force_login(alice)
    client.post(f"/en/me/members/{bob.pk}/unfollow/")
    assert not Follow.objects.exists()


def test_member_downloads_all_their_data_as_json(client, alice, bob, city):
    alice.home_city = city
    alice.save()
    Follow.objects.create(follower=alice, followed=bob)
    client.force_login(alice)

    response = client.get("/en/me/my-data.json")

    assert response["Content-Disposition"] == 'attachment; filename="civic-my-data.json"'
    data = json.loads(response.content)
    assert data["profile"]["email"] == "alice@example.org"
    assert data["profile"]["home_city"] == "paris"
    assert data["following"] == [["Bob", "bob@example.org"]]


def test_deleting_the_account_erases_personal_data_but_keeps_the_row(client, alice, bob, org_a):
    from civic.core.models import AuditEntry
    from civic.organizations.models import Membership

    Membership.objects.create(user=alice, organization=org_a)
    Follow.objects.create(follower=bob, followed=alice)
    client.force_login(alice)

    client.post("/en/me/delete/", {"confirm": "DELETE"})

    alice.refresh_from_db()
    assert alice.is_former and not alice.is_active
    assert alice.email.endswith("@invalid.invalid")
    assert alice.display_name == ""
    assert alice.public_name == "former member"
    assert not Membership.objects.filter(user=alice).exists()
    assert not Follow.objects.filter(followed=alice).exists()
    assert AuditEntry.objects.filter(action="accounts.member.erased", object_id=str(alice.pk)).exists()
    # The session is gone and the old email cannot sign in.
    assert client.get("/en/me/profile/").status_code == 302
    assert not User.objects.filter(email="alice@example.org").exists()


def test_deleting_requires_typing_the_confirmation(client, alice):
    client.force_login(alice)
    response = client.post("/en/me/delete/", {"confirm": "yes"})
    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.is_active and not alice.is_former


def test_follow_notification_email_is_in_the_recipients_language(
    django_capture_on_commit_callbacks, alice, bob
):
    from civic.accounts.services import follow_create

    bob.language = "es"
    bob.save()
    with django_capture_on_commit_callbacks(execute=True):
        follow_create(follower=alice, followed=bob)

    assert mail.outbox[0].to == ["bob@example.org"]
    assert mail.outbox[0].subject == "Alice ahora te sigue"
