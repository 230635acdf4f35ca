"""One interface through which the home page, the global search and the digest ask every
feature app for its items, so that adding a kind never touches the others.

Each feature app that takes part registers a provider in its ``AppConfig.ready()``::

    from civic.core.discovery import register
    register("mission", MissionProvider())

A provider implements ``near()`` and ``search()`` and returns ``DiscoveryItem``s (plain data, no
model instances, so the caller's query count never depends on another app's internals). Each call
must cost a fixed number of queries whatever ``limit`` is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class DiscoveryItem:
    kind: str  # "initiative", "mission", "project", "proposal", "event"
    pk: int
    title: str
    url: str
    summary: str = ""
    latitude: float | None = None
    longitude: float | None = None
    distance_m: float | None = None
    when: datetime | None = None  # next slot, start, deadline… (what "date" means for the kind)
    city_name: str = ""
    theme_ids: tuple[int, ...] = ()
    action_label: str = ""  # translated primary action: "Join", "RSVP", "Pledge", "Support", "Read"
    action_url: str = ""
    rank: float = 0.0  # search relevance, higher first
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DiscoveryQuery:
    lat: float | None = None
    lng: float | None = None
    km: float = 10.0
    theme_ids: tuple[int, ...] = ()
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    weekends_only: bool = False
    limit: int = 20


class Provider(Protocol):
    def near(self, query: DiscoveryQuery) -> list[DiscoveryItem]:
        """Public items within ``query.km`` of (lat, lng), nearest first (or newest when no point)."""

    def search(self, text: str, *, query: DiscoveryQuery) -> list[DiscoveryItem]:
        """Public items matching ``text`` (any language, accents and typos tolerated), best first."""


_PROVIDERS: dict[str, Provider] = {}


def register(kind: str, provider: Provider) -> None:
    _PROVIDERS[kind] = provider


def providers() -> dict[str, Provider]:
    return dict(_PROVIDERS)
