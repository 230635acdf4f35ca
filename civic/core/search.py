"""PostgreSQL full-text search helpers shared by the feature apps.

Each searchable model declares ``search_vector = searchable_vector(("title", "A"), …)``: a stored
generated column (GIN-indexed) built by PostgreSQL itself from every language's fields of the row,
accent-free, with the ``simple`` configuration (no stemming: the same rules for fr, en, es), titles
weighted ``A``. Being computed by the database on every INSERT and UPDATE, it is current after a
service, an admin edit, ``QuerySet.update()``, ``bulk_create()`` or raw SQL alike: no code has to
remember to refresh it. Its QuerySet inherits ``SearchQuerySet`` for ``.search(text)``. A query matches each word by prefix ("jard" finds "jardins") or by one of
its close spellings among title words ("compst" finds "compost"): typos are corrected against
``core.TitleWord``, the vocabulary of every kind's titles (pg_trgm index), so the cost of a typo
depends on the vocabulary, never on the number of rows.
"""

import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.db import connection, migrations
from django.db.models import F, Func, GeneratedField, QuerySet, TextField, Value
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


def searchable_vector(*weighted_fields: tuple[str, str], translated: bool = True) -> GeneratedField:
    """The ``search_vector`` field of a searchable model: ``searchable_vector(("title", "A"),
    ("summary", "B"))``, each field in every language of ``MODELTRANSLATION_LANGUAGES``
    (``title_fr``, ``title_en``, ``title_es``: all titles first, then all summaries), or the fields
    themselves with ``translated=False``.

    A stored generated column: PostgreSQL recomputes it from the row on every INSERT and UPDATE,
    so no write path (service, admin, ``QuerySet.update()``, ``bulk_create()``, raw SQL, a
    migration) can leave it stale, and ``core.TitleWord`` follows through ``title_words_trigger()``.
    It can only read the row's own columns (an expression over other tables is not allowed).
    Django never writes it and does not load it after ``save()`` (read it with
    ``refresh_from_db()``); changing the fields means a migration that drops and re-adds it.
    Give the model a ``GinIndex(fields=["search_vector"], …)`` and a ``SearchQuerySet``.
    """
    if translated:
        languages = settings.MODELTRANSLATION_LANGUAGES
        weighted_fields = tuple(
            (f"{name}_{lang}", weight) for name, weight in weighted_fields for lang in languages
        )
    return GeneratedField(
        expression=search_vector(*weighted_fields), output_field=SearchVectorField(), db_persist=True
    )


def search_words(text: str) -> list[str]:
    """Lower-case, accent-free words of ``text`` (letters and digits only), at most eight."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c if c.isalnum() else " " for c in folded).split()[:8]


# Corrections already looked up by the current shared_corrections() block: one lookup for the
# five kinds of a global search instead of five.
_shared: ContextVar[dict | None] = ContextVar("civic_search_corrections", default=None)


@contextmanager
def shared_corrections():
    """Within the block, the same words are corrected once (a global search asks every kind);
    a nested block shares the outer one's lookups."""
    token = _shared.set(_shared.get() if _shared.get() is not None else {})
    try:
        yield
    finally:
        _shared.reset(token)


# Typos are corrected against title words with pg_trgm's "%" operator; 0.25 instead of the default
# 0.3 lets a short typo reach a longer word ("compst" → "compostage").
TRIGRAM_THRESHOLD = 0.25
# A correction is kept when it is nearly as close as the closest one: "compst" → "compost" (0.5),
# not also "compartida" (0.29), which the 0.25 threshold alone would let in.
CORRECTION_MARGIN = 0.75


def corrections(words: list[str], per_word: int = 3) -> dict[str, list[str]]:
    """Close spellings among title words of each word of four letters or more (one query)."""
    long_words = [w for w in words if len(w) >= 4]
    if not long_words:
        return {}
    shared = _shared.get()
    key = (tuple(long_words), per_word)
    if shared is not None and key in shared:
        return shared[key]
    # "%" (index-assisted) compares with pg_trgm.similarity_threshold. It is set by SET LOCAL in
    # the same query string: one round trip, one (implicit) transaction, so it also holds behind a
    # transaction-mode pooler (PgBouncer), where a per-connection setting would be lost, and it
    # never leaks to the connection's next query. Needs Django's default client-side binding.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SET LOCAL pg_trgm.similarity_threshold = {TRIGRAM_THRESHOLD:.2f};"
            """SELECT q.w, s.word, s.score FROM unnest(%s::text[]) AS q(w)
            CROSS JOIN LATERAL (
                SELECT word, similarity(word, q.w) AS score FROM core_titleword
                WHERE word %% q.w AND word <> q.w
                ORDER BY score DESC, word LIMIT %s
            ) AS s""",
            [long_words, per_word],
        )
        cursor.nextset()  # past the SET's empty result
        found: dict[str, list[str]] = {}
        best: dict[str, float] = {}
        for word, correction, score in cursor.fetchall():  # best first for each word
            best.setdefault(word, score)
            if correction.isalnum() and score >= best[word] * CORRECTION_MARGIN:
                found.setdefault(word, []).append(correction)
    if shared is not None:
        shared[key] = found
    return found


def search_query(text: str, *, typos: dict[str, list[str]] | None = None) -> SearchQuery:
    """An accent-free query matching every word by prefix ("ecole jard" finds "école" and
    "jardins") or by the prefix of one of its ``typos`` corrections (see ``corrected_query()``)."""
    words = search_words(text)
    if not words:
        return SearchQuery("", config=SEARCH_CONFIG)
    typos = typos or {}
    raw = " & ".join("(" + " | ".join(f"{w}:*" for w in [word, *typos.get(word, ())]) + ")" for word in words)
    return SearchQuery(Unaccent(Value(raw)), search_type="raw", config=SEARCH_CONFIG)


def corrected_query(text: str) -> SearchQuery | None:
    """``search_query()`` with typos corrected against title words, or ``None`` when the text
    has no word. One query for the corrections when a word has four letters or more."""
    words = search_words(text)
    return search_query(text, typos=corrections(words)) if words else None


# The statement-level trigger function behind core.TitleWord: the title words (weight A) of the
# rows a statement inserted, or whose vector an update changed. Sorted inserts, so that two
# transactions adding the same new words wait for each other instead of deadlocking.
COLLECT_TITLE_WORDS = """
CREATE OR REPLACE FUNCTION public.civic_collect_title_words() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO core_titleword (word)
      SELECT DISTINCT w FROM new_rows n JOIN old_rows o ON o.id = n.id,
        unnest(tsvector_to_array(ts_filter(n.search_vector, '{a}'))) AS w
      WHERE n.search_vector IS DISTINCT FROM o.search_vector AND length(w) >= 3
      ORDER BY w ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO core_titleword (word)
      SELECT DISTINCT w FROM new_rows n, unnest(tsvector_to_array(ts_filter(n.search_vector, '{a}'))) AS w
      WHERE length(w) >= 3
      ORDER BY w ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
"""


def title_words_refill(table: str) -> migrations.RunSQL:
    """A migration operation: add the title words of ``table``'s current rows to ``core.TitleWord``
    (after its ``search_vector`` was rebuilt by a schema change, which fires no trigger)."""
    return migrations.RunSQL(
        f"""
        INSERT INTO core_titleword (word)
          SELECT DISTINCT w FROM {table}, unnest(tsvector_to_array(ts_filter(search_vector, '{{a}}'))) AS w
          WHERE length(w) >= 3 ORDER BY w ON CONFLICT DO NOTHING;
        """,
        migrations.RunSQL.noop,
    )


def title_words_trigger(table: str) -> migrations.RunSQL:
    """A migration operation: feed ``core.TitleWord`` from ``table``'s ``search_vector`` (titles
    weighted ``A``, primary key ``id``) on every insert and update, and from its current rows."""
    return migrations.RunSQL(
        f"""
        CREATE TRIGGER {table}_title_words_ins AFTER INSERT ON {table}
          REFERENCING NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION public.civic_collect_title_words();
        CREATE TRIGGER {table}_title_words_upd AFTER UPDATE ON {table}
          REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION public.civic_collect_title_words();
        INSERT INTO core_titleword (word)
          SELECT DISTINCT w FROM {table}, unnest(tsvector_to_array(ts_filter(search_vector, '{{a}}'))) AS w
          WHERE length(w) >= 3 ORDER BY w ON CONFLICT DO NOTHING;
        """,
        f"""
        DROP TRIGGER IF EXISTS {table}_title_words_ins ON {table};
        DROP TRIGGER IF EXISTS {table}_title_words_upd ON {table};
        """,
    )


# How many of the newest matches best_first() ranks.
SEARCH_CANDIDATES = 300


def best_first(
    qs: QuerySet,
    query: SearchQuery,
    *,
    pool: QuerySet | None = None,
    cap: int | None = None,
) -> QuerySet:
    """``qs`` restricted to the best of the newest ``cap`` matches of ``query``
    (``corrected_query()``), annotated with ``rank``, best first; the cost does not grow with the
    number of matches.

    Ranking reads every ranked row's vector: ranking all the matches of a common word costs
    about 0.5 s at 100,000 rows. So the candidates are the newest ``cap`` matches (the primary
    key read backwards for a common word, the GIN index for a rare one, as the planner picks),
    and only they are ranked: a word with fewer matches than ``cap`` is ranked exactly; a very
    common word shows the most relevant of its recent matches. A separate "title matches" pool
    was tried and dropped: weights are not in the GIN index, so finding the few rows with a
    word in their title means reading every row's vector.

    ``pool`` is ``qs`` with the same filters but without the joins and annotations the pool
    does not need (it defaults to ``qs``).
    """
    cap = cap or SEARCH_CANDIDATES
    pool = (qs if pool is None else pool).order_by("-pk").values("pk")
    candidates = pool.filter(search_vector=query)[:cap]
    return (
        qs.filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-pk")
    )


class SearchQuerySet(QuerySet):
    """The reads of a searchable model (one with ``search_vector = searchable_vector(…)``).
    Combine it with the app's other base: ``class InitiativeQuerySet(SearchQuerySet, GeoQuerySet)``."""

    def search(self, text: str, *, ranked: bool = False, candidates: int | None = None, pool=None):
        """Rows matching every word of ``text`` in any language, accent-free, by prefix ("ecole
        jard" finds "École des jardins"), each word also matching its close spellings among title
        words ("compst" finds "compost"); ``self`` unchanged when ``text`` has no word.

        One GIN-indexed full-text match, plus one query for the typo corrections when a word has
        four letters or more (shared by every kind inside ``shared_corrections()``).

        - ``ranked=False``: only the matches, in the queryset's order.
        - ``ranked=True``: annotated ``rank``, best first, ties in the queryset's own order (or the
          model's ``Meta.ordering``). Ranking reads every match's vector: for lists of words with
          few matches, or offered as a sort.
        - ``ranked=True, candidates=N``: only the newest N matches are ranked (``best_first()``;
          ``pool`` as there), so a word found in half the rows costs no more than a rare one; for
          "the best few" (a city's proposals, discovery), never for a list one pages through.
        """
        matching = corrected_query(text)
        if matching is None:
            return self
        if ranked and candidates:
            return best_first(self, matching, pool=pool, cap=candidates)
        matches = self.filter(search_vector=matching)
        if not ranked:
            return matches
        ties = self.query.order_by or self.model._meta.ordering
        return matches.annotate(rank=SearchRank(F("search_vector"), matching)).order_by("-rank", *ties)
