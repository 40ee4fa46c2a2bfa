"""The call's texts an administrator types, in French, Arabic and English (django-modeltranslation:
one column per language, read in the active language, French when a translation is missing)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Call, RequiredDocument


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("fr",)


@register(RequiredDocument)
class RequiredDocumentTranslation(TranslationOptions):
    fields = ("label", "help_text")
    required_languages = ("fr",)
