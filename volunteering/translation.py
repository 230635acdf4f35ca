from modeltranslation.translator import TranslationOptions, register

from volunteering.models import Mission


@register(Mission)
class MissionTranslationOptions(TranslationOptions):
    fields = ("title", "description", "skills", "what_to_bring")
    required_languages = ()
