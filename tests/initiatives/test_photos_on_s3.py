"""Photos on S3-compatible object storage (django-storages): what one web node uploads, any node
serves. Against moto's S3 server over real HTTP (not an in-process patch of boto3)."""

import io
import json
import os
import socket
import subprocess
import sys
import urllib.request

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from initiatives.models import InitiativePhoto

pytestmark = pytest.mark.django_db

moto_server = pytest.importorskip("moto.server", reason="moto[server] is a dev dependency")

BUCKET = "civic-media"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint, monkeypatch):
    """Media on the S3 server, configured as settings.py does for AWS_STORAGE_BUCKET_NAME."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "civic-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "civic-test-secret")
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # What a deployment sets too: photos are public, the rest of the bucket is not.
    public_media = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{BUCKET}/media/*",
            }
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_media))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "location": "media",
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), (30, 140, 60)).save(out, format="PNG")
    return SimpleUploadedFile("photo.png", out.getvalue(), content_type="image/png")


def test_a_submitted_photo_and_its_thumbnail_are_stored_in_the_bucket_and_served_from_it(
    client, s3, s3_endpoint, city, theme, settings
):
    from tests.initiatives.factories import SpotterFactory

    client.force_login(SpotterFactory(email="alice@example.org"))
    response = client.post(
        "/en/initiatives/new/",
        {
            "title": "Repair café du quartier",
            "summary": "Every Saturday, volunteers repair toasters and bikes.",
            "story": "It started in 2019.",
            "city": city.pk,
            "point_lat": "48.86",
            "point_lng": "2.35",
            "themes": [theme.pk],
            "website": "",
            "contact_email": "team@example.org",
            "photo": _png(),
            "photo_alt": "Volunteers at a table",
        },
    )
    assert response.status_code == 302

    photo = InitiativePhoto.objects.get()
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == {f"media/{photo.image.name}", f"media/{photo.thumbnail.name}"}
    assert not [f for f in settings.MEDIA_ROOT.rglob("*") if f.is_file()]  # nothing on this node's disk

    # Any node (or the browser) fetches the thumbnail by its URL, from the object store.
    url = photo.thumbnail.url
    assert url.startswith(f"{s3_endpoint}/{BUCKET}/media/")
    with urllib.request.urlopen(url, timeout=10) as fetched:
        thumb = Image.open(io.BytesIO(fetched.read()))
    assert thumb.format == "JPEG" and max(thumb.size) <= 400


def test_the_bucket_setting_switches_media_to_s3_and_lets_pages_show_its_images():
    script = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.STORAGES['default']['BACKEND']);"
        "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "civic.settings",
        "DATABASE_URL": django_settings.DATABASE_URL,
        "REDIS_URL": django_settings.REDIS_URL,
        "AWS_STORAGE_BUCKET_NAME": "civic-media",
        "S3_ENDPOINT_URL": "https://s3.example.org:9000",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=django_settings.BASE_DIR,
    )
    backend, img_src = result.stdout.strip().splitlines()
    assert backend == "storages.backends.s3.S3Storage"
    assert "https://s3.example.org:9000" in img_src.split()
