"""Sections that other apps add to an object's page, so that the app owning the page never imports them.

An app that holds things linked to another app's objects (events linked to an initiative) registers
a function in its ``AppConfig.ready()``::

    from civic.core.related import register_section
    register_section(reports_about)

``reports_about(target, *, url)`` receives the object shown and its absolute URL and returns a
``Section`` (a template of the registering app and its context) or None when it has nothing to say
about ``target``. The page calls ``sections_about(target, url=...)`` and includes each section's
template with ``section`` set to its context. Each function costs its own queries, a fixed number
whatever the page holds; an app that is not installed adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    template: str  # "events/includes/reports_about.html"
    context: dict = field(default_factory=dict)
    order: int = 0  # sections are shown by increasing order


SectionFunction = Callable[..., "Section | None"]
_SECTIONS: list[SectionFunction] = []


def register_section(fn: SectionFunction) -> None:
    if fn not in _SECTIONS:
        _SECTIONS.append(fn)


def unregister_section(fn: SectionFunction) -> None:
    if fn in _SECTIONS:
        _SECTIONS.remove(fn)


def sections_about(target, *, url: str = "") -> list[Section]:
    """What registered apps show about ``target`` (a model instance), in ``Section.order``."""
    found = [section for fn in _SECTIONS if (section := fn(target, url=url)) is not None]
    return sorted(found, key=lambda s: s.order)
