from modeltranslation.translator import TranslationOptions, register

from crowdfunding.models import Project, ProjectUpdate, RewardTier, TimeNeed


@register(Project)
class ProjectTranslationOptions(TranslationOptions):
    fields = ("title", "summary", "description")


@register(RewardTier)
class RewardTierTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(TimeNeed)
class TimeNeedTranslationOptions(TranslationOptions):
    fields = ("role",)


@register(ProjectUpdate)
class ProjectUpdateTranslationOptions(TranslationOptions):
    fields = ("title", "body")
