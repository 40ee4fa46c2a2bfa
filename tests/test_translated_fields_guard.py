"""The guard of translated data: a text that an administrator types and others read has its
Arabic and English columns, and a new text field on those models is either translated or
declared as kept as typed, with its reason (each app's translation.py declares both)."""

import pytest
from django.apps import apps
from django.db import models
from modeltranslation.translator import NotRegistered, translator

from applications import translation as applications_translation
from contracts import translation as contracts_translation
from core.translation import languages
from evaluation import translation as evaluation_translation

DECLARING = (applications_translation, evaluation_translation, contracts_translation)
TRANSLATED = {model: fields for module in DECLARING for model, fields in module.TRANSLATED.items()}
AS_TYPED = {model: reasons for module in DECLARING for model, reasons in module.AS_TYPED.items()}
ROW_PER_LANGUAGE = contracts_translation.ROW_PER_LANGUAGE
# The models whose texts an administrator types in the back office and others read.
EDITED_BY_STAFF = (
    "applications.Call",
    "applications.RequiredDocument",
    "evaluation.Grid",
    "evaluation.Criterion",
    "contracts.Contract",
    "contracts.KpiCommitment",
)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _registered(model):
    try:
        return set(translator.get_options_for_model(model).get_field_names())
    except NotRegistered:
        return set()


def _is_translation_column(model, field):
    base, _sep, code = field.name.rpartition("_")
    return code in languages() and base and any(f.name == base for f in model._meta.fields)


def _typed_texts(model):
    """The model's own free-text fields: not a choice, not a language column."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, TEXT_FIELDS)
        and not field.choices
        and not _is_translation_column(model, field)
    ]


def missing_columns(label, fields):
    """[(field, column)] a declared translated field lacks."""
    model = apps.get_model(label)
    registered = _registered(model)
    missing = []
    for field in fields:
        needed = languages() if field in registered else [c for c in languages() if c != "fr"]
        for code in needed:
            try:
                model._meta.get_field(f"{field}_{code}")
            except Exception:  # FieldDoesNotExist
                missing.append((field, f"{field}_{code}"))
    return missing


def undeclared_texts(label):
    """The model's typed texts that are neither translated nor kept as typed with a reason."""
    declared = set(TRANSLATED.get(label, ())) | set(AS_TYPED.get(label, {}))
    return [name for name in _typed_texts(apps.get_model(label)) if name not in declared]


@pytest.mark.parametrize("label, fields", TRANSLATED.items())
def test_each_translated_text_has_its_arabic_and_english_columns(label, fields):
    assert missing_columns(label, fields) == []


@pytest.mark.parametrize("label", EDITED_BY_STAFF)
def test_every_text_staff_type_is_translated_or_kept_as_typed_for_a_reason(label):
    assert undeclared_texts(label) == [], (
        f"{label}: translate these fields (translation.py) or add them to AS_TYPED with why"
    )
    for field, reason in AS_TYPED.get(label, {}).items():
        assert reason.strip(), f"{label}.{field} is kept as typed without a reason"


def test_every_model_with_translations_is_guarded():
    registered = {model._meta.label for model in translator.get_registered_models(abstract=False)}
    assert registered <= set(EDITED_BY_STAFF)
    assert set(TRANSLATED) | set(AS_TYPED) <= set(EDITED_BY_STAFF)


@pytest.mark.parametrize("label", ROW_PER_LANGUAGE)
def test_texts_kept_one_row_per_language_have_a_row_for_each_language(label):
    field = apps.get_model(label)._meta.get_field("language")
    assert {code for code, _name in field.choices} >= set(languages())


def test_the_guard_fails_for_a_field_without_its_arabic_column():
    # Contract.legal_name has no translation: declared as translated, the guard says so.
    assert missing_columns("contracts.Contract", ["legal_name"]) == [
        ("legal_name", "legal_name_ar"),
        ("legal_name", "legal_name_en"),
    ]


def test_the_guard_fails_for_a_typed_text_that_is_not_declared(monkeypatch):
    monkeypatch.setitem(AS_TYPED, "contracts.Contract", {})
    assert "legal_name" in undeclared_texts("contracts.Contract")
