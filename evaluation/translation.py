"""The grid's texts an administrator types, in French, Arabic and English (django-modeltranslation:
one column per language, read in the active language, French when a translation is missing)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Criterion, Grid


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ("label", "description")
    required_languages = ("fr",)


@register(Grid)
class GridTranslation(TranslationOptions):
    # A list of words, one per score: each language has its own list, [] falls back to French.
    fields = ("scale_labels",)


# The guard (tests/test_translated_data.py): every text of these models that an administrator
# types is either translated (its _ar and _en columns exist) or kept as typed, with the reason.
TRANSLATED = {
    "evaluation.Grid": ("scale_labels",),
    "evaluation.Criterion": ("label", "description"),
}
AS_TYPED: dict[str, dict[str, str]] = {}
