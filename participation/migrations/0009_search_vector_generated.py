"""``search_vector`` becomes a column PostgreSQL generates from the row (``civic.core.search.searchable_vector``)
instead of being refreshed by ``proposal_create`` only (an admin edit left a proposal unfindable under its
new title): current after any write."""

import civic.core.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
from django.db import migrations, models

from civic.core.search import search_vector, title_words_refill


def fill_stored_vectors(apps, schema_editor):
    """Backwards: the plain columns are back; fill them as the old code did."""
    Proposal = apps.get_model("participation", "proposal")
    Proposal.objects.update(search_vector=search_vector(*[('title', 'A'), ('text', 'B')]))


class Migration(migrations.Migration):

    dependencies = [
        ('participation', '0008_proposal_photo'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='proposal',
            name='participation_prop_search',
        ),
        migrations.RunPython(migrations.RunPython.noop, fill_stored_vectors),
        migrations.RemoveField(
            model_name='proposal',
            name='search_vector',
        ),
        migrations.AddField(
            model_name='proposal',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title', models.Value(''))), config='simple', weight='A'), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('text', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='proposal',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='participation_prop_search'),
        ),
        title_words_refill("participation_proposal"),
    ]
