"""Keep ``search_vector`` and the ``SearchWord`` lexicon in step with the text in every language.

A trigger rather than service code, so that edits made in the admin (translations), bulk inserts
(bench, COPY) and services all stay searchable. Same recipe as ``civic.core.search``: the
``simple`` configuration over ``immutable_unaccent`` text, titles weighted A, summaries B, stories C.
Title words also go into ``initiatives_searchword``, against which typos are corrected (pg_trgm).
"""

from django.db import migrations

LANGS = ("fr", "en", "es")


def _joined(field: str) -> str:
    return " || ' ' || ".join(f"coalesce(NEW.{field}_{lang}, '')" for lang in LANGS)


FORWARD = f"""
CREATE OR REPLACE FUNCTION initiatives_initiative_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  titles tsvector := to_tsvector('simple', public.immutable_unaccent({_joined("title")}));
BEGIN
  NEW.search_vector :=
      setweight(titles, 'A')
   || setweight(to_tsvector('simple', public.immutable_unaccent({_joined("summary")})), 'B')
   || setweight(to_tsvector('simple', public.immutable_unaccent({_joined("story")})), 'C');
  INSERT INTO initiatives_searchword (word)
    SELECT w FROM unnest(tsvector_to_array(titles)) AS w WHERE length(w) >= 3
    ON CONFLICT DO NOTHING;
  RETURN NEW;
END
$$;
CREATE TRIGGER initiatives_initiative_search
BEFORE INSERT OR UPDATE OF title_fr, title_en, title_es, summary_fr, summary_en, summary_es,
    story_fr, story_en, story_es, search_vector
ON initiatives_initiative FOR EACH ROW EXECUTE FUNCTION initiatives_initiative_search_update();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS initiatives_initiative_search ON initiatives_initiative;
DROP FUNCTION IF EXISTS initiatives_initiative_search_update();
"""


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial"), ("core", "0001_extensions")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
