from modeltranslation.translator import TranslationOptions, register

from participation.models import CitySpace, Neighbourhood


@register(CitySpace)
class CitySpaceTranslationOptions(TranslationOptions):
    fields = ("intro",)


@register(Neighbourhood)
class NeighbourhoodTranslationOptions(TranslationOptions):
    fields = ("name",)
