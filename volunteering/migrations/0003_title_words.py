"""Feed ``core.TitleWord`` (the title vocabulary typos are corrected against) from this table."""

from django.db import migrations

from civic.core.search import title_words_trigger


class Migration(migrations.Migration):
    dependencies = [
        ("volunteering", "0002_participation_ordering"),
        ("core", "0003_title_words"),
    ]

    operations = [title_words_trigger("volunteering_mission")]
