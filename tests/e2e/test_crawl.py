"""Every page a person can reach by links, as each kind of person, in each language, is readable:
0 axe WCAG 2.1 A/AA violations (axe's *incomplete* colour-contrast results count as failures: axe
files a button it cannot compute, such as dark text on a dark gradient, there), no horizontal
scrolling on a 390 px phone, no console error, no server error and no link to a page that refuses
the person (4xx).

The crawl starts from ``/fr/``, ``/en/``, ``/es/`` (and ``/admin/`` for people who use it) and
follows same-origin links. Pages are deduplicated by URL pattern: the first page of each
``url_name`` per language and role is checked (in the admin, the first of each admin view name),
so the cost is one page per pattern, not one per row. Logout, downloads (CSV, iCal, GeoJSON) and
actions that only answer POST are not followed.

What is checked where, to fit the suite's budget: anonymous pages (the ones most people see) are
drawn in the browser in every language; axe runs once per pattern and role. A member's page is
drawn in one language per pattern, the three languages sharing the patterns, and only asked for
(status and links, no drawing) in the two others. The five people crawl side by side, each with a
browser of its own (``CRAWL_WORKERS``, 3 by default).
"""

import html
import os
import re
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone, translation

from tests.crowdfunding.factories import ProjectFactory, open_campaign
from tests.e2e.browser import axe_problems, login, screenshot
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.events.factories import DayFactory, EventFactory, RSVPFactory, edition_for
from tests.factories import (
    PASSWORD,
    CityFactory,
    EditorFactory,
    MemberFactory,
    MembershipFactory,
    OrganizationFactory,
    ThemeFactory,
)
from tests.initiatives.factories import InitiativeFactory, PortraitFactory, TipFactory
from tests.participation.factories import (
    AnswerFactory,
    CallFactory,
    CitySpaceFactory,
    CommentFactory,
    NeighbourhoodFactory,
    ProposalFactory,
    SupportFactory,
)
from tests.volunteering.factories import MissionFactory, ParticipationFactory, SlotFactory

# One page per pattern is still several hundred pages: the five crawls run side by side (README
# "Tests" gives the time it takes).
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(1500)]

LANGUAGES = ("fr", "en", "es")
DOWNLOADS = (".csv", ".ics", ".geojson", ".json", ".pdf", ".zip")
# Links that end the session or start a file download rather than show a page; the admin's "view on
# site" redirects to the Sites framework's domain, which is not this test server.
SKIPPED_NAMES = {
    "account_logout",
    "admin:logout",
    "admin:view_on_site",
    "data_export",
    "attestation",
    "slot_calendar",
    "ics",
    "export",
}
GENERIC_ADMIN_PAGES = ("_history", "_delete")
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _content():
    """Two cities with something of every kind, and the four demo roles."""
    paris = CityFactory(
        slug="paris", name_fr="Paris", name_en="Paris", name_es="París", lat=48.8566, lng=2.3522
    )
    lyon = CityFactory(slug="lyon", name_fr="Lyon", name_en="Lyon", name_es="Lyon", lat=45.764, lng=4.8357)
    garden = ThemeFactory(slug="garden", name_fr="Agriculture urbaine", name_en="Urban agriculture")
    food = ThemeFactory(slug="food", name_fr="Alimentation", name_en="Food", name_es="Alimentación")

    editor = EditorFactory(email="edith@example.org", display_name="Edith")
    citizen = MemberFactory(email="charlie@example.org", display_name="Charlie", language="en")
    association = MemberFactory(email="alice@example.org", display_name="Alice", is_shaker=True)
    official = MemberFactory(email="olga@example.org", display_name="Olga")
    jardins = OrganizationFactory(name="Les Jardins partagés", slug="jardins", city=paris)
    banque = OrganizationFactory(name="Banque alimentaire", slug="banque", city=lyon)
    mairie = OrganizationFactory(name="Mairie de Paris", slug="mairie", city=paris, kind="public_body")
    MembershipFactory(user=association, organization=jardins)
    MembershipFactory(user=official, organization=mairie)
    MembershipFactory(user=MemberFactory(email="bob@example.org", display_name="Bob"), organization=banque)

    for org, city, title in ((jardins, paris, "Jardiner au square"), (banque, lyon, "Distribuer des colis")):
        mission = MissionFactory(
            organization=org, title_fr=title, title_en=f"{title} (en)", lat=city.latitude, lng=city.longitude
        )
        mission.themes.set([garden, food])
        slot = SlotFactory(mission=mission, capacity=3)
        SlotFactory(mission=mission, starts_at=slot.starts_at + timezone.timedelta(days=7))
        ParticipationFactory(slot=slot, member=citizen)
        event = EventFactory(organization=org, city=city, title_fr=f"Réunion {city.slug}", themes=[garden])
        RSVPFactory(event=event, member=citizen)
        initiative = InitiativeFactory(
            city=city,
            title_fr=f"Compost de {city.name_fr}",
            lat=city.latitude,
            lng=city.longitude,
            themes=[garden],
        )
        PortraitFactory(initiative=initiative)
        TipFactory(initiative=initiative)
        project = ProjectFactory(
            city=city, holder_member=None, holder_organization=org, title_fr=f"Verger de {city.slug}"
        )
        open_campaign(project, by=org.memberships.first().user)
        CitySpaceFactory(city=city)
        quarter = NeighbourhoodFactory(city=city)
        proposal = ProposalFactory(city=city, author=citizen, theme=garden, neighbourhood=quarter)
        SupportFactory(proposal=proposal, member=association)
        CommentFactory(proposal=proposal, author=association)
        ProposalFactory(city=city, author=association, theme=food)
        CallFactory(city=city, organization=org)
    AnswerFactory(proposal=ProposalFactory(city=paris, author=citizen, theme=food), organization=mairie)
    day = DayFactory(slug="ncz-day")
    edition_for(day, organiser=association, city=paris, editor=editor)
    return {"association": association, "official": official, "editor": editor, "citizen": citizen}


def _pattern(url: str, origin: str) -> tuple[str, str] | None:
    """(language, view name) of a same-origin page worth visiting, or None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path
    if path.endswith(DOWNLOADS) or any(ext in parts.query for ext in DOWNLOADS) or "format=" in parts.query:
        return None
    if path.startswith(("/media/", "/static/", "/i18n/")):
        return None
    language = path.split("/")[1] if path.split("/")[1] in LANGUAGES else ""
    try:
        with translation.override(language or "en"):
            match = resolve(path)
    except Resolver404:
        return ("", f"404 {path}")  # a broken link: visited, so that it is reported
    if match.url_name in SKIPPED_NAMES or match.view_name in SKIPPED_NAMES:
        return None
    if match.view_name.startswith("admin:") and match.view_name.endswith(GENERIC_ADMIN_PAGES):
        # Django's own history and delete-confirmation templates, the same for every model: one each.
        return (language, "admin:" + match.view_name.rsplit("_", 1)[1])
    return (language, match.view_name)


def _listen(page) -> list[str]:
    """The page's console errors and uncaught script errors, as they come."""
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console: {msg.text} {msg.location.get('url', '')}")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(f"script: {exc}"))
    return errors


def _check(page, errors: list[str], url: str, *, audit: bool) -> tuple[list[str], list[str]]:
    """Open ``url`` in the browser: what is wrong with it (``audit``: axe too), and its links.
    ``errors`` is the page's console (see ``_listen``), emptied here before the page is opened."""
    errors.clear()
    try:
        response = page.goto(url, wait_until="load")
    except Exception as exc:  # noqa: BLE001 - a download or a navigation error is reported as such
        if "Download is starting" in str(exc):
            return [], []
        return [f"navigation: {exc}"], []
    status = response.status if response else 0
    if status == 405:  # a POST-only action reached by a link: not a page
        return [], []
    problems = [f"HTTP {status}"] if status >= 400 else []
    if "html" not in (response.headers.get("content-type", "") if response else ""):
        return problems, []
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        problems.append(f"scrolls sideways by {overflow}px at 390px")
    problems += list(errors)  # before axe, whose own fetches are not the page's
    if audit:
        problems += axe_problems(page)
    if problems and os.environ.get("CRAWL_SCREENSHOTS"):
        name = urlsplit(url).path.strip("/").replace("/", "_") or "root"
        screenshot(page, f"crawl-{name}")
    same_site = urlsplit(page.url).netloc == urlsplit(url).netloc
    links = page.eval_on_selector_all("a[href]", "els => els.map((e) => e.href)") if same_site else []
    return problems, links


def _fetch(context, url: str) -> tuple[list[str], list[str]]:
    """Ask for ``url`` without drawing it (the session's cookies, no script): its status and links."""
    response = context.request.get(url, max_redirects=5)
    if response.status == 405:
        return [], []
    problems = [f"HTTP {response.status}"] if response.status >= 400 else []
    if "html" not in response.headers.get("content-type", ""):
        return problems, []
    hrefs = re.findall(r'<a\b[^>]*?\bhref="([^"]*)"', response.text())
    return problems, [urljoin(response.url, html.unescape(href)) for href in hrefs]


def _rendered_language(view_name: str) -> str:
    """The language in which a member's page of this pattern is drawn: spread over the three."""
    return LANGUAGES[zlib.crc32(view_name.encode()) % len(LANGUAGES)]


def _crawl(origin: str, role: str, email: str | None) -> tuple[int, dict[str, list[str]]]:
    """One person's crawl, in a browser of its own (the roles run side by side, one thread each)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=origin, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(30000)
        page = context.new_page()
        if email is not None:
            login(page, email, PASSWORD)
        console = _listen(page)
        queue = [(f"{origin}/{lang}/", "") for lang in LANGUAGES]
        seen: set[tuple[str, str]] = set()
        audited: set[str] = set()
        drawn: set[str] = set()
        undrawn: dict[str, tuple[str, str]] = {}
        failures: dict[str, list[str]] = {}
        visited = 0

        def visit(url: str, referrer: str, key: tuple[str, str], draw: bool) -> None:
            nonlocal visited
            t0 = time.monotonic()
            if draw:
                # axe once per pattern and role (the markup is the same in each language); overflow and
                # console in every language the page is drawn in (translations change widths).
                problems, links = _check(page, console, url, audit=key[1] not in audited)
                audited.add(key[1])
                drawn.add(key[1])
            else:
                problems, links = _fetch(context, url)
            visited += 1
            if os.environ.get("CRAWL_VERBOSE"):
                # Progress and problems as they are found (pytest -s), for whoever fixes them.
                sys.__stderr__.write(
                    f"{time.monotonic() - t0:5.2f}s {role} {'draw' if draw else 'get '} "
                    f"{url.removeprefix(origin)} {problems or ''}\n"
                )
            if problems:
                failures[url] = [*problems, f"(linked from {referrer.removeprefix(origin)})"]
            for href in links:
                href = href.split("#")[0]
                if _pattern(href, origin) not in seen:
                    queue.append((href, url))

        while queue:
            url, referrer = queue.pop(0)
            key = _pattern(url, origin)
            if key is None or key in seen:
                continue
            seen.add(key)
            language, view = key
            # Anonymous pages are the ones most people see: drawn in every language. A member's page is
            # drawn (axe, overflow, console) in one language per pattern, spread over the three, and
            # asked for in the others (status and links): the role's own markup is the same in each.
            draw = role == "anonymous" or language in ("", _rendered_language(view))
            if not draw:
                undrawn.setdefault(view, (url, referrer))
            visit(url, referrer, key, draw)
        for view, (url, referrer) in undrawn.items():
            if view not in drawn:  # reached only in the other languages: drawn in one of them
                visit(url, referrer, ("", view), True)
        context.close()
        browser.close()
    return visited, failures


def test_every_page_reachable_by_links_is_readable_by_everyone(live_server, capsys):
    people = _content()
    origin = live_server.url
    only = os.environ.get("CRAWL_ROLES", "").split(",")  # e.g. CRAWL_ROLES=official,editor while fixing
    # The longest crawl first (the editor reaches every admin page), so it never starts last.
    order = ("editor", "association", "official", "citizen", "anonymous")
    everyone = {**people, "anonymous": None}
    roles = [
        (role, everyone[role].email if everyone[role] else None)
        for role in order
        if only == [""] or role in only
    ]
    started = time.monotonic()
    # Side by side: each crawl waits on the server and the browser in turn, so two or three at once
    # share two cores well.
    with ThreadPoolExecutor(max_workers=int(os.environ.get("CRAWL_WORKERS", "3"))) as pool:
        results = dict(zip([r for r, _ in roles], pool.map(lambda r: _crawl(origin, *r), roles), strict=True))
    with capsys.disabled():
        sys.stdout.write(
            f"\nCrawl: {sum(v for v, _ in results.values())} pages in {time.monotonic() - started:.0f}s\n"
        )
        for role, (count, failures) in results.items():
            sys.stdout.write(f"  {role}: {count} pages, {len(failures)} with problems\n")

    lines = [
        f"[{role}] {url.removeprefix(origin)}\n    " + "\n    ".join(problems)
        for role, (_, failures) in results.items()
        for url, problems in failures.items()
    ]
    assert not lines, f"{len(lines)} pages with problems:\n" + "\n".join(lines)
