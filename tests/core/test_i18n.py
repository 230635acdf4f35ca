import os
import re
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


def test_alternate_links_are_absolute_with_an_x_default(client):
    html = client.get("/en/missions/?page=2").content.decode()
    for lang in LANGS:
        assert (
            f'<link rel="alternate" hreflang="{lang}" href="http://testserver/{lang}/missions/?page=2">'
            in html
        )
    assert '<link rel="alternate" hreflang="x-default" href="http://testserver/fr/missions/?page=2">' in html


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


# --- Typography and placeholders -----------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
TAG = re.compile(r"<[^>]*>")
SPACES = ("\u00a0", "\u202f")  # no-break space, narrow no-break space


def _entries(lang):
    po = polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
    for entry in po.translated_entries():
        ids = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        strs = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        yield entry, ids, strs


def _placeholders(texts):
    return {p for text in texts for p in PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_the_placeholders_of_the_source(lang):
    """A placeholder missing from a translation is text a reader never sees; an extra one crashes
    the page (KeyError while formatting)."""
    wrong = []
    for entry, ids, strs in _entries(lang):
        expected = _placeholders(ids)
        for text in strs:
            extra = _placeholders([text]) - expected
            if extra:
                wrong.append((entry.msgid, sorted(extra)))
        # Plural forms may leave the count out of the singular ("un seul"), not out of every form.
        if _placeholders(strs) != expected:
            wrong.append((entry.msgid, sorted(expected ^ _placeholders(strs))))
    assert not wrong, wrong[:10]


def test_french_punctuation_has_a_non_breaking_space_before_it():
    """French writes « : ; ! ? » after a space that must not break the line (U+00A0, or the narrow
    U+202F before ; ! ?), and quotes as « … » with such spaces inside; ASCII double quotes are for
    HTML attributes only."""
    wrong = []
    for _entry, _ids, strs in _entries("fr"):
        for text in strs:
            prose = TAG.sub("", text)
            problems = [
                # A high punctuation mark closing a clause (followed by a space or the end; not the
                # colon of "https://" nor the "?" of a query string), without its non-breaking space.
                *(m.group() for m in re.finditer(r"(.)[:;!?](?=\s|$)", prose) if m.group(1) not in SPACES),
                *(m.group() for m in re.finditer(r"«.", prose) if m.group()[1] not in SPACES),
                *(m.group() for m in re.finditer(r".»", prose) if m.group()[0] not in SPACES),
                *re.findall(r"[\"“”]", prose),
            ]
            if problems:
                wrong.append((text, problems))
    assert not wrong, wrong[:10]


def test_spanish_has_no_straight_double_quotes():
    wrong = [text for _e, _i, strs in _entries("es") for text in strs if '"' in TAG.sub("", text)]
    assert not wrong, wrong[:10]
