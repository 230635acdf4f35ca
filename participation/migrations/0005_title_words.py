"""Feed ``core.TitleWord`` (the title vocabulary typos are corrected against) from this table."""

from django.db import migrations

from civic.core.search import title_words_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0004_featured_index"),
        ("core", "0003_title_words"),
    ]

    operations = [title_words_trigger("participation_proposal")]
