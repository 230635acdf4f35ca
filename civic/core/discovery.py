"""One interface through which the home page, the global search, suggestions, the follow feed,
the weekly digest and the open-data feeds ask every feature app for its items, so that adding a
kind never touches the others (no feature app imports another).

Each feature app that takes part registers a provider in its ``AppConfig.ready()``::

    from civic.core.discovery import register
    register(MissionProvider())

A provider describes its kind in its ``kind`` attribute (a ``Kind``: key, label, icon, order, list
page, menu entry, open-data slug): the kernel builds the filters, headings, menu, digest sections and
open-data feeds from the registered providers only, so it names no feature app and an app that is not
installed simply is not there. Required methods: ``near(query)`` and ``search(text, *, query)``.
``near_queryset(query)`` (optional) is the QuerySet ``near()`` slices, nearest first with a
``distance_m`` annotation when the query has a point (``GeoQuerySet.near``): the home page then reads
distances first and builds only the items it shows.
Optional methods (absent means "nothing of this kind"): ``featured(*, limit)``, ``for_member(member, *, query)``,
``activity(member_ids, *, limit)``, ``digest(member, *, since)``, ``features(*, city_id, bbox, limit)``.
Providers return plain data (``DiscoveryItem``, ``ActivityItem``), only public content (published,
not hidden, not anonymous), and each call costs a fixed number of queries whatever ``limit`` is.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from django.core.files.storage import default_storage
from django.db.models import F, OrderBy, QuerySet, Subquery
from django.utils.translation import gettext

from civic.core.search import shared_corrections

logger = logging.getLogger(__name__)

# The drawing of an item whose kind is not registered (any more) and that has no icon of its own.
DEFAULT_ICON = "sparkles"


@dataclass(frozen=True)
class Kind:
    """What the kernel needs to show a kind of item without naming the app that serves it."""

    key: str  # "mission": ``DiscoveryItem.kind``, the ``?kinds=`` value, the CSS class ``tile-<key>``
    label: Any  # plural heading, lazily translated: "Volunteer missions"
    icon: str  # Lucide drawing of a card that has neither a photo nor a theme with an icon
    order: int  # place in every list of kinds: home rows, search groups, digest sections, filters
    index_url: str = ""  # URL name of the kind's full list ("volunteering:index"): "See all", menu
    menu_label: Any = ""  # short name in the main menu ("Missions"); empty: not in the menu
    menu_order: int = 0  # place in the main menu, which lists the catalogue before the ways to act
    intro: Any = ""  # one sentence under the kind's home row and on its "Ways to act" card
    open_data: str = ""  # slug of the public GeoJSON feed (/data/<slug>.geojson); empty: no feed


@dataclass(frozen=True)
class DiscoveryItem:
    kind: str  # the ``Kind.key`` of a registered provider
    pk: int
    title: str
    url: str
    summary: str = ""
    latitude: float | None = None
    longitude: float | None = None
    distance_m: float | None = None
    when: datetime | None = None  # next slot, start, deadline… (what "date" means for the kind)
    tz: str = ""  # the item's city time zone: ``when`` is shown there, the city named
    date_only: bool = False  # ``when`` is a publication day, shown without a time
    city_name: str = ""
    theme_ids: tuple[int, ...] = ()
    action_label: str = ""  # translated primary action: "Join", "RSVP", "Pledge", "Support", "Read"
    action_url: str = ""
    rank: float = 0.0  # search relevance, higher first
    reason: str = ""  # why it is suggested ("Matches your interest in recycling")
    extra: dict = field(default_factory=dict)
    # The card's picture: the item's own photo (a thumbnail in ``image_url``, both sizes in
    # ``image_srcset``) or, without one, ``icon``: the Lucide name of its first theme, drawn on a tile.
    image_url: str = ""
    image_srcset: str = ""
    image_alt: str = ""
    icon: str = ""

    @property
    def illustration(self) -> str:
        """The icon drawn on the card's tile when there is no photo."""
        if self.icon:
            return self.icon
        described = kind(self.kind)
        return described.icon if described is not None else DEFAULT_ICON


@dataclass(frozen=True)
class ActivityItem:
    """A public action of a followed member: "Bob joined <mission>"."""

    actor_id: int
    actor_name: str
    verb: str  # translated: "joined", "supports", "backed", "is going to"
    item: DiscoveryItem
    at: datetime


@dataclass(frozen=True)
class DiscoveryQuery:
    lat: float | None = None
    lng: float | None = None
    km: float = 10.0
    theme_ids: tuple[int, ...] = ()
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    weekends_only: bool = False
    city_id: int | None = None
    limit: int = 20

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lng is not None


class Provider(Protocol):
    kind: Kind

    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        """Public items within ``query.km`` of (lat, lng), nearest first (soonest/newest without a point)."""

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        """Public items matching ``text`` (any language, accents and typos tolerated), best first."""


# Widths declared in ``srcset``: thumbnails are made at most 400 px wide (``make_thumbnail``) and
# photos at most 1600 px (``clean_image``); a smaller photo only makes the browser pick it a bit early.
THUMB_WIDTH, PHOTO_WIDTH = 400, 1600


def first_photo(
    photos: QuerySet, *, image: str = "image", thumbnail: str = "thumbnail", alt: str = "alt"
) -> dict:
    """Annotations ``cover_image``, ``cover_thumb`` and ``cover_alt`` taken from the first row of
    ``photos`` (filtered on ``OuterRef("pk")`` and ordered by the caller): subqueries selected with
    the items themselves, so a card's picture costs no query of its own."""
    return {
        "cover_image": Subquery(photos.values(image)[:1]),
        "cover_thumb": Subquery(photos.values(thumbnail)[:1]),
        "cover_alt": Subquery(photos.values(alt)[:1]),
    }


def picture(image: str | None, thumbnail: str | None = None, alt: str | None = "", themes=()) -> dict:
    """The ``image_*`` and ``icon`` fields of a DiscoveryItem from stored file names (no storage
    access: only URLs are built). ``themes`` are the item's loaded themes; the first with an icon
    illustrates an item without a photo."""
    icon = next((t.icon for t in themes if t.icon), "")
    if not image and not thumbnail:
        return {"icon": icon}
    small = default_storage.url(thumbnail or image)
    srcset = ""
    if image and thumbnail:
        srcset = f"{small} {THUMB_WIDTH}w, {default_storage.url(image)} {PHOTO_WIDTH}w"
    return {"image_url": small, "image_srcset": srcset, "image_alt": alt or "", "icon": icon}


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    """Add ``provider`` under its ``kind.key`` (a second registration of a key replaces the first)."""
    if not isinstance(getattr(provider, "kind", None), Kind):
        raise TypeError(f"{provider!r} must describe its kind: a civic.core.discovery.Kind in .kind")
    _PROVIDERS[provider.kind.key] = provider


def unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def providers(kinds=None) -> dict[str, Provider]:
    """Registered providers in the platform's order (``Kind.order``), optionally only ``kinds``."""
    chosen = [p for key, p in _PROVIDERS.items() if not kinds or key in kinds]
    return {p.kind.key: p for p in sorted(chosen, key=lambda p: (p.kind.order, p.kind.key))}


def kinds() -> list[Kind]:
    """The registered kinds, in the platform's order."""
    return [p.kind for p in providers().values()]


def kind(key: str) -> Kind | None:
    provider = _PROVIDERS.get(key)
    return provider.kind if provider is not None else None


def kind_choices() -> list[tuple[str, Any]]:
    """``(key, label)`` of every registered kind, for a form's choices."""
    return [(k.key, k.label) for k in kinds()]


def kind_labels() -> dict[str, Any]:
    return dict(kind_choices())


def menu_kinds() -> list[Kind]:
    """Kinds that have an entry in the main menu, in the menu's order."""
    return sorted((k for k in kinds() if k.menu_label and k.index_url), key=lambda k: (k.menu_order, k.key))


def kind_keys(**_url_kwargs) -> list[str]:
    """The keys of the installed kinds (also the page cache's tags of pages showing every kind)."""
    return [k.key for k in kinds()]


def open_data_kind(slug: str) -> str | None:
    """The key of the kind whose public feed is ``/data/<slug>.geojson``, or None."""
    return next((k.key for k in kinds() if k.open_data and k.open_data == slug), None)


def _call(provider, method: str, *args, **kwargs) -> list:
    fn = getattr(provider, method, None)
    return list(fn(*args, **kwargs)) if fn is not None else []


def _by_distance(item: DiscoveryItem):
    return (item.distance_m is None, item.distance_m or 0.0)


def near_all(query: DiscoveryQuery, kinds=None) -> list[DiscoveryItem]:
    """Items of every kind around the point, mixed and ordered by distance, at most ``query.limit``.

    With a point, only the items shown are built. Each kind's nearest ``limit`` distances are read
    first (``near_queryset``: one light query per kind, no rows, no prefetch), which says how many
    of the mixed list each kind holds; then each provider builds just that many items. A card costs
    about 1 ms of Python (Markdown summary, URLs, related rows): building every kind's 30 to show
    30 in all was most of the home page's time. The items, their order and ties (kinds in the
    platform's order) are those of asking every kind for ``limit`` items and mixing them. A provider
    without ``near_queryset`` is asked for ``limit`` items, as before."""
    chosen = providers(kinds)
    if not query.has_point:
        return [item for provider in chosen.values() for item in _call(provider, "near", query)][
            : query.limit
        ]
    built: dict[str, list[DiscoveryItem]] = {}
    ranked = []  # (no distance, distance, kind's place, position in the kind, kind)
    for place, (key, provider) in enumerate(chosen.items()):
        near_queryset = getattr(provider, "near_queryset", None)
        if near_queryset is None:
            built[key] = _call(provider, "near", query)
            distances = [item.distance_m for item in built[key]]
        else:
            # With the pk: a DISTINCT (a theme filter through a join) must not merge two items
            # at the same distance.
            rows = near_queryset(query).prefetch_related(None).values_list("pk", "distance_m")
            distances = [distance for _pk, distance in rows[: query.limit]]
        ranked += [(d is None, d or 0.0, place, i, key) for i, d in enumerate(distances)]
    ranked.sort()
    shares = Counter(row[-1] for row in ranked[: query.limit])
    items = []
    for key, provider in chosen.items():
        if key in built:
            items += built[key][: shares[key]]
        elif shares[key]:
            items += _call(provider, "near", replace(query, limit=shares[key]))
    items.sort(key=_by_distance)
    return items[: query.limit]


def search_all(text: str, query: DiscoveryQuery, kinds=None) -> dict[str, list[DiscoveryItem]]:
    """Results grouped by kind, best first; with a point, equal relevance is broken by distance."""
    grouped = {}
    with shared_corrections():
        for kind, provider in providers(kinds).items():
            items = _call(provider, "search", text, query=query)
            items.sort(key=lambda i: (-round(i.rank, 3), *_by_distance(i)))
            if items:
                grouped[kind] = items
    return grouped


def featured_all(limit: int = 6, kinds=None) -> list[DiscoveryItem]:
    return [item for p in providers(kinds).values() for item in _call(p, "featured", limit=limit)]


def featured_by_kind(limit: int = 4, kinds=None) -> dict[str, list[DiscoveryItem]]:
    """Each kind's featured items, in the platform's order; kinds with nothing to show left out."""
    grouped = {kind: _call(p, "featured", limit=limit) for kind, p in providers(kinds).items()}
    return {kind: items for kind, items in grouped.items() if items}


def suggestions_for(member, query: DiscoveryQuery, kinds=None, activity=None) -> list[DiscoveryItem]:
    """Things matching the member (interests, availability, home point) that they have not joined yet,
    each with a ``reason``; nearest first, except that what people the member follows take part in
    comes first and says so ("Léa, whom you follow, takes part"). ``activity`` is
    ``activity_of_followed(member)`` when the caller has it already (saves its queries)."""
    items = [item for p in providers(kinds).values() for item in _call(p, "for_member", member, query=query)]
    items.sort(key=_by_distance)
    items = items[: query.limit]
    if activity is None:
        activity = activity_of_followed(member)
    return _with_followed_reasons(items, activity)


def _with_followed_reasons(items: list[DiscoveryItem], activity: list[ActivityItem]) -> list[DiscoveryItem]:
    """Give suggestions that followed people take part in that reason, and put them first. Activity
    holds only public actions (never an anonymous pledge), so nobody is named against their choice."""
    from django.utils.text import get_text_list
    from django.utils.translation import ngettext

    names: dict[tuple[str, int], list[str]] = {}
    for action in activity:
        people = names.setdefault((action.item.kind, action.item.pk), [])
        if action.actor_name not in people:
            people.append(action.actor_name)
    followed, others = [], []
    for item in items:
        people = names.get((item.kind, item.pk))
        if not people:
            others.append(item)
            continue
        shown = people[:3]
        reason = ngettext(
            "%(names)s, whom you follow, takes part",
            "%(names)s, whom you follow, take part",
            len(shown),
        ) % {"names": get_text_list(shown, gettext("and"))}
        followed.append(replace(item, reason=reason))
    return followed + others


def newest_first(field: str) -> OrderBy:
    """The order of an ``activity()`` query: ``field`` descending, NULLS LAST. With ``member_id IN (…1,000
    followed…)`` and a LIMIT, PostgreSQL would walk an index on ``field`` backwards and filter every row
    of people not followed until it has ``limit`` (25,893 initiatives skipped for 30 in My Civic at
    scale 1, 0.8 s). No index is ordered NULLS LAST descending, so this order reads only the followed
    members' rows through the member index and sorts them: bounded by what those people did."""
    return F(field).desc(nulls_last=True)


def activity_of_followed(member, limit: int = 30) -> list[ActivityItem]:
    """Public actions of the people ``member`` follows, newest first (never anonymous or private ones)."""
    followed = list(
        member.following_set.filter(followed__is_former=False).values_list("followed_id", flat=True)
    )
    if not followed:
        return []
    items = [a for p in providers().values() for a in _call(p, "activity", followed, limit=limit)]
    items.sort(key=lambda a: a.at, reverse=True)
    return items[:limit]


def digest_for(member, since: datetime) -> dict[str, list[DiscoveryItem]]:
    """What is new for ``member`` since ``since``, grouped by kind (empty kinds left out)."""
    grouped = {}
    for kind, provider in providers().items():
        items = _call(provider, "digest", member, since=since)
        if items:
            grouped[kind] = items
    return grouped


def features_all(
    kinds, *, city_id=None, bbox=None, limit: int = 1000, before: int | None = None
) -> list[DiscoveryItem]:
    """Located items of ``kinds`` for the open-data feeds, newest first (``pk`` descending), at most
    ``limit`` per kind; ``before`` pages on: only items whose ``pk`` is below it (keyset, so the
    hundredth page costs what the first does)."""
    paging = {} if before is None else {"before": before}
    return [
        i
        for p in providers(kinds).values()
        for i in _call(p, "features", city_id=city_id, bbox=bbox, limit=limit, **paging)
    ]
