"""The anonymous page cache: what every visitor without an account sees the same is rendered once
per language and served from Redis until a write changes it.

**Keys are versioned.** A page declares the *tags* it depends on (``"mission:{pk}"`` for one
mission's page, ``"mission"`` for every list of missions, ``"site"`` for cities, themes and
organisations shown everywhere). Its cache key is a hash of the host, the language, the full path
with its query string, today's date and the current version of each tag. Writes *bump* tags after
their transaction commits (``bump()``, or ``watch()`` on a model for its saves and deletions,
admin included): the next request computes a new key and renders the page again; the old copy is
never read again and expires. Nothing is ever deleted from the cache, so there is no race between
a delete and a concurrent render that would put the old page back.

**Versions live in PostgreSQL** (``core.PageVersion``, one indexed read, with the page's data on
the same database, so a replica never pairs a new version with old rows); each process reuses a
reading for ``VERSIONS_SECONDS`` (1 s), so a write shows to every anonymous visitor within a
second, at once in the process that made it.
Redis only holds pages: while Redis is down every page is rendered (the resilient cache answers
as empty) and writes still bump versions, so when Redis comes back the pages it held before the
outage are under keys nobody computes any more. A bump runs on commit in its own statement (a
write does not hold a kind-wide row lock for its whole transaction); a process killed between the
commit and the bump leaves a page stale for at most ``PAGE_CACHE_SECONDS``.

**Who gets a cached page.** Only GET/HEAD requests by a visitor who is not logged in, with no
pending message, not an htmx fragment, answered 200. A member never reads or writes the cache (the
page shows their name, their state, their forms). A form's CSRF token is personal: it is stored as
a placeholder and each visitor gets their own token when the page is served, with a
``Cache-Control: private`` header (shared HTTP caches must not keep it). Pages without a token are
``public, max-age=0, must-revalidate`` with an ``ETag`` (the key): a browser revalidating an
unchanged page gets 304 with no body. ``Vary: Cookie`` keeps a member's page apart from the
anonymous one in any HTTP cache.

**Staleness.** Each page is kept ``PAGE_CACHE_SECONDS`` (60 s) at most, and ``seconds=`` may
shorten it. That is the bound on what no tag tracks: counters moved with ``F()`` updates that no
``watch()`` sees (lists show supports, places left and participants up to that old; detail pages
are bumped by the rows behind their counters), a member renaming themself, and time passing
(``upcoming`` lists); a new day always starts new keys.

**Compressed once.** A page without a token is also kept gzipped; a browser that accepts gzip gets
those bytes as they are (``Vary: Accept-Encoding``, a weak ``ETag``), so a hit costs no compression
(``GZipMiddleware`` compresses every other page per request: phones download a fifth of the bytes).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from functools import wraps
from operator import attrgetter

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.text import compress_string

logger = logging.getLogger(__name__)

SITE = "site"
MAX_QUERY_LENGTH = 300  # longer query strings are rendered, not cached (no cache flooding)
CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value=")[^"]*(">)')
CSRF_PLACEHOLDER = b"\x00civic-csrf\x00"
CACHE_HEADER = "X-Page-Cache"  # hit / miss: for operators and the bench
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip reads Accept-Encoding


# --- versions --------------------------------------------------------------------------------


# Per process: tag -> (version, when it was read). Reading the versions was the one query of a
# cached page and half its cost under load (a round trip to PostgreSQL for a page otherwise served
# from Redis): a version read less than VERSIONS_SECONDS ago is used again. A bump made by this
# process forgets its tags at once; one made by another process is seen within VERSIONS_SECONDS
# (the bound on how long an anonymous visitor may get the page as it was before a write). A stale
# reading only ever pairs an older key with newer rows, never the reverse.
VERSIONS_SECONDS = 1.0
VERSIONS_KEPT = 10_000  # distinct tags remembered at most (then forgotten all at once)
_known: dict[str, tuple[int, float]] = {}


def forget_versions(tags: Iterable[str] | None = None) -> None:
    """Read ``tags`` (every tag when None) from PostgreSQL next time."""
    if tags is None:
        _known.clear()
    for tag in tags or ():
        _known.pop(tag, None)


def versions(tags: Iterable[str]) -> dict[str, int]:
    """The current version of each tag (0 for a tag never bumped): one query, or none when every
    tag was read less than ``VERSIONS_SECONDS`` ago by this process."""
    from civic.core.models import PageVersion

    tags = sorted(set(tags))
    now = time.monotonic()
    known = [_known.get(tag) for tag in tags]
    if all(k is not None and now - k[1] < VERSIONS_SECONDS for k in known):
        return {tag: k[0] for tag, k in zip(tags, known, strict=True)}
    found = dict(PageVersion.objects.filter(key__in=tags).values_list("key", "version"))
    current = {tag: found.get(tag, 0) for tag in tags}
    if len(_known) > VERSIONS_KEPT:
        _known.clear()
    _known.update((tag, (version, now)) for tag, version in current.items())
    return current


BUMP_SQL = """
INSERT INTO core_pageversion (key, version)
SELECT k, nextval('core_pageversion_seq') FROM unnest(%s::text[]) AS k ORDER BY k
ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version
"""


def _bump_now(tags: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(BUMP_SQL, [tags])
    forget_versions(tags)


def bump(*tags: str) -> None:
    """Make every cached page depending on one of ``tags`` miss, once the current transaction
    commits (at once outside a transaction). A rolled-back write bumps nothing. Rows are upserted
    in key order, so two bumps never deadlock."""
    tags = sorted({t for t in tags if t})
    if tags:
        transaction.on_commit(lambda: _bump_now(tags), robust=True)


def watch(model, tags: Callable[[object], Iterable[str]]) -> None:
    """Bump ``tags(instance)`` after each save or deletion of ``model`` (services, admin, shell).

    ``tags`` should read only the instance's own columns (``obj.mission_id``, not ``obj.mission``),
    or it costs a query per save. ``QuerySet.update()`` sends no signal: a service that changes
    what a page shows with ``update()`` calls ``bump()`` itself, or accepts the TTL.
    """

    def receiver(sender, instance, **kwargs):
        if kwargs.get("raw"):  # loaddata
            return
        bump(*tags(instance))

    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"pagecache-save-{model._meta.label}")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"pagecache-del-{model._meta.label}")


def watch_item(kind: str, *models, via: str = "pk", lists: bool = False) -> None:
    """Bump one item's page, ``<kind>:<pk>`` (the tag its ``@anonymous_page("<kind>:{pk}")``
    declares), after each save or deletion of ``models``; with ``lists``, every list, map and feed of
    the kind too (tag ``<kind>``). A row of ``models`` names its item by the attribute ``via``: ``"pk"``
    for the item itself, ``"project_id"`` for a row of it, or a dotted path through a related row
    (``"campaign.project_id"``: a query per save unless that row is already loaded)."""
    item_pk = attrgetter(via)

    def tags(obj) -> list[str]:
        return [f"{kind}:{item_pk(obj)}", kind] if lists else [f"{kind}:{item_pk(obj)}"]

    for model in models:
        watch(model, tags)


# --- pages -----------------------------------------------------------------------------------


def _cacheable_request(request: HttpRequest, shared: bool) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH or request.headers.get("HX-Request"):
        return False
    if shared:
        return True
    if request.user.is_authenticated:
        return False
    # A message waiting to be shown ("You have signed out") belongs to this visitor's page only;
    # len() looks at the messages without marking them read.
    return not len(get_messages(request))


def page_key(request: HttpRequest, tags: Iterable[str]) -> str:
    current = versions([*tags, SITE])
    raw = "|".join(
        [
            request.get_host(),
            translation.get_language() or "",
            request.get_full_path(),
            timezone.localdate().isoformat(),
            *(f"{tag}={version}" for tag, version in current.items()),
        ]
    )
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()[:40]


def _store(request: HttpRequest, response: HttpResponse) -> tuple[dict, bool] | None:
    """What the cache keeps of a freshly rendered response, and whether it holds a CSRF token;
    None when the response is not for everyone."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return None
    content, with_token = CSRF_INPUT.subn(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") and not with_token:
        return None  # a token was asked for but not in a form field we know how to replace: keep it out
    headers = {
        name: response[name]
        for name in (
            "Content-Type",
            "Content-Language",
            "Access-Control-Allow-Origin",
            "Access-Control-Expose-Headers",
            "Link",
        )
        if response.has_header(name)
    }
    stored = {"content": content, "headers": headers}
    if not with_token:
        # No secret in the page, so no BREACH padding: the same bytes for every visitor.
        stored["gzip"] = compress_string(content, max_random_bytes=0)
    return stored, bool(with_token)


def _from_stored(request: HttpRequest, stored: dict) -> HttpResponse:
    if "gzip" in stored and ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(stored["gzip"])
        response["Content-Encoding"] = "gzip"
        for name, value in stored["headers"].items():
            response[name] = value
        return response
    content = stored["content"]
    if CSRF_PLACEHOLDER in content:
        # One fresh token per visitor (and the CSRF cookie that goes with it).
        content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content)
    for name, value in stored["headers"].items():
        response[name] = value
    return response


def _headers(response: HttpResponse, key: str, *, shared: bool, personal: bool, max_age: int = 0) -> None:
    if personal:
        patch_cache_control(response, private=True, no_cache=True)
    else:
        etag = quote_etag(key.removeprefix("page:"))
        # The gzipped bytes are another representation of the same page: a weak validator.
        response["ETag"] = "W/" + etag if response.has_header("Content-Encoding") else etag
        patch_cache_control(response, public=True, max_age=max_age, must_revalidate=True)
    patch_vary_headers(response, ("Accept-Encoding",) if shared else ("Cookie", "Accept-Encoding"))


def _tags(tags, kwargs: dict) -> list[str]:
    return [
        resolved for tag in tags for resolved in (tag(**kwargs) if callable(tag) else [tag.format(**kwargs)])
    ]


def anonymous_page(*tags, shared: bool = False, seconds: int | None = None, max_age: int = 0):
    """Serve the view's page from the cache to visitors who are not logged in.

    ``tags`` may name URL arguments: ``@anonymous_page("mission:{pk}")``, or be a callable of the URL
    arguments returning tags, read per request (the kernel's pages depend on whichever kinds are
    installed: ``discovery.kind_keys``). With ``shared=True``
    the response does not depend on the visitor at all (open-data feeds): members get the cached
    copy too, and the response has no ``Vary: Cookie``. ``max_age`` lets HTTP caches keep a page
    without asking (pages without a CSRF token only). A request whose ``If-None-Match`` names
    the current version answers 304 before the cache or the view is read.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not _cacheable_request(request, shared):
                response = view(request, *args, **kwargs)
                if not shared and request.user.is_authenticated and not response.has_header("Cache-Control"):
                    patch_cache_control(response, private=True, no_cache=True)
                return response
            key = page_key(request, _tags(tags, kwargs))
            etag = quote_etag(key.removeprefix("page:"))
            if {etag, "W/" + etag} & set(parse_etags(request.headers.get("If-None-Match", ""))):
                response = HttpResponseNotModified()
                _headers(response, key, shared=shared, personal=False, max_age=max_age)
                return response
            stored = cache.get(key)
            if stored is not None:
                response = _from_stored(request, stored)
                _headers(
                    response,
                    key,
                    shared=shared,
                    personal=CSRF_PLACEHOLDER in stored["content"],
                    max_age=max_age,
                )
                response[CACHE_HEADER] = "hit"
                return response
            response = view(request, *args, **kwargs)
            kept = _store(request, response)
            if kept is None:
                return response
            stored, personal = kept
            ttl = min(seconds or settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_SECONDS)
            cache.set(key, stored, ttl)
            _headers(response, key, shared=shared, personal=personal, max_age=max_age)
            response[CACHE_HEADER] = "miss"
            return response

        return wrapper

    return decorator
