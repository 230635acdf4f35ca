"""Kernel pages: act near me (home), search everything, my Civic, open-data feeds, digest unsubscribe.

Every page asks the feature apps through civic.core.discovery, so its cost is a fixed number of queries
per registered kind, whatever the amount of data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from civic.core import discovery
from civic.core.forms_discover import DiscoverForm
from civic.core.models import Theme
from civic.core.pagecache import anonymous_page
from civic.core.search import corrections, search_words, shared_corrections
from civic.places.geojson import bad_request, geojson_response, parse_bbox

SEARCH_MAX_LENGTH = 200
# A feed page: about 250 KB of GeoJSON, built in well under a second; the rest through "next" links.
OPEN_DATA_PAGE = 1000
# Reusers may keep a page a minute without asking; after that, their ETag gets a 304 while nothing changed.
OPEN_DATA_MAX_AGE = 60


def _discover(request: HttpRequest, limit: int):
    form = DiscoverForm(request.GET or None, member=request.user)
    if request.GET and form.is_valid():
        query = form.to_query(limit=limit)
        return form, query, form.selected_kinds()
    if not request.GET:
        form = DiscoverForm({"km": 10}, member=request.user)
        form.is_valid()  # fills the member's home point, if any
        return form, form.to_query(limit=limit), []
    return form, None, []


@anonymous_page(discovery.kind_keys)
def home(request: HttpRequest) -> HttpResponse:
    """What can I do near …? One mixed list and map; featured things while there is no position."""
    form, query, kinds = _discover(request, limit=30)
    items = discovery.near_all(query, kinds) if query is not None and query.has_point else []
    rows = []
    if query is None or not query.has_point:
        # One row per kind that has a list page to lead to ("See all").
        described = {k.key: k for k in discovery.kinds() if k.index_url}
        rows = [
            {
                "kind": key,
                "label": described[key].label,
                "intro": described[key].intro,
                "items": found,
                "url": reverse(described[key].index_url),
            }
            for key, found in discovery.featured_by_kind(limit=4).items()
            if key in described
        ]
    return render(
        request,
        "core/home.html",
        {
            "form": form,
            "query": query,
            "items": items,
            "rows": rows,
            "kind_labels": discovery.kind_labels(),
            "feed_query": request.GET.urlencode(),
            "themes": Theme.objects.active() if not items else (),
        },
    )


def home_geojson(request: HttpRequest) -> HttpResponse:
    """The home page's results as GeoJSON, for its map."""
    form, query, kinds = _discover(request, limit=200)
    if query is None:
        return bad_request("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    items = discovery.near_all(query, kinds) if query.has_point else []
    return geojson_response(_collection(items))


def _collection(items) -> dict:
    labels = discovery.kind_labels()
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(i.longitude, 6), round(i.latitude, 6)]},
                "properties": {
                    "kind": i.kind,
                    "title": i.title,
                    "url": i.url,
                    "subtitle": str(labels.get(i.kind, i.kind)),
                    "when": i.when.isoformat() if i.when else None,
                    "city": i.city_name,
                },
            }
            for i in items
            if i.latitude is not None and i.longitude is not None
        ],
    }


def search(request: HttpRequest) -> HttpResponse:
    """Search everything: results grouped by kind, in any language, ranked, with matches highlighted."""
    text = (request.GET.get("q") or "").strip()[:SEARCH_MAX_LENGTH]
    form, query, kinds = _discover(request, limit=10)
    groups, marked = {}, text
    if text:
        with shared_corrections():  # the corrections search_all() looked up, for the highlights
            groups = discovery.search_all(text, query or discovery.DiscoveryQuery(limit=10), kinds)
            typos = corrections(search_words(text))
        marked = " ".join([text, *(c for found in typos.values() for c in found)])
    labels = discovery.kind_labels()
    return render(
        request,
        "core/search.html",
        {
            "q": text,
            "marked": marked,
            "groups": [(kind, labels.get(kind, kind), items) for kind, items in groups.items()],
            "total": sum(len(v) for v in groups.values()),
        },
    )


@login_required
def my_civic(request: HttpRequest) -> HttpResponse:
    """The member's dashboard: suggestions with their reasons, and what the people they follow do."""
    form = DiscoverForm({"km": 25}, member=request.user)
    form.is_valid()
    query = form.to_query(limit=12)
    activity = discovery.recent_activity_of_followed(request.user, limit=30)
    return render(
        request,
        "core/my_civic.html",
        {
            "suggestions": discovery.suggestions_for(request.user, query, activity=activity),
            "activity": activity,
            "has_home_point": request.user.has_point,
            "kind_labels": discovery.kind_labels(),
        },
    )


@anonymous_page(lambda kind: [discovery.open_data_kind(kind) or kind], shared=True, max_age=OPEN_DATA_MAX_AGE)
def open_data(request: HttpRequest, kind: str) -> HttpResponse:
    """Public GeoJSON of one kind (``Kind.open_data``: missions, events, initiatives…) for a city
    (``?city=slug``) or a box (``?bbox=``).

    Newest first, ``OPEN_DATA_PAGE`` features a page; a fuller page links to the next one (``links``
    in the body, a ``Link`` header) with ``?before=<last id>``, so page 100 costs what page 1 does.
    Responses carry an ``ETag`` (the page cache's key): a reuser who sends it back gets 304 until
    something in the feed changes.
    """
    key = discovery.open_data_kind(kind)
    if key is None:
        raise Http404
    try:
        bbox = parse_bbox(request)
    except ValueError as exc:
        return bad_request(str(exc))
    raw_before = request.GET.get("before", "")
    if raw_before and not raw_before.isdigit():
        return bad_request(_("before must be a whole number (the id after which the page starts)."))
    before = int(raw_before) if raw_before else None
    city_id = None
    if request.GET.get("city"):
        from civic.places.models import City

        city_id = City.objects.filter(slug=request.GET["city"]).values_list("pk", flat=True).first()
        if city_id is None:
            return bad_request(_("Unknown city."))
    if city_id is None and bbox is None:
        return bad_request(_("Give a city (?city=slug) or a bounding box (?bbox=west,south,east,north)."))
    items = discovery.features_all([key], city_id=city_id, bbox=bbox, limit=OPEN_DATA_PAGE + 1, before=before)
    collection = _collection(items[:OPEN_DATA_PAGE])
    collection["links"] = []
    next_url = None
    if len(items) > OPEN_DATA_PAGE:
        params = request.GET.copy()
        params["before"] = str(items[OPEN_DATA_PAGE - 1].pk)
        next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        collection["links"].append({"rel": "next", "type": "application/geo+json", "href": next_url})
    response = geojson_response(collection)
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: reusable from any site
    response["Access-Control-Expose-Headers"] = "ETag, Link"
    return response


# The token is the only credential of the unsubscribe link: a salt of its own (a token signed for
# anything else never unsubscribes) and an expiry (an old forwarded email stops working).
DIGEST_SALT = "civic.digest.unsubscribe"
DIGEST_TOKEN_MAX_AGE = 60 * 60 * 24 * 120


def digest_unsubscribe_token(member) -> str:
    return signing.dumps(member.pk, salt=DIGEST_SALT)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from the email, no login: GET shows the button (mail scanners and link previews
    follow links, so a GET never unsubscribes), POST unsubscribes.

    RFC 8058 one-click: the mail provider POSTs ``List-Unsubscribe=One-Click`` to the URL of the
    ``List-Unsubscribe`` header with no cookie, hence no session and no CSRF token. The signed token
    in the URL is what authorises the POST, so CSRF protection adds nothing here and is off.
    """
    from civic.accounts.models import User

    try:
        pk = signing.loads(token, salt=DIGEST_SALT, max_age=DIGEST_TOKEN_MAX_AGE)
    except signing.BadSignature:
        raise Http404 from None
    member = User.objects.filter(pk=pk, is_former=False).first()
    if member is None:
        raise Http404
    if request.method == "POST":
        User.objects.filter(pk=member.pk, weekly_digest=True).update(weekly_digest=False)
        return render(request, "core/digest_unsubscribed.html", {"done": True})
    return render(request, "core/digest_unsubscribed.html", {"done": False})


def bench_floor(request: HttpRequest) -> HttpResponse:
    """A trivial view rendering a small template: the floor that bench/ compares every page to."""
    return render(request, "core/bench_floor.html", {"items": range(10)})
