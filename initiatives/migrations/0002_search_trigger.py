"""Keep ``search_vector`` and ``search_titles`` in step with the text in every language.

A trigger rather than service code, so that edits made in the admin (translations), bulk inserts
(bench, demo) and services all stay searchable. Same recipe as ``civic.core.search``: the
``simple`` configuration over ``immutable_unaccent`` text, titles weighted A, summaries B, stories C.
"""

from django.db import migrations

LANGS = ("fr", "en", "es")


def _joined(field: str) -> str:
    return " || ' ' || ".join(f"coalesce(NEW.{field}_{lang}, '')" for lang in LANGS)


FORWARD = f"""
CREATE OR REPLACE FUNCTION initiatives_initiative_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.search_vector :=
      setweight(to_tsvector('simple', public.immutable_unaccent({_joined("title")})), 'A')
   || setweight(to_tsvector('simple', public.immutable_unaccent({_joined("summary")})), 'B')
   || setweight(to_tsvector('simple', public.immutable_unaccent({_joined("story")})), 'C');
  NEW.search_titles := lower(public.immutable_unaccent({_joined("title")}));
  RETURN NEW;
END
$$;
CREATE TRIGGER initiatives_initiative_search
BEFORE INSERT OR UPDATE OF title_fr, title_en, title_es, summary_fr, summary_en, summary_es,
    story_fr, story_en, story_es, search_vector, search_titles
ON initiatives_initiative FOR EACH ROW EXECUTE FUNCTION initiatives_initiative_search_update();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS initiatives_initiative_search ON initiatives_initiative;
DROP FUNCTION IF EXISTS initiatives_initiative_search_update();
"""


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial"), ("core", "0001_extensions")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
