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


# The guard (tests/test_translated_data.py): every text of these models that an administrator
# types is either translated (its _ar and _en columns exist) or kept as typed, with the reason.
TRANSLATED = {
    "applications.Call": ("title", "description"),
    "applications.RequiredDocument": ("label", "help_text"),
}
AS_TYPED = {
    "applications.Call": {"reference": "a code in the call's public address"},
    "applications.RequiredDocument": {"allowed_types": "file extensions, a code"},
}
