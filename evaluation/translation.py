"""The grid's texts an administrator types, in French, Arabic and English (django-modeltranslation:
one column per language, read in the active language, French when a translation is missing)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Criterion


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ("label", "description")
    required_languages = ("fr",)
