from modeltranslation.translator import TranslationOptions, register

from events.models import Event, FeaturedInitiative, KitFile, MobilisationDay


@register(Event)
class EventTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(MobilisationDay)
class MobilisationDayTranslationOptions(TranslationOptions):
    fields = ("title", "description", "tips", "checklist")


@register(FeaturedInitiative)
class FeaturedInitiativeTranslationOptions(TranslationOptions):
    fields = ("title",)


@register(KitFile)
class KitFileTranslationOptions(TranslationOptions):
    fields = ("title",)
