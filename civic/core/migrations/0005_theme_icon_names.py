import re

from django.db import migrations, models

import civic.core.icons

# The demo's emoji and the Lucide drawing that replaces each (static/icons/lucide/). Emoji outside
# this table have no drawing: the theme is left without an icon for an editor to choose one.
EMOJI_TO_NAME = {
    "🌱": "sprout",
    "🏘": "house",
    "♻": "recycle",
    "🎨": "palette",
    "🤝": "handshake",
    "❤": "heart-pulse",
    "📚": "book-open",
    "🗑": "trash-2",
    "🚲": "bike",
    "🎭": "drama",
    "🌍": "earth",
    "🥕": "carrot",
    "⚡": "zap",
    "💻": "laptop",
}


def icon_name_for(value: str) -> str:
    """The icon name for a stored value: an emoji from the table, a name kept as it is, else blank."""
    value = (value or "").strip()
    bare = value.replace("\ufe0f", "")  # the emoji presentation selector some keyboards add
    if bare in EMOJI_TO_NAME:
        return EMOJI_TO_NAME[bare]
    if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", value) and value in civic.core.icons.available_icons():
        return value
    return ""


def emoji_to_names(apps, schema_editor):
    Theme = apps.get_model("core", "Theme")
    for theme in Theme.objects.all():
        name = icon_name_for(theme.icon)
        if name != theme.icon:
            Theme.objects.filter(pk=theme.pk).update(icon=name)


def names_to_emoji(apps, schema_editor):
    Theme = apps.get_model("core", "Theme")
    for emoji, name in EMOJI_TO_NAME.items():
        Theme.objects.filter(icon=name).update(icon=emoji)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_outbox_and_rate_events"),
    ]

    operations = [
        migrations.AlterField(
            model_name="theme",
            name="icon",
            field=models.CharField(
                blank=True,
                help_text="The name of the drawing shown next to the name (one of the icons in static/icons/lucide/).",
                max_length=40,
                validators=[civic.core.icons.validate_icon_name],
                verbose_name="icon",
            ),
        ),
        migrations.RunPython(emoji_to_names, names_to_emoji),
    ]
