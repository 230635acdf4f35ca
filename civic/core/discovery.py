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
``activity(member_ids, *, limit)`` (with ``activity_dates(member_ids)``: see ``activity_of_followed``),
``digest(member, *, since)``, ``features(*, city_id, bbox, limit)``.
Providers return plain data (``DiscoveryItem``, ``ActivityItem``), only public content (published,
not hidden, not anonymous), and each call costs a fixed number of queries whatever ``limit`` is.
A provider builds its cards with ``KIND.item(row, summary=…, when=…, action_label=…)``, which reads
what every kind shows alike (distance, relevance, photo, city and clock), its follow feed with
``ActivityItem.by(member, verb, item, at)``, and narrows its open-data rows with ``feature_rows()``.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db.models import (
    F,
    IntegerField,
    Lookup,
    OrderBy,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.utils.translation import get_language, gettext

from civic.core.markdown import plain_text
from civic.core.search import shared_corrections

logger = logging.getLogger(__name__)

# How many of each kind's newest actions My Civic's follow feed reads per shown action (see
# ``_shares_of_newest``): room for half of them not to be public before it must ask every provider.
_WINDOW = 2

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

    def item(
        self,
        obj,
        *,
        summary: str,
        when: datetime | None,
        action_label: str,
        action_url: str = "",
        date_only: bool = False,
        themes=None,
        reason: str = "",
        extra: dict | None = None,
    ) -> DiscoveryItem:
        """The card of ``obj``, an item of this kind: a located model (``GeoPointModel``) with a
        ``title``, a ``get_absolute_url()`` and its ``city`` loaded (``select_related``).

        What every kind shows the same way is read here: the distance (``near()``/``with_distance()``
        annotate ``distance_m``), the search relevance (``best_first()`` annotates ``rank``), the photo
        (``first_photo()`` annotations, else the first theme's drawing), the city and its time zone.
        ``summary`` is Markdown, shown as plain text. ``action_url`` defaults to the item's page; one
        that starts with ``#`` is an anchor of that page. ``themes`` are the item's loaded themes
        (default ``obj.themes.all()``: prefetch them). A ``date_only`` item (a publication day) carries
        no time zone. No query when the city and the themes are loaded."""
        url = obj.get_absolute_url()
        themes = list(obj.themes.all() if themes is None else themes)
        if not action_url or action_url.startswith("#"):
            action_url = url + action_url
        return DiscoveryItem(
            kind=self.key,
            pk=obj.pk,
            title=obj.title,
            url=url,
            summary=plain_text(summary),
            latitude=obj.latitude,
            longitude=obj.longitude,
            distance_m=getattr(obj, "distance_m", None),
            when=when,
            tz="" if date_only else str(obj.city.timezone),
            date_only=date_only,
            city_name=obj.city.name,
            theme_ids=tuple(t.pk for t in themes),
            action_label=action_label,
            action_url=action_url,
            rank=float(getattr(obj, "rank", 0.0) or 0.0),
            reason=reason,
            extra=extra or {},
            **picture(
                getattr(obj, "cover_image", None),
                getattr(obj, "cover_thumb", None),
                getattr(obj, "cover_alt", ""),
                themes=themes,
            ),
        )


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

    @classmethod
    def by(cls, actor, verb: str, item: DiscoveryItem, at: datetime) -> ActivityItem:
        """``actor`` (a loaded member: ``select_related`` it) did ``verb`` to ``item`` at ``at``."""
        return cls(actor_id=actor.pk, actor_name=actor.public_name, verb=verb, item=item, at=at)


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


def hand_cover(row, to) -> None:
    """Give ``to`` the ``first_photo()`` annotations selected with ``row``: an activity query selects
    the cover of the item with the action (an RSVP, a support), in the same SQL, and the item's card
    reads it from the item (its event, its proposal)."""
    to.cover_image, to.cover_thumb, to.cover_alt = row.cover_image, row.cover_thumb, row.cover_alt


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
    ``activity_of_followed(member)`` when the caller has it already (saves its queries). The member's
    interests are read once here for every provider (``member.interests.all()`` then costs nothing)."""
    prefetch_related_objects([member], "interests")
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


class AnyOf(Lookup):
    """``column = ANY(%s)``: the values bound as one array parameter. ``__in`` with the 1,000 members
    someone follows prepares, checks and binds 1,000 parameters in Python for each query (19 ms a
    query at scale 1 on a loaded machine, against 1 ms for three members); one array costs what three
    do, and PostgreSQL reads the index on ``column`` the same way."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", (*params, self.rhs)


def any_of(field: str, values) -> AnyOf:
    """A filter: ``field`` is one of ``values`` (``qs.filter(any_of("member_id", followed))``)."""
    return AnyOf(F(field), list(values))


def activity_of_followed(member, limit: int = 30) -> list[ActivityItem]:
    """Public actions of the people ``member`` follows, newest first (never anonymous or private ones).

    Providers that date their actions (``activity_dates(member_ids)``: querysets of the rows ``activity()``
    reads, before its tests on other tables, annotated with ``at`` and ``public``) are first asked, all
    in one query, how many of the newest ``limit`` public actions are theirs; each is then asked only for
    those, and a provider with none costs no query, so ``limit`` items are built rather than ``limit`` per
    provider. Cost: one query for the people followed, one for the dates, and the ``activity()`` queries
    of the providers that have something among the newest (of every provider in the rare case below)."""
    followed = _followed_ids(member)
    return _activity_of(followed, limit) if followed else []


def _activity_of(followed: list[int], limit: int) -> list[ActivityItem]:
    chosen = providers()
    shares = _shares_of_newest(chosen, followed, limit) or {}
    items = []
    for key, provider in chosen.items():
        share = shares.get(key, limit)
        if share:
            items += _call(provider, "activity", followed, limit=share)
    items.sort(key=lambda a: a.at, reverse=True)
    return items[:limit]


# How long My Civic remembers a member's follow feed (seconds). The key holds the people followed, so
# following or unfollowing someone, or one of them leaving Civic, shows at once; what those people did
# meanwhile (a new action, a cancelled one, a proposal hidden, a changed name) shows at most this late.
FEED_SECONDS = 60


def recent_activity_of_followed(member, limit: int = 30) -> list[ActivityItem]:
    """``activity_of_followed(member, limit)`` as it was at most ``FEED_SECONDS`` ago, for My Civic.

    Remembered per member, language, ``limit`` and set of people followed (read each time: one query),
    so a change of whom the member follows is never hidden; only the followed people's own actions may
    be up to ``FEED_SECONDS`` old. Redis down: computed every time."""
    followed = _followed_ids(member)
    if not followed:
        return []
    people = hashlib.blake2b(",".join(map(str, sorted(followed))).encode(), digest_size=12).hexdigest()
    key = f"mycivic-feed:v1:{member.pk}:{get_language()}:{limit}:{people}"
    items = cache.get(key)
    if items is None:
        items = _activity_of(followed, limit)
        cache.set(key, items, FEED_SECONDS)
    return items


def _followed_ids(member) -> list[int]:
    return list(member.following_set.filter(followed__is_former=False).values_list("followed_id", flat=True))


def _columns(qs: QuerySet, *names: str) -> QuerySet:
    """``qs.values_list(*names)`` with the columns in that order. modeltranslation's ``values_list``
    passes the names through a set, so a translated model's columns come in any order: in a UNION,
    whose branches are matched by position, that would put a kind where a date is expected."""
    rewrite = getattr(qs, "rewrite", None)
    return (rewrite(False) if rewrite is not None else qs).values_list(*names)


def _age(at: datetime | None) -> tuple[bool, float]:
    """A sort key: newest first, missing dates last (as ``newest_first`` orders in SQL)."""
    return (True, 0.0) if at is None else (False, -at.timestamp())


def _shares_of_newest(
    chosen: dict[str, Provider], member_ids: list[int], limit: int
) -> dict[str, int] | None:
    """For each provider with ``activity_dates``, how many of the ``limit`` newest public actions of all
    those providers are its own (0 when none); providers without it are not in the dict. One UNION ALL
    query reads the ``_WINDOW * limit`` newest rows of each queryset with their ``public`` flag.

    A queryset that filled its window tells nothing about its rows older than the window; when one of
    those could still be among the newest public actions (more than ``(_WINDOW - 1) * limit`` of its
    newest rows are not public: hidden proposals, closed missions…), the answer is None and every
    provider is asked for ``limit`` actions, which is exact whatever the data, at the old cost."""
    window = _WINDOW * limit
    dated = [
        (key, qs)
        for key, p in chosen.items()
        if hasattr(p, "activity_dates")
        for qs in p.activity_dates(member_ids)
    ]
    if not dated:
        return {}
    branches = [
        _columns(
            qs.annotate(branch=Value(i, output_field=IntegerField())), "at", "branch", "public"
        ).order_by(newest_first("at"))[:window]
        for i, (_key, qs) in enumerate(dated)
    ]
    rows: dict[int, list[tuple[datetime | None, bool]]] = {i: [] for i in range(len(dated))}
    for at, branch, public in branches[0].union(*branches[1:], all=True):
        rows[branch].append((at, public))
    newest = sorted(
        ((at, dated[branch][0]) for branch, found in rows.items() for at, public in found if public),
        key=lambda row: _age(row[0]),
    )[:limit]
    # Each queryset that filled its window knows nothing of its rows older than its oldest one read.
    horizons = [max(_age(at) for at, _public in found) for found in rows.values() if len(found) >= window]
    if horizons and (len(newest) < limit or _age(newest[-1][0]) > min(horizons)):
        return None
    counts = Counter(key for _at, key in newest)
    return {key: counts[key] for key, p in chosen.items() if hasattr(p, "activity_dates")}


def digest_for(member, since: datetime) -> dict[str, list[DiscoveryItem]]:
    """What is new for ``member`` since ``since``, grouped by kind (empty kinds left out)."""
    grouped = {}
    for kind, provider in providers().items():
        items = _call(provider, "digest", member, since=since)
        if items:
            grouped[kind] = items
    return grouped


def feature_rows(qs: QuerySet, *, city_id=None, bbox=None, before: int | None = None) -> QuerySet:
    """``qs`` (a ``GeoQuerySet``) narrowed as a provider's ``features()`` is asked: located rows only,
    of ``city_id``, inside ``bbox`` (south, west, north, east), with a ``pk`` below ``before`` (the
    keyset of the next page); each filter only when given. The provider orders and slices."""
    qs = qs.filter(latitude__isnull=False)
    if before is not None:
        qs = qs.filter(pk__lt=before)
    if city_id:
        qs = qs.filter(city_id=city_id)
    if bbox:
        qs = qs.in_bbox(*bbox)
    return qs


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
