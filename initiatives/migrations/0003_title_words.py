"""Typos are now corrected against the kernel's ``core.TitleWord`` (every kind's titles): feed it
from this table, and retire this app's own lexicon (``SearchWord``) and the trigger's insert into it."""

from django.db import migrations

from civic.core.search import title_words_trigger

LANGS = ("fr", "en", "es")


def _joined(field: str) -> str:
    return " || ' ' || ".join(f"coalesce(NEW.{field}_{lang}, '')" for lang in LANGS)


def _search_update(with_lexicon: bool) -> str:
    lexicon = """
  INSERT INTO initiatives_searchword (word)
    SELECT w FROM unnest(tsvector_to_array(titles)) AS w WHERE length(w) >= 3
    ON CONFLICT DO NOTHING;"""
    return f"""
CREATE OR REPLACE FUNCTION initiatives_initiative_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  titles tsvector := to_tsvector('simple', public.immutable_unaccent({_joined("title")}));
BEGIN
  NEW.search_vector :=
      setweight(titles, 'A')
   || setweight(to_tsvector('simple', public.immutable_unaccent({_joined("summary")})), 'B')
   || setweight(to_tsvector('simple', public.immutable_unaccent({_joined("story")})), 'C');{lexicon if with_lexicon else ""}
  RETURN NEW;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_search_trigger"),
        ("core", "0003_title_words"),
    ]

    operations = [
        migrations.RunSQL(_search_update(with_lexicon=False), _search_update(with_lexicon=True)),
        migrations.DeleteModel(name="SearchWord"),
        title_words_trigger("initiatives_initiative"),
    ]
