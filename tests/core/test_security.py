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
