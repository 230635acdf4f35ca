"""PostgreSQL full-text search helpers shared by the feature apps.

Each searchable model keeps a stored ``search_vector`` (GIN-indexed) built from every language's
fields, accent-free, with the ``simple`` configuration (no stemming: the same rules for fr, en, es),
titles weighted ``A``. A query matches each word by prefix ("jard" finds "jardins") or by one of
its close spellings among title words ("compst" finds "compost"): typos are corrected against
``core.TitleWord``, the vocabulary of every kind's titles (pg_trgm index), so the cost of a typo
depends on the vocabulary, never on the number of rows.
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, migrations
from django.db.models import F, Func, QuerySet, TextField, Value
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


def search_words(text: str) -> list[str]:
    """Lower-case, accent-free words of ``text`` (letters and digits only), at most eight."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c if c.isalnum() else " " for c in folded).split()[:8]


def corrections(words: list[str], per_word: int = 3) -> dict[str, list[str]]:
    """Close spellings among title words of each word of four letters or more (one query)."""
    long_words = [w for w in words if len(w) >= 4]
    if not long_words:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT q.w, s.word FROM unnest(%s::text[]) AS q(w)
            CROSS JOIN LATERAL (
                SELECT word FROM core_titleword WHERE word %% q.w AND word <> q.w
                ORDER BY similarity(word, q.w) DESC, word LIMIT %s
            ) AS s""",
            [long_words, per_word],
        )
        found: dict[str, list[str]] = {}
        for word, correction in cursor.fetchall():
            if correction.isalnum():
                found.setdefault(word, []).append(correction)
    return found


def search_query(
    text: str, *, in_titles: bool = False, typos: dict[str, list[str]] | None = None
) -> SearchQuery:
    """An accent-free query matching every word by prefix ("ecole jard" finds "école" and
    "jardins") or by the prefix of one of its ``typos`` corrections (see ``search_queries()``).

    ``in_titles`` keeps only the words weighted ``A`` (every app weights its titles ``A``)."""
    words = search_words(text)
    if not words:
        return SearchQuery("", config=SEARCH_CONFIG)
    prefix = ":*A" if in_titles else ":*"
    typos = typos or {}
    raw = " & ".join(
        "(" + " | ".join([f"{w}{prefix}", *(f"{c}{prefix}" for c in typos.get(w, ()))]) + ")" for w in words
    )
    return SearchQuery(Unaccent(Value(raw)), search_type="raw", config=SEARCH_CONFIG)


def search_queries(text: str) -> tuple[SearchQuery, SearchQuery] | None:
    """``(anywhere, in titles)`` queries for ``text`` with typos corrected, or ``None`` when the
    text has no word. One query for the corrections when a word has four letters or more."""
    words = search_words(text)
    if not words:
        return None
    typos = corrections(words)
    return search_query(text, typos=typos), search_query(text, in_titles=True, typos=typos)


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


# How many of the newest matches each pool of best_first() keeps before ranking.
SEARCH_CANDIDATES = 150


def best_first(
    qs: QuerySet,
    queries: tuple[SearchQuery, SearchQuery],
    *,
    pool: QuerySet | None = None,
    cap: int | None = None,
) -> QuerySet:
    """``qs`` restricted to the best matches of ``queries`` (``search_queries()``), annotated with
    ``rank``, best first, at a cost that does not grow with the number of matches.

    Ranking reads every ranked row's vector: ranking all the matches of a common word costs
    about 0.5 s at 100,000 rows. So only candidates are ranked: the newest ``cap`` rows whose
    title matches and the newest ``cap`` rows matching anywhere, each pool one query on the GIN
    index (or the primary key, newest first, for a common word). Left out are older rows that
    match outside their title only, which rank below title matches anyway.

    ``pool`` is ``qs`` with the same filters but without the joins and annotations the pools do
    not need (it defaults to ``qs``).
    """
    anywhere, in_titles = queries
    cap = cap or SEARCH_CANDIDATES
    pool = (qs if pool is None else pool).order_by("-pk").values("pk")
    candidates = pool.filter(search_vector=in_titles)[:cap].union(pool.filter(search_vector=anywhere)[:cap])
    return (
        qs.filter(pk__in=candidates)
        .annotate(rank=SearchRank(F("search_vector"), anywhere))
        .order_by("-rank", "-pk")
    )
