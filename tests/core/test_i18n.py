import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("fr", "en", "es")

pytestmark = pytest.mark.django_db


def test_the_root_redirects_to_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_the_root_follows_the_browser_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")
    assert response["Location"] == "/es/"


@pytest.mark.parametrize(
    ("lang", "text"), [("fr", "Aller au contenu"), ("en", "Skip to content"), ("es", "Ir al contenido")]
)
def test_each_language_prefix_serves_that_language(client, lang, text):
    response = client.get(f"/{lang}/")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.content.decode()
    assert text in response.content.decode()


def test_the_switcher_links_to_the_same_page_in_each_language(client):
    html = client.get("/en/missions/?page=2").content.decode()
    for lang in LANGS:
        assert f'href="/{lang}/missions/?page=2" hreflang="{lang}"' in html
    assert 'hreflang="en" lang="en" aria-current="true"' in html


def test_an_unknown_language_prefix_is_a_404(client):
    assert client.get("/de/").status_code == 404


@pytest.mark.parametrize("lang", LANGS)
def test_catalogues_are_complete(lang):
    po = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{lang}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{lang}: fuzzy {fuzzy[:10]}"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="GNU gettext is needed to extract strings (CI installs it)"
)
def test_catalogues_contain_every_string_of_the_code(tmp_path):
    """makemessages in a throwaway copy of the tree: no string may be missing from the committed catalogues."""
    tree = tmp_path / "tree"
    shutil.copytree(
        ROOT,
        tree,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "test-artifacts", "*.mo", "__pycache__", "node_modules"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fr",
            "--no-obsolete",
            "--no-location",
            "--ignore=.venv",
            "--ignore=var",
            "--ignore=bench",
            "--ignore=tests",
            "--verbosity=0",
        ],
        cwd=tree,
        env={**os.environ, "DATABASE_URL": settings.DATABASE_URL, "REDIS_URL": settings.REDIS_URL},
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(tree / "locale" / "fr" / "LC_MESSAGES" / "django.po"))}
    committed = {e.msgid for e in polib.pofile(str(ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"))}
    assert not (fresh - committed), f"run `make messages` and translate: {sorted(fresh - committed)[:10]}"
