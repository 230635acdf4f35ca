from modeltranslation.translator import TranslationOptions, register

from civic.places.models import City


@register(City)
class CityTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("fr",)
