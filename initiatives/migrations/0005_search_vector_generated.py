"""``search_vector`` becomes a column PostgreSQL generates from the row (``civic.core.search.searchable_vector``)
instead of a trigger's work: one mechanism for every searchable kind, current after any write."""

import civic.core.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
from django.db import migrations, models

from civic.core.search import search_vector, title_words_refill

LANGS = ("fr", "en", "es")


def _joined(field: str) -> str:
    return " || ' ' || ".join(f"coalesce(NEW.{field}_{lang}, '')" for lang in LANGS)


# Backwards: the trigger of migrations 0002 and 0003 again.
SEARCH_TRIGGER = f"""
CREATE OR REPLACE FUNCTION initiatives_initiative_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  titles tsvector := to_tsvector('simple', public.immutable_unaccent({_joined("title")}));
BEGIN
  NEW.search_vector :=
      setweight(titles, 'A')
   || setweight(to_tsvector('simple', public.immutable_unaccent({_joined("summary")})), 'B')
   || setweight(to_tsvector('simple', public.immutable_unaccent({_joined("story")})), 'C');
  RETURN NEW;
END
$$;
CREATE TRIGGER initiatives_initiative_search
BEFORE INSERT OR UPDATE OF title_fr, title_en, title_es, summary_fr, summary_en, summary_es,
    story_fr, story_en, story_es, search_vector
ON initiatives_initiative FOR EACH ROW EXECUTE FUNCTION initiatives_initiative_search_update();
"""

DROP_SEARCH_TRIGGER = """
DROP TRIGGER IF EXISTS initiatives_initiative_search ON initiatives_initiative;
DROP FUNCTION IF EXISTS initiatives_initiative_search_update();
"""


def fill_stored_vectors(apps, schema_editor):
    """Backwards: the plain columns are back; fill them as the old code did."""
    Initiative = apps.get_model("initiatives", "initiative")
    Initiative.objects.update(search_vector=search_vector(*[('title_fr', 'A'), ('title_en', 'A'), ('title_es', 'A'), ('summary_fr', 'B'), ('summary_en', 'B'), ('summary_es', 'B'), ('story_fr', 'C'), ('story_en', 'C'), ('story_es', 'C')]))


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0004_photo_base_alt'),
    ]

    operations = [
        migrations.RunSQL(DROP_SEARCH_TRIGGER, SEARCH_TRIGGER),
        migrations.RemoveIndex(
            model_name='initiative',
            name='initiatives_ini_search',
        ),
        migrations.RunPython(migrations.RunPython.noop, fill_stored_vectors),
        migrations.RemoveField(
            model_name='initiative',
            name='search_vector',
        ),
        migrations.AddField(
            model_name='initiative',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title_fr', models.Value(''))), config='simple', weight='A'), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title_en', models.Value(''))), config='simple', weight='A'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title_es', models.Value(''))), config='simple', weight='A'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('summary_fr', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('summary_en', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('summary_es', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('story_fr', models.Value(''))), config='simple', weight='C'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('story_en', models.Value(''))), config='simple', weight='C'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('story_es', models.Value(''))), config='simple', weight='C'), django.contrib.postgres.search.SearchConfig('simple')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='initiative',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='initiatives_ini_search'),
        ),
        title_words_refill("initiatives_initiative"),
    ]
