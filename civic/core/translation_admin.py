"""modeltranslation's admin classes, with one rule changed: a required text is required in *one*
language, not in French. modeltranslation makes the default language's field required (French
here), so an English-only association could not save a mission. Here every language of such a field
is optional and the form asks for at least one; the others fall back to it on the site
(``MODELTRANSLATION_FALLBACK_LANGUAGES``) until someone translates them.

Apps import ``TranslationAdmin`` and the inlines from here instead of from modeltranslation.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from modeltranslation import admin as mt_admin
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname


def required_translated_fields(model) -> dict[str, list[str]]:
    """``{"title": ["title_fr", "title_en", "title_es"], …}`` for each translated field that the
    model requires (``blank=False``)."""
    try:
        opts = translator.get_options_for_model(model)
    except NotRegistered:
        return {}
    return {
        name: [build_localized_fieldname(name, code) for code, _label in settings.LANGUAGES]
        for name in opts.fields
        if not model._meta.get_field(name).blank
    }


def one_language_form(form_class, model):
    groups = required_translated_fields(model)
    if not groups:
        return form_class

    class OneLanguageForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for names in groups.values():
                for name in names:
                    if name in self.fields:
                        self.fields[name].required = False

        def clean(self):
            cleaned = super().clean()
            for names in groups.values():
                present = [n for n in names if n in self.fields]
                if present and not any(str(cleaned.get(n) or "").strip() for n in present):
                    for name in present:
                        self.add_error(
                            name,
                            _("Fill this in at least one language; the others show it until translated."),
                        )
            return cleaned

    OneLanguageForm.__name__ = form_class.__name__
    return OneLanguageForm


class TranslationAdmin(mt_admin.TranslationAdmin):
    def get_form(self, request, obj=None, **kwargs):
        return one_language_form(super().get_form(request, obj, **kwargs), self.model)


class _OneLanguageInline:
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = one_language_form(formset.form, self.model)
        return formset


class TranslationTabularInline(_OneLanguageInline, mt_admin.TranslationTabularInline):
    pass


class TranslationStackedInline(_OneLanguageInline, mt_admin.TranslationStackedInline):
    pass
