"""The contract's parties' titles, in French, Arabic and English (django-modeltranslation: one
column per language, read in the active language, French when a translation is missing): the
contract PDF is rendered in its recipient's language.

A custom indicator's name (KpiCommitment.label) is not registered here: its French text is part
of the commitment's identity (unique constraint, sums by indicator), which modeltranslation's
rewriting of lookups to the active language would break; it has plain `label_ar`/`label_en`
columns instead (see KpiCommitment.name)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Contract


@register(Contract)
class ContractTranslation(TranslationOptions):
    fields = ("representative_title", "ministry_representative")
    required_languages = ("fr",)


# The guard (tests/test_translated_data.py): every text of these models that an administrator
# types is either translated (its _ar and _en columns exist) or kept as typed, with the reason.
TRANSLATED = {
    "contracts.Contract": ("representative_title", "ministry_representative"),
    "contracts.KpiCommitment": ("label",),
}
AS_TYPED = {
    "contracts.Contract": {
        "reference": "a code (CP-<year>-<n>)",
        "legal_name": "the association's proper name, as in its statutes",
        "representative_name": "a person's name",
        "termination_reason": "a message written once for one contract, like a letter",
    },
}
# Texts kept as one row per language (`language` column), each typed in its language.
ROW_PER_LANGUAGE = ("contracts.ContractTerms",)
