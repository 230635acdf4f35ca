import base64
import hashlib
import re

import pytest

from civic.core.markdown import render_markdown

pytestmark = pytest.mark.django_db


def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get("/en/")
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_contains_an_inline_script_or_event_handler():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=\s*\"", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_forms_need_a_csrf_token(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/en/me/delete/", {"confirm": "DELETE"}).status_code == 403
    alice.refresh_from_db()
    assert alice.is_active


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<img src=x onerror="alert(1)">', "onerror"),
        ('<a href="https://ok.example" onclick="x()">a</a>', "onclick"),
        ("<iframe src=https://evil.example></iframe>", "<iframe"),
    ],
)
def test_markdown_is_rendered_harmless(markdown, forbidden):
    assert forbidden not in render_markdown(markdown)


def test_markdown_keeps_formatting_and_safe_links():
    html = render_markdown("**Compost** in [our garden](https://garden.example)\n\n- one\n- two")
    assert "<strong>Compost</strong>" in html
    assert '<a href="https://garden.example" rel="nofollow noopener noreferrer">our garden</a>' in html
    assert "<li>one</li>" in html


def test_uploads_are_size_capped_before_reaching_memory(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 12 * 1024 * 1024
    assert settings.UPLOAD_MAX_BYTES <= 5 * 1024 * 1024


def _csp(response) -> dict[str, str]:
    return dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )


def test_pages_frame_only_the_video_players_initiatives_embed_and_allow_only_the_apps_own_sheets_inline(
    client,
):
    response = client.get("/en/missions/")
    directives = _csp(response)

    assert directives["frame-src"].split() == [
        "https://www.youtube-nocookie.com",
        "https://player.vimeo.com",
        "https://framatube.org",
    ]
    # 'self' and one hash per app sheet: no 'unsafe-inline', and the page's inline sheet is one of them.
    sources = directives["style-src"].split()
    assert sources[0] == "'self'"
    assert len(sources) == 7  # civic.css and the five apps' sheets
    assert all(source.startswith("'sha256-") for source in sources[1:])
    inline = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    assert len(inline) == 2  # civic.css and volunteering.css
    for text in inline:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in sources


def test_no_template_carries_an_inline_style():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(r"\sstyle\s*=|<style[\s>]", path.read_text())
    ]
    assert offenders == []


def test_powerful_browser_features_are_off_except_geolocation_for_the_site(client):
    policy = client.get("/en/")["Permissions-Policy"]

    features = dict(part.strip().split("=", 1) for part in policy.split(","))
    assert features["geolocation"] == "(self)"
    assert features["camera"] == features["microphone"] == features["payment"] == "()"


# --- Error pages, as a visitor sees them with DEBUG off ----------------------------------------


def test_a_missing_page_is_branded_and_in_the_visitors_language(client, settings):
    settings.DEBUG = False

    english = client.get("/en/no-such-page/")
    french = client.get("/fr/no-such-page/")

    assert english.status_code == french.status_code == 404
    assert "<h1>Page not found</h1>" in english.content.decode()
    assert "<h1>Page introuvable</h1>" in french.content.decode()
    assert 'class="site-header"' in english.content.decode()  # the site's layout, not Django's bare page


def test_an_admin_record_that_does_not_exist_gets_the_branded_404(client, settings, edith):
    settings.DEBUG = False
    client.force_login(edith)

    response = client.get("/admin/volunteering/mission/abc/change/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.urls("tests.core.urls_raising")
@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [("/boom/403/", 403, "Not allowed"), ("/boom/400/", 400, "Bad request")],
)
def test_refusals_are_branded_pages(client, settings, url, status, heading):
    settings.DEBUG = False

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.urls("tests.core.urls_raising")
def test_a_server_error_page_renders_without_touching_the_database(settings, django_assert_num_queries):
    from django.test import Client

    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    with django_assert_num_queries(0):
        response = client.get("/boom/500/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Algo ha fallado</h1>" in html
    assert 'lang="es"' in html
    assert "a bug" not in html  # no detail of the error leaks


def test_a_form_sent_without_its_csrf_token_explains_what_to_do(alice, settings):
    from django.test import Client

    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post("/en/me/delete/", {"confirm": "DELETE"})

    assert response.status_code == 403
    assert "<h1>This form has expired</h1>" in response.content.decode()


def test_a_forged_host_header_gets_the_branded_400(client, settings):
    settings.DEBUG = False

    response = client.get("/en/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()
    assert "evil.example" not in response.content.decode()
