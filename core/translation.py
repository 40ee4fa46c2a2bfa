"""Texts an administrator types, in the three languages (django-modeltranslation keeps one column
per language: `title_fr`, `title_ar`, `title_en`). French is required; another language falls
back to it while its translation is missing."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import F, Model, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

FRENCH = "fr"


def languages() -> tuple[str, ...]:
    return tuple(settings.MODELTRANSLATION_LANGUAGES)


def in_each_language(field: str, text: str | Promise) -> dict[str, str]:
    """{"label_fr": …, "label_ar": …, "label_en": …} from a text of the catalogues."""
    values = {}
    for code in languages():
        with translation.override(code):
            values[f"{field}_{code}"] = str(text)
    return values


def each_language(read: Callable[[], Any]) -> dict[str, str]:
    """{"fr": …, "ar": …, "en": …}: what `read()` gives in each language, for a text kept as it
    was (a receipt's document labels). A translated field read by `read` falls back to French."""
    values = {}
    for code in languages():
        with translation.override(code):
            values[code] = str(read())
    return values


def in_active_language(texts: Mapping[str, str] | str) -> str:
    """A text kept by `each_language`, in the active language, else French; a plain string
    (kept before texts were kept in every language) as it is."""
    if isinstance(texts, str):
        return texts
    return texts.get(translation.get_language() or FRENCH) or texts.get(FRENCH) or ""


def texts(instance: Model, field: str) -> dict[str, str]:
    """{"fr": …, "ar": …, "en": …}: a translated field's stored texts, each language's or the
    French where it is missing, to keep in a record read later in any language (the journal)."""
    french = getattr(instance, f"{field}_{FRENCH}") or ""
    return {code: getattr(instance, f"{field}_{code}") or french for code in languages()}


def columns(path: str) -> list[str]:
    """Every language's column of a translated field ("call__title" → call__title_fr, …): what
    `.only()` loads so that reading the field in any language needs no other query."""
    return [f"{path}_{code}" for code in languages()]


def localized(path: str) -> Coalesce:
    """The field in the active language, French where it is missing, computed in SQL: for
    `values()`, `annotate()` and `F()` through a relation, which the translated model's own
    descriptor does not reach."""
    code = translation.get_language() or FRENCH
    text: TextField = TextField()
    french = F(f"{path}_{FRENCH}")
    if code == FRENCH or code not in languages():
        return Coalesce(french, F(path), output_field=text)
    chosen = NullIf(F(f"{path}_{code}"), Value(""), output_field=text)
    return Coalesce(chosen, french, F(path), output_field=text)


LANGUAGE_NAMES = {"fr": _("en français"), "ar": _("en arabe"), "en": _("en anglais")}


def lists_in_each_language(field: str, texts: Sequence[str | Promise]) -> dict[str, list[str]]:
    """{"scale_labels_fr": […], "scale_labels_ar": […], …} from texts of the catalogues."""
    values = {}
    for code in languages():
        with translation.override(code):
            values[f"{field}_{code}"] = [str(text) for text in texts]
    return values


def _shown(value: Any) -> str:
    """A stored value as its form field shows it (a list of words one per line)."""
    if isinstance(value, list | tuple):
        return "\n".join(str(item) for item in value)
    return "" if value is None else str(value)


def language_fields(form: forms.BaseForm, *names: str, model: type[Model] | None = None) -> None:
    """The three columns of each translated field side by side in a form: labelled with their
    language, typed in its direction; only French is required. Where the French text is stored
    and a translation is not, the field says "non traduit" and shows the French text, which
    readers get meanwhile, as its placeholder: staff see at once what is left to translate."""
    model = model or form._meta.model  # type: ignore[attr-defined]
    for name in names:
        model_field: Any = model._meta.get_field(name)
        base = capfirst(model_field.verbose_name)
        french = _shown(form.initial.get(f"{name}_{FRENCH}")).strip()
        for code in languages():
            column = f"{name}_{code}"
            field = form.fields.get(column)
            if field is None:
                continue
            field.label = f"{base} {LANGUAGE_NAMES[code]}"
            field.widget.attrs.update({"lang": code, "dir": "rtl" if code == "ar" else "ltr"})
            field.required = code == FRENCH and not model_field.blank
            if code == FRENCH:
                continue
            field.help_text = _("Facultatif : le texte français s'affiche tant qu'il manque.")
            if french and not _shown(form.initial.get(column)).strip():
                field.label = format_html(
                    '{} <span class="badge text-bg-warning not-translated">{}</span>',
                    field.label,
                    _("non traduit"),
                )
                field.widget.attrs["placeholder"] = french


def language_rows(form: forms.BaseForm, names: list[str]) -> list:
    """The form's fields in `names` order, a translated field's three columns as one row."""
    rows: list = []
    for name in names:
        if f"{name}_{FRENCH}" in form.fields:
            rows.append([form[f"{name}_{code}"] for code in languages()])
        elif name in form.fields:
            rows.append(form[name])
    return rows
