"""The rest of the texts staff type, in three languages (issue 16): the grid's scale words,
the contract's parties' titles, custom indicators' names; the e-mails and pages built from
them read in the reader's language, and the back office marks what is not translated."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import DirectorFactory
from applications.models import Call, CallStatus, Dossier, RequiredDocument
from applications.services.submission import dossier_submit
from applications.tests.builders import complete, draft_for
from applications.tests.factories import CallFactory, DossierFactory, RequiredDocumentFactory
from contracts.dashboard.programme import programme
from contracts.dashboard.public import public_call_line
from contracts.models import Contract, ContractStatus, KpiCommitment
from contracts.selectors import commitment_table, contract_terms
from contracts.services import drafting
from contracts.services.figures import call_figures_refresh
from contracts.tests.factories import decided_call, draft_contract
from core.journal import journal_record
from core.models import OutgoingMail
from core.tests.browser import log_in, screenshot
from core.tests.client import page_text
from core.translation import texts
from evaluation.forms.workspace import ReviewForm
from evaluation.models import Grid
from evaluation.services.admissibility import documents_request
from evaluation.services.grid import grid_ensure, grid_update

pytestmark = pytest.mark.django_db

MILLION = 1_000_000


# The grid's scale -------------------------------------------------------------------------


def test_the_ministry_grid_has_its_scale_words_in_each_language():
    with translation.override("ar"):
        grid = grid_ensure(call=CallFactory())

    assert grid.scale_labels_fr[:2] == ["Absent", "Faible"]
    assert grid.scale_labels_ar[:2] == ["منعدم", "ضعيف"]
    assert grid.scale_labels_en[:2] == ["Absent", "Weak"]


def test_the_scale_words_are_read_in_the_readers_language_french_when_missing(administrator):
    grid = grid_ensure(call=CallFactory())
    grid_update(
        actor=administrator,
        grid=grid,
        scale_labels_fr=["Nul", "Moyen", "Bien", "Très bien", "Parfait"],
        scale_labels_ar=["صفر", "متوسط", "حسن", "حسن جدا", "ممتاز"],
        scale_labels_en=[],
    )
    grid = Grid.objects.get(pk=grid.pk)

    with translation.override("ar"):
        assert grid.scale_labels[1] == "متوسط"
    with translation.override("en"):
        assert grid.scale_labels[1] == "Moyen"


def test_the_evaluator_scores_with_the_scale_words_of_their_language():
    grid = grid_ensure(call=CallFactory())
    criterion = grid.criteria.first()

    with translation.override("ar"):
        form = ReviewForm(grid=grid, criteria=[criterion])
        choices = [label for _value, label in form.fields[f"score_{criterion.pk}"].choices]
    assert choices[1] == "1 — ضعيف"


def test_the_grid_settings_show_the_scale_in_three_languages_side_by_side(client, administrator):
    grid = grid_ensure(call=CallFactory())
    Grid.objects.filter(pk=grid.pk).update(scale_labels_en=[])
    client.force_login(administrator)
    url = reverse("evaluation:grid_settings", args=[grid.call.pk])

    page = page_text(client.get(url))

    assert 'name="scale_labels_ar"' in page and 'dir="rtl"' in page
    assert "منعدم" in page
    # The English list is missing: marked for staff, the French shown as its placeholder.
    assert page.count("non traduit") == 1
    assert 'placeholder="Absent' in page


def test_the_grid_settings_save_each_languages_words(client, administrator):
    grid = grid_ensure(call=CallFactory())
    client.force_login(administrator)
    data = {
        "scale_max": "2",
        "scale_labels_fr": "Non\nEn partie\nOui",
        "scale_labels_ar": "لا\nجزئيا\nنعم",
        "scale_labels_en": "",
        "min_total": "60",
        "criterion_min_percent": "40",
        "divergence_threshold": "15",
        "evaluation_deadline": "",
        "conflict_lookback_years": "3",
        "appeal_days": "15",
        "results_require_closed_sitting": "on",
    }

    response = client.post(reverse("evaluation:grid_settings", args=[grid.call.pk]), data)

    assert response.status_code == 302
    grid.refresh_from_db()
    assert grid.scale_labels_ar == ["لا", "جزئيا", "نعم"]
    assert grid.scale_labels_en == []
    client.cookies["django_language"] = "ar"
    shown = page_text(client.get(reverse("evaluation:grid", args=[grid.call.pk])))
    assert "جزئيا" in shown and "En partie" not in shown


def test_a_translated_scale_needs_its_french_words_and_the_right_count(client, administrator):
    grid = grid_ensure(call=CallFactory())
    client.force_login(administrator)
    data = {
        "scale_max": "4",
        "scale_labels_fr": "",
        "scale_labels_ar": "لا\nنعم",
        "min_total": "60",
        "criterion_min_percent": "40",
        "divergence_threshold": "15",
    }

    page = page_text(client.post(reverse("evaluation:grid_settings", args=[grid.call.pk]), data))

    assert "Donnez 5 libellés" in page
    assert "Donnez les libellés en français" in page


# The contract's parties and custom indicators --------------------------------------------


def test_a_generated_contract_has_its_parties_titles_in_each_language(administrator):
    with translation.override("en"):
        contract = draft_contract(administrator)

    assert contract.representative_title_fr in ("Président", "Directeur")
    assert contract.representative_title_ar in ("الرئيس", "المدير")
    assert contract.ministry_representative_fr == "M. le Ministre de l'Industrie et du Commerce"
    assert contract.ministry_representative_ar
    assert contract.ministry_representative_ar != contract.ministry_representative_fr
    with translation.override("ar"):
        assert Contract.objects.get(pk=contract.pk).representative_title in ("الرئيس", "المدير")


def test_the_drafting_form_edits_the_titles_in_three_languages(client, administrator):
    contract = draft_contract(administrator)
    Contract.objects.filter(pk=contract.pk).update(ministry_representative_en="")
    client.force_login(administrator)
    url = reverse("contracts:draft_update", args=[contract.pk])

    page = page_text(client.get(url))
    assert 'name="representative_title_ar"' in page and 'name="ministry_representative_en"' in page
    assert page.count("non traduit") == 1

    data = {
        "start_date": contract.start_date.isoformat(),
        "legal_name": contract.legal_name,
        "representative_name": "Salma Bennani",
        "representative_title_fr": "Présidente",
        "representative_title_ar": "الرئيسة",
        "representative_title_en": "Chair",
        "ministry_representative_fr": "M. le Ministre",
        "ministry_representative_ar": "السيد الوزير",
        "ministry_representative_en": "",
        "kpi_threshold": "50",
        "below_threshold": "reduce",
    }
    assert client.post(url, data).status_code == 302
    contract.refresh_from_db()
    with translation.override("ar"):
        assert (contract.representative_title, contract.ministry_representative) == (
            "الرئيسة",
            "السيد الوزير",
        )
    with translation.override("en"):
        assert (contract.representative_title, contract.ministry_representative) == (
            "Chair",
            "M. le Ministre",
        )


def _with_custom(administrator, contract, **names):
    drafting.commitments_update(
        actor=administrator,
        contract=contract,
        commitments=[
            {"indicator": "custom", "label": "Adhérents", **names, "year": year, "target": 10}
            for year in (1, 2)
        ],
    )


def test_a_custom_indicator_is_named_in_the_readers_language(client, administrator):
    contract = draft_contract(administrator, targets=None)
    client.force_login(administrator)
    data = {
        "custom_rows": "3",
        "custom-0-label": "Adhérents",
        "custom-0-label_ar": "المنخرطون",
        "custom-0-label_en": "",
        "custom-0-1": "10",
    }

    client.post(reverse("contracts:commitments", args=[contract.pk]), data)

    commitment = KpiCommitment.objects.get(contract=contract)
    assert (commitment.label, commitment.label_ar, commitment.label_en) == (
        "Adhérents",
        "المنخرطون",
        "",
    )
    page = page_text(client.get(reverse("contracts:commitments", args=[contract.pk])))
    assert 'value="المنخرطون"' in page and page.count("non traduit") == 1
    client.cookies["django_language"] = "ar"
    shown = page_text(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "المنخرطون" in shown
    client.cookies["django_language"] = "en"
    assert "Adhérents" in page_text(client.get(reverse("contracts:detail", args=[contract.pk])))


def test_the_contract_pdf_table_names_indicators_in_the_pdfs_language(administrator):
    contract = draft_contract(administrator, targets=None)
    _with_custom(administrator, contract, label_ar="المنخرطون", label_en="Members")

    rows = commitment_table(contract.commitments.all(), contract.years)  # built in French
    with translation.override("ar"):
        assert str(rows[0]["name"]) == "المنخرطون"


def test_sums_go_by_the_french_name_and_show_the_readers_language(administrator):
    call = decided_call(contract_years=3)
    for names in ({"label_ar": "المنخرطون"}, {}):
        contract = draft_contract(administrator, call=call, amounts=[MILLION] * 3, targets=None)
        _with_custom(administrator, contract, **names)
        Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.ACTIVE)

    with translation.override("ar"):
        lines = programme(call).indicators
        assert [(line.name, line.target) for line in lines] == [("المنخرطون", 40)]
        call_figures_refresh(call=call)
    with translation.override("en"):
        assert [line.name for line in programme(call).indicators] == ["Adhérents"]
    with translation.override("ar"):
        shown = public_call_line(call)
        assert [line.name for line in shown.indicators] == ["المنخرطون"]


def test_the_model_contract_is_the_catalogues_in_each_language():
    call = decided_call()

    titles = {code: contract_terms(call, code).title for code in ("fr", "ar", "en")}

    assert titles["fr"] == "Contrat-programme d'appui au cluster"
    assert titles["ar"] == "عقد-برنامج لدعم التجمع"
    assert titles["en"] == "Programme contract to support the cluster"


# E-mails and the journal built from data -------------------------------------------------


def test_the_documents_request_reaches_an_arabic_reader_with_arabic_labels(administrator):
    director = DirectorFactory(preferred_language="ar")
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    now = timezone.now()
    Call.objects.filter(pk=dossier.call_id).update(
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(hours=1)
    )
    requirement = dossier.call.required_documents.get(label="Statuts")
    RequiredDocument.objects.filter(pk=requirement.pk).update(label_ar="النظام الأساسي")
    dossier = Dossier.objects.select_related("call").get(pk=dossier.pk)

    with translation.override("fr"):  # the administrator works in French
        documents_request(
            actor=administrator,
            dossier=dossier,
            requirements=[RequiredDocument.objects.get(pk=requirement.pk)],
            message="Merci d'envoyer vos statuts signés.",
            reply_by=now + timedelta(days=10),
        )

    sent = OutgoingMail.objects.get(template="documents_requested", to=director.email)
    assert "- النظام الأساسي" in sent.body_text
    assert "- Statuts" not in sent.body_text


def test_the_timeline_names_a_replaced_document_in_the_readers_language():
    requirement = RequiredDocumentFactory(label="Statuts", label_ar="النظام الأساسي")
    dossier = DossierFactory(call=requirement.call)

    entry = journal_record(
        target=dossier,
        actor=None,
        action="dossier.document_replaced",
        message=requirement.label_fr,
        data={"messages": texts(requirement, "label")},
    )

    with translation.override("ar"):
        assert entry.text == "النظام الأساسي"
    with translation.override("en"):
        assert entry.text == "Statuts"


# Staff see what is not translated --------------------------------------------------------


def test_the_criterion_form_marks_its_missing_translations(client, administrator):
    grid = grid_ensure(call=CallFactory())
    criterion = grid.criteria.first()
    criterion.description_fr = "Ce que le critère mesure."
    criterion.description_ar = ""
    criterion.description_en = "What the criterion measures."
    criterion.save()
    client.force_login(administrator)

    page = page_text(
        client.get(reverse("evaluation:criterion_edit", args=[grid.call.pk, criterion.pk]))
    )

    assert page.count("non traduit") == 1
    assert 'placeholder="Ce que le critère mesure."' in page


def test_a_new_text_is_not_marked_before_its_french_is_typed(client, administrator):
    client.force_login(administrator)

    page = page_text(client.get(reverse("applications:backoffice_call_create")))

    assert "non traduit" not in page


def test_the_call_form_marks_a_title_without_its_english(client, administrator):
    call = CallFactory(status=CallStatus.DRAFT, published_at=None, title="Appel 2031")
    call.title_ar, call.description_ar = "طلب 2031", "تقديم."
    call.description_en = "Presentation."
    call.save()
    client.force_login(administrator)

    page = page_text(client.get(reverse("applications:backoffice_call_update", args=[call.pk])))

    assert page.count("non traduit") == 1
    assert 'placeholder="Appel 2031"' in page


# In the browser --------------------------------------------------------------------------


@pytest.mark.browser
def test_the_grid_and_the_parties_forms_in_arabic(live_server, page, administrator):
    grid = grid_ensure(call=CallFactory())
    Grid.objects.filter(pk=grid.pk).update(scale_labels_en=[])
    contract = draft_contract(administrator)
    Contract.objects.filter(pk=contract.pk).update(ministry_representative_en="")

    log_in(page, live_server, administrator, language="ar")
    page.goto(f"{live_server.url}{reverse('evaluation:grid_settings', args=[grid.call.pk])}")
    arabic = page.locator("#id_scale_labels_ar")
    assert arabic.get_attribute("dir") == "rtl"
    assert "منعدم" in arabic.input_value()
    assert page.locator(".not-translated").count() == 1
    screenshot(page, "grid-settings-ar")

    page.goto(f"{live_server.url}{reverse('contracts:draft_update', args=[contract.pk])}")
    assert page.locator("#id_representative_title_ar").get_attribute("dir") == "rtl"
    assert page.locator(".not-translated").count() == 1
    screenshot(page, "contract-parties-ar")
