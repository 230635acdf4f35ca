from django.core.management.commands import makemessages


class Command(makemessages.Command):
    """Django's makemessages without msgmerge's fuzzy matching: a new string must never inherit the
    translation of a similar old one ("My Civic" is not "Civic"), it starts untranslated instead."""

    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
