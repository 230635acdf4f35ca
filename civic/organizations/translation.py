from modeltranslation.translator import TranslationOptions, register

from civic.organizations.models import Organization


@register(Organization)
class OrganizationTranslationOptions(TranslationOptions):
    fields = ("description",)
