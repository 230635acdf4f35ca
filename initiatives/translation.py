"""Content fields in fr/en/es. No language is required: a spotter writes in their own language,
the others fall back (settings.MODELTRANSLATION_FALLBACK_LANGUAGES) until an editor translates."""

from modeltranslation.translator import TranslationOptions, register

from initiatives.models import Initiative, Portrait, PracticalTip, VideoReport


@register(Initiative)
class InitiativeTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "story")


@register(Portrait)
class PortraitTranslationOptions(TranslationOptions):
    fields = ("role", "text")


@register(PracticalTip)
class PracticalTipTranslationOptions(TranslationOptions):
    fields = ("title", "body")


@register(VideoReport)
class VideoReportTranslationOptions(TranslationOptions):
    fields = ("title",)
