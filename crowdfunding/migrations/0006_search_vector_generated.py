"""``search_vector`` and ``title_all`` become columns PostgreSQL generates from the row
(``civic.core.search.searchable_vector``) instead of being refreshed by the services (which the admin
had to remember): current after any write."""

import civic.core.search
import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models

from django.db.models import F, Value
from django.db.models.functions import Concat, Lower

from civic.core.search import Unaccent, search_vector, title_words_refill


def fill_stored_vectors(apps, schema_editor):
    """Backwards: the plain columns are back; fill them as the old code did. One UPDATE: a second
    one would queue the deferred foreign-key checks of rows this transaction wrote, and the index
    re-created next cannot be built while checks are pending."""
    Project = apps.get_model("crowdfunding", "project")
    titles = [f"title_{lang}" for lang in ("fr", "en", "es")]
    Project.objects.update(
        search_vector=search_vector(*[('title_fr', 'A'), ('title_en', 'A'), ('title_es', 'A'), ('summary_fr', 'B'), ('summary_en', 'B'), ('summary_es', 'B'), ('description_fr', 'C'), ('description_en', 'C'), ('description_es', 'C')]),
        title_all=Lower(Unaccent(Concat(*[part for t in titles for part in (F(t), Value(" "))][:-1]))),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('crowdfunding', '0005_photo_base'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='project',
            name='cf_project_search',
        ),
        migrations.RemoveIndex(
            model_name='project',
            name='cf_project_title_trgm',
        ),
        migrations.RunPython(migrations.RunPython.noop, fill_stored_vectors),
        migrations.RemoveField(
            model_name='project',
            name='search_vector',
        ),
        migrations.RemoveField(
            model_name='project',
            name='title_all',
        ),
        migrations.AddField(
            model_name='project',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.CombinedSearchVector(django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title_fr', models.Value(''))), config='simple', weight='A'), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title_en', models.Value(''))), config='simple', weight='A'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('title_es', models.Value(''))), config='simple', weight='A'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('summary_fr', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('summary_en', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('summary_es', models.Value(''))), config='simple', weight='B'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('description_fr', models.Value(''))), config='simple', weight='C'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('description_en', models.Value(''))), config='simple', weight='C'), django.contrib.postgres.search.SearchConfig('simple')), '||', django.contrib.postgres.search.SearchVector(civic.core.search.Unaccent(django.db.models.functions.comparison.Coalesce('description_es', models.Value(''))), config='simple', weight='C'), django.contrib.postgres.search.SearchConfig('simple')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='project',
            name='title_all',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Lower(civic.core.search.Unaccent(django.db.models.functions.text.Concat(models.F('title_fr'), models.Value(' '), models.F('title_en'), models.Value(' '), models.F('title_es')))), output_field=models.TextField()),
        ),
        migrations.AddIndex(
            model_name='project',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='cf_project_search'),
        ),
        migrations.AddIndex(
            model_name='project',
            index=django.contrib.postgres.indexes.GinIndex(django.contrib.postgres.indexes.OpClass(models.F('title_all'), name='gin_trgm_ops'), name='cf_project_title_trgm'),
        ),
        title_words_refill("crowdfunding_project"),
    ]
