"""``search_vector`` becomes a column PostgreSQL generates from the row (``civic.core.search.searchable_vector``)
instead of being refreshed by the services, the admin, the bench and the demo: current after any write."""

import civic.core.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
from django.db import migrations, models

from civic.core.search import search_vector, title_words_refill


def fill_stored_vectors(apps, schema_editor):
    """Backwards: the plain columns are back; fill them as the old code did."""
    Event = apps.get_model("events", "event")
    Event.objects.update(search_vector=search_vector(*[('title_fr', 'A'), ('title_en', 'A'), ('title_es', 'A'), ('description_fr', 'B'), ('description_en', 'B'), ('description_es', 'B')]))


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0006_photo_base_alt'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='event',
            name='events_event_search',
        ),
        migrations.RunPython(migrations.RunPython.noop, fill_stored_vectors),
        migrations.RemoveField(
            model_name='event',
            name='search_vector',
        ),
        migrations.AddField(
            model_name='event',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title_fr', models.Value(''))), config='simple', weight='A'), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title_en', models.Value(''))), config='simple', weight='A'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title_es', models.Value(''))), config='simple', weight='A'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('description_fr', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('description_en', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('description_es', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='event',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='events_event_search'),
        ),
        title_words_refill("events_event"),
    ]
