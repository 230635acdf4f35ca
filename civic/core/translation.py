from modeltranslation.translator import TranslationOptions, register

from civic.core.models import Theme


@register(Theme)
class ThemeTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)
