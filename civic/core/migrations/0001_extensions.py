from django.contrib.postgres.operations import CreateExtension, TrigramExtension, UnaccentExtension
from django.db import migrations

# unaccent() is STABLE, so it cannot appear in an index or a generated column; this wrapper pins
# the dictionary and is IMMUTABLE, which lets apps keep GIN-indexed, accent-free search vectors.
IMMUTABLE_UNACCENT = """
CREATE OR REPLACE FUNCTION public.immutable_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        CreateExtension("cube"),
        CreateExtension("earthdistance"),
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(IMMUTABLE_UNACCENT, "DROP FUNCTION IF EXISTS public.immutable_unaccent(text);"),
    ]
