"""Texts an administrator types and others read exist in French, Arabic and English; a reader
in Arabic or English gets French where a translation is missing."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications.models import Call, CallStatus, RequiredDocument
from applications.selectors import translation_gaps
from applications.services.calls import call_clone, call_publish
from applications.tests.factories import CallFactory, RequiredDocumentFactory
from core.errors import ApplicationError
from core.tests.client import page_text
from core.translation import in_each_language, localized
from evaluation.services.grid import grid_ensure

pytestmark = pytest.mark.django_db


def test_a_missing_translation_reads_as_the_french_text():
    call = CallFactory(title="Appel à projets clusters 2031")
    call.title_ar = "طلب مشاريع التجمعات 2031"
    call.save()

    with translation.override("ar"):
        assert Call.objects.get(pk=call.pk).title == "طلب مشاريع التجمعات 2031"
        assert Call.objects.annotate(t=localized("title")).get(pk=call.pk).t == call.title_ar
    with translation.override("en"):
        assert Call.objects.get(pk=call.pk).title == "Appel à projets clusters 2031"
        assert Call.objects.annotate(t=localized("title")).get(pk=call.pk).t == call.title_fr


def test_the_ministry_grid_is_saved_in_the_three_languages_of_the_catalogues():
    with translation.override("ar"):
        grid = grid_ensure(call=CallFactory())

    first = grid.criteria.order_by("position").first()
    assert first.label_fr.startswith("Enjeux stratégiques")
    assert first.label_ar and first.label_ar != first.label_fr
    assert first.label_en.startswith("Strategic")
    assert in_each_language("label", "Absent")["label_fr"] == "Absent"


def test_a_cloned_call_keeps_its_translations(administrator):
    source = CallFactory(edition_year=2030, title="Appel clusters 2030")
    source.title_ar = "طلب التجمعات 2030"
    source.save()
    RequiredDocumentFactory(call=source, label="Statuts", label_ar="النظام الأساسي")

    clone = call_clone(actor=administrator, source=source)

    assert (clone.title_fr, clone.title_ar) == ("Appel clusters 2031", "طلب التجمعات 2031")
    copied = RequiredDocument.objects.get(call=clone)
    assert (copied.label_fr, copied.label_ar) == ("Statuts", "النظام الأساسي")


def test_the_call_form_asks_each_text_in_the_three_languages(client, administrator):
    client.force_login(administrator)

    page = page_text(client.get(reverse("applications:backoffice_call_create")))

    for code, direction in (("fr", "ltr"), ("ar", "rtl"), ("en", "ltr")):
        assert f'name="title_{code}"' in page and f'name="description_{code}"' in page
        assert f'lang="{code}"' in page and f'dir="{direction}"' in page
    assert "Titre en arabe" in page


def test_an_arabic_reader_sees_the_call_and_its_documents_in_arabic(client):
    call = CallFactory(title="Appel clusters 2031", description="Présentation.")
    call.title_ar, call.description_ar = "طلب التجمعات 2031", "تقديم الطلب."
    call.save()
    RequiredDocumentFactory(call=call, label="Statuts", label_ar="النظام الأساسي")

    client.cookies["django_language"] = "ar"
    page = page_text(client.get(reverse("applications:call_detail", args=[call.reference])))

    assert "طلب التجمعات 2031" in page and "تقديم الطلب." in page
    assert "النظام الأساسي" in page
    assert "Appel clusters 2031" not in page


def _draft_with_a_document(**fields):
    call = CallFactory(status=CallStatus.DRAFT, published_at=None, **fields)
    RequiredDocumentFactory(call=call, label="Statuts")
    return call


def test_publishing_a_call_without_its_arabic_asks_for_confirmation(administrator):
    call = _draft_with_a_document()

    with pytest.raises(ApplicationError, match="pas traduits en arabe") as refusal:
        call_publish(actor=administrator, call=call)
    assert refusal.value.code == "arabic_missing"
    assert "Statuts" in str(refusal.value.message)
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT

    call_publish(actor=administrator, call=call, without_arabic=True)
    assert Call.objects.get(pk=call.pk).status == CallStatus.PUBLISHED


def test_a_call_translated_into_arabic_is_published_at_once(administrator):
    call = _draft_with_a_document(title_ar="طلب", description_ar="تقديم.")
    RequiredDocument.objects.filter(call=call).update(label_ar="النظام الأساسي")

    call_publish(actor=administrator, call=call)

    assert Call.objects.get(pk=call.pk).status == CallStatus.PUBLISHED


def test_the_back_office_call_page_says_what_is_not_translated(client, administrator):
    call = _draft_with_a_document(title_ar="طلب", description_ar="تقديم.")
    client.force_login(administrator)

    response = client.get(reverse("applications:backoffice_call_detail", args=[call.pk]))
    page = page_text(response)

    assert "non traduit" in page
    assert "pièce <bdi>Statuts</bdi>" in response.content.decode()
    assert 'name="without_arabic"' in page
    assert translation_gaps(call) == {
        "ar": [("pièce", "Statuts")],
        "en": [("Titre", ""), ("Présentation", ""), ("pièce", "Statuts")],
    }
