"""PostgreSQL full-text search helpers shared by the feature apps.

Each searchable model keeps a stored ``search_vector`` (GIN-indexed) built from every language's
fields, accent-free, with the ``simple`` configuration (no stemming: the same rules for fr, en, es).
A query matches by full text first; a trigram similarity on the title catches typos ("compst").
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Func, TextField, Value
from django.db.models.functions import Coalesce

SEARCH_CONFIG = "simple"


class Unaccent(Func):
    """``immutable_unaccent(text)``: created by civic.core's first migration; usable in indexes."""

    function = "public.immutable_unaccent"
    output_field = TextField()


def search_vector(*weighted_fields: tuple[str, str]) -> SearchVector:
    """``search_vector(("title_fr", "A"), ("summary_fr", "B"), …)``: one accent-free vector."""
    vector = None
    for field, weight in weighted_fields:
        part = SearchVector(Unaccent(Coalesce(field, Value(""))), weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector


def search_query(text: str) -> SearchQuery:
    """A prefix-matching, accent-free query: "ecole jard" finds "école" and "jardins"."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in (text or "")).split() if w]
    from django.contrib.postgres.search import SearchQuery as SQ

    if not words:
        return SQ("", config=SEARCH_CONFIG)
    raw = " & ".join(f"{w}:*" for w in words)
    return SearchQuery(Unaccent(Value(raw)), search_type="raw", config=SEARCH_CONFIG)
