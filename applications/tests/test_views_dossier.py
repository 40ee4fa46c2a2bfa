from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    Call,
    CollaborativeProject,
    Dossier,
    DossierDocument,
    DossierStatus,
)
from applications.sections import SECTIONS
from applications.services.submission import dossier_submit, dossier_withdraw
from applications.tests.builders import (
    PDF,
    call_with_checklist,
    complete,
    draft_for,
    pdf_file,
)
from applications.tests.factories import ClusterFactory, DossierFactory
from core.tests.client import page_text


def _url(name, dossier, **kwargs):
    return reverse(f"applications:{name}", kwargs={"pk": dossier.pk, **kwargs})


@pytest.fixture
def draft(director):
    return draft_for(director)


@pytest.fixture
def submitted(director):
    dossier = complete(draft_for(director), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    return dossier


@pytest.fixture
def closed_draft(director):
    dossier = draft_for(director)
    Call.objects.filter(pk=dossier.call_id).update(closes_at=timezone.now() - timedelta(seconds=1))
    return dossier


@pytest.mark.django_db
def test_director_starts_a_dossier_from_the_call(client, director):
    call = call_with_checklist()
    ClusterFactory(owner=director)
    client.force_login(director)
    start = reverse("applications:dossier_start", kwargs={"reference": call.reference})

    assert client.get(start).status_code == 200
    response = client.post(start)
    again = client.post(start)

    dossier = Dossier.objects.get(call=call)
    assert response.url == _url("dossier_detail", dossier)
    assert again.url == response.url
    assert dossier.status == DossierStatus.DRAFT


@pytest.mark.django_db
def test_starting_without_a_cluster_leads_to_the_cluster_profile(client, director):
    call = call_with_checklist()
    client.force_login(director)

    response = client.get(
        reverse("applications:dossier_start", kwargs={"reference": call.reference})
    )

    assert response.url == reverse("applications:cluster_profile")


@pytest.mark.django_db
def test_task_list_shows_each_section_status_and_progress(client, director, draft):
    client.force_login(director)

    page = page_text(client.get(_url("dossier_detail", draft)))

    assert "Pièces administratives" in page
    assert "Non commencé" in page
    assert "Dossier complété à 0 %" in page


@pytest.mark.django_db
def test_saving_a_section_returns_to_the_task_list(client, director, draft):
    client.force_login(director)

    response = client.post(
        _url("dossier_section", draft, slug="perimetre"), {"perimeter": "Rabat et Kénitra"}
    )

    assert response.url == _url("dossier_detail", draft)
    draft.refresh_from_db()
    assert draft.perimeter == "Rabat et Kénitra"
    assert "Complet" in page_text(client.get(response.url))


@pytest.mark.django_db
def test_background_autosave_answers_with_a_status(client, director, draft):
    client.force_login(director)

    response = client.post(
        _url("dossier_section", draft, slug="gouvernance"),
        {"governance": "Conseil d'administration"},
        headers={"HX-Request": "true"},
    )

    assert "Brouillon enregistré" in page_text(response)
    draft.refresh_from_db()
    assert draft.governance == "Conseil d'administration"


@pytest.mark.django_db
def test_budget_above_the_call_maximum_is_refused_and_typed_values_kept(client, director, draft):
    client.force_login(director)

    response = client.post(
        _url("dossier_section", draft, slug="budget"),
        {
            "budget_1": "5000000",
            "subsidy_1": "2500000",
            "budget_2": "3000000",
            "subsidy_2": "1000000",
        },
    )

    page = page_text(response)
    assert response.status_code == 200
    assert "Le formulaire contient des erreurs" in page
    assert 'value="2500000"' in page
    assert 'value="3000000"' in page
    assert not draft.budget_years.exists()


@pytest.mark.django_db
def test_upload_of_a_valid_pdf_records_its_fingerprint(client, director, draft):
    client.force_login(director)
    requirement = draft.call.required_documents.get(label="Statuts")

    response = client.post(
        _url("document_upload", draft, requirement_pk=requirement.pk),
        {"file": pdf_file("Statuts signés.pdf")},
    )

    assert response.status_code == 302
    document = DossierDocument.objects.get(dossier=draft)
    assert document.original_name == "Statuts signés.pdf"
    assert len(document.sha256) == 64
    download = client.get(_url("document_download", draft, document_pk=document.pk))
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.django_db
def test_a_refused_file_says_why_and_keeps_the_other_files(client, director, draft):
    client.force_login(director)
    statutes, presentation = draft.call.required_documents.filter(mandatory=True).order_by("part")
    client.post(_url("document_upload", draft, requirement_pk=statutes.pk), {"file": pdf_file()})

    response = client.post(
        _url("document_upload", draft, requirement_pk=presentation.pk),
        {"file": pdf_file("presentation.pdf", b"MZ\x90\x00 this is an executable")},
    )

    assert response.status_code == 200
    assert "Le contenu du fichier ne correspond pas à son extension." in page_text(response)
    assert list(draft.documents.values_list("requirement", flat=True)) == [statutes.pk]


@pytest.mark.django_db
def test_review_lists_what_is_missing_and_refuses_to_submit(client, director, draft):
    client.force_login(director)

    page = page_text(client.get(_url("dossier_review", draft)))
    response = client.post(_url("dossier_review", draft), {"declaration": "on"})

    assert "Il manque" in page
    assert "Statuts" in page
    assert response.status_code == 200
    assert "Le dossier est incomplet" in page_text(response)
    assert Dossier.objects.get(pk=draft.pk).status == DossierStatus.DRAFT


@pytest.mark.django_db
def test_complete_dossier_is_submitted_and_confirmed(client, director):
    dossier = complete(draft_for(director), director)
    client.force_login(director)

    response = client.post(_url("dossier_review", dossier), {"declaration": "on"}, follow=True)

    page = page_text(response)
    assert "Votre dossier a bien été déposé" in page
    assert dossier.reference in page
    assert "(heure du Maroc)" in page
    receipt = dossier.receipts.get()
    pdf = client.get(_url("receipt_download", dossier, receipt_pk=receipt.pk))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_submitted_dossier_refuses_edits_with_a_message(client, director, submitted):
    client.force_login(director)

    response = client.post(
        _url("dossier_section", submitted, slug="perimetre"), {"perimeter": "Changé"}, follow=True
    )

    assert "il ne peut plus être modifié" in page_text(response)
    submitted.refresh_from_db()
    assert submitted.perimeter != "Changé"


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["outsider", "evaluator", "committee_member"])
def test_others_never_see_a_dossier_or_its_files(client, request, director, submitted, person):
    client.force_login(request.getfixturevalue(person))
    document = submitted.documents.first()
    receipt = submitted.receipts.get()
    requirement = document.requirement

    urls = [
        _url("dossier_detail", submitted),
        _url("dossier_section", submitted, slug="perimetre"),
        _url("dossier_review", submitted),
        _url("dossier_confirmation", submitted),
        _url("document_download", submitted, document_pk=document.pk),
        _url("receipt_download", submitted, receipt_pk=receipt.pk),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    upload = client.post(
        _url("document_upload", submitted, requirement_pk=requirement.pk), {"file": pdf_file()}
    )
    assert upload.status_code == 404
    assert client.post(_url("dossier_withdraw", submitted), {"reason": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_file_id_of_another_dossier_is_not_found(client, director, outsider, submitted):
    own = draft_for(outsider)
    client.force_login(outsider)
    foreign_document = submitted.documents.first()

    response = client.get(_url("document_download", own, document_pk=foreign_document.pk))

    assert response.status_code == 404


@pytest.mark.django_db
def test_administrator_reads_a_submitted_dossier_and_its_files(client, administrator, submitted):
    client.force_login(administrator)
    document = submitted.documents.first()

    assert client.get(_url("dossier_detail", submitted)).status_code == 200
    assert (
        client.get(_url("document_download", submitted, document_pk=document.pk)).status_code == 200
    )


@pytest.mark.django_db
def test_administrator_reads_but_never_acts_on_a_dossier(client, administrator, submitted):
    """The ministry may read a deposited dossier: a change it posts is forbidden, not a page
    that merely says no, and the dossier is left as it was."""
    client.force_login(administrator)
    document = submitted.documents.first()
    posts = [
        (_url("dossier_section", submitted, slug="perimetre"), {"perimeter": "Changé"}),
        (_url("document_delete", submitted, document_pk=document.pk), {}),
        (_url("dossier_withdraw", submitted), {"reason": "Retrait demandé par le ministère."}),
        (_url("dossier_review", submitted), {"declaration": "on"}),
    ]

    assert [client.post(url, data).status_code for url, data in posts] == [403] * len(posts)
    assert client.get(_url("dossier_review", submitted)).status_code == 200
    submitted.refresh_from_db()
    assert submitted.status == DossierStatus.SUBMITTED and submitted.perimeter != "Changé"
    assert submitted.documents.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_log_in(client, submitted):
    response = client.get(_url("dossier_detail", submitted))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_withdrawal_needs_a_reason_then_reopens(client, director, submitted):
    client.force_login(director)

    empty = client.post(_url("dossier_withdraw", submitted), {"reason": ""})
    assert empty.status_code == 200
    client.post(_url("dossier_withdraw", submitted), {"reason": "Pièce à remplacer"})
    assert Dossier.objects.get(pk=submitted.pk).status == DossierStatus.WITHDRAWN
    client.post(_url("dossier_reopen", submitted))
    assert Dossier.objects.get(pk=submitted.pk).status == DossierStatus.DRAFT


@pytest.mark.django_db
def test_dossier_page_queries_do_not_grow_with_its_content(
    client, director, django_assert_max_num_queries
):
    small = complete(draft_for(director), director)
    client.force_login(director)
    with django_assert_max_num_queries(30) as baseline:
        client.get(_url("dossier_review", small))
    with django_assert_max_num_queries(33) as detail:
        client.get(_url("dossier_detail", small))
    for index in range(15):
        from applications.services.dossiers import project_save

        project_save(
            actor=director,
            dossier=small,
            title=f"Projet {index}",
            partners="P",
            budget=1,
            duration_months=6,
        )
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(_url("dossier_review", small))
    # Made anew (the projects changed its tables), with the same queries.
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(_url("dossier_detail", small))


@pytest.mark.django_db
def test_dossier_list_queries_are_flat(client, director, django_assert_max_num_queries):
    cluster = ClusterFactory(owner=director)
    DossierFactory(cluster=cluster)
    client.force_login(director)
    with django_assert_max_num_queries(12) as baseline:
        client.get(reverse("applications:dossier_list"))
    for _index in range(10):
        DossierFactory(cluster=cluster)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("applications:dossier_list"))
    assert page_text(response).count("AAP-CLUSTERS") == 11


@pytest.mark.django_db
@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.slug)
def test_each_section_page_shows_what_was_saved_reading_only_its_own_rows(
    client, director, section, django_assert_max_num_queries
):
    dossier = complete(draft_for(director), director)
    client.force_login(director)

    # A section loads its own rows, not every section's (13 to 16 queries when it did).
    with django_assert_max_num_queries(9):
        page = client.get(_url("dossier_section", dossier, slug=section.slug))

    assert page.status_code == 200
    assert str(section.title) in page_text(page)
    if section.fields:
        assert f"Texte de la section {section.slug}." in page_text(page)


@pytest.mark.django_db
def test_text_typed_after_the_deadline_is_given_back(client, director, closed_draft):
    client.force_login(director)

    response = client.post(
        _url("dossier_section", closed_draft, slug="perimetre"), {"perimeter": "Mon long texte"}
    )

    page = page_text(response)
    assert response.status_code == 200
    assert "clôturé depuis le" in page
    assert "Votre texte non enregistré" in page
    assert "Mon long texte" in page


@pytest.mark.django_db
def test_background_save_after_the_deadline_says_so(client, director, closed_draft):
    client.force_login(director)

    response = client.post(
        _url("dossier_section", closed_draft, slug="perimetre"),
        {"perimeter": "Mon long texte"},
        headers={"HX-Request": "true"},
    )

    page = page_text(response)
    assert "clôturé depuis le" in page
    assert "<html" not in page


@pytest.mark.django_db
def test_a_stray_post_to_a_documents_section_is_harmless(client, director):
    dossier = draft_for(director)
    client.force_login(director)

    response = client.post(
        _url("dossier_section", dossier, slug="pieces-administratives"), {"x": "y"}
    )

    assert response.status_code == 302


@pytest.mark.django_db
def test_administrators_do_not_read_drafts(client, administrator, director):
    dossier = draft_for(director)
    client.force_login(administrator)

    response = client.get(reverse("applications:dossier_detail", kwargs={"pk": dossier.pk}))

    assert response.status_code == 404


@pytest.mark.django_db
def test_a_subsidy_over_the_maximum_gets_one_clear_message(client, director):
    dossier = draft_for(director)
    client.force_login(director)

    response = client.post(
        _url("dossier_section", dossier, slug="budget"),
        {"budget_1": "5000000", "subsidy_1": "2500000"},
    )

    page = page_text(response)
    assert "dépasse le maximum annuel de l'appel (2\xa0000\xa0000,00\xa0MAD)" in page
    assert "ou aucun des deux" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("submitted", "Ce dossier a été déposé : il ne peut plus être modifié."),
        ("closed_draft", "est clôturé depuis le"),
        ("withdrawn", "Ce dossier a été retiré : rouvrez-le pour le modifier."),
    ],
)
def test_a_read_only_dossier_offers_no_project_form(client, request, director, state, reason):
    dossier = request.getfixturevalue(state)
    project = CollaborativeProject.objects.create(
        dossier=dossier, title="Plateforme", partners="Université", budget=1000, duration_months=12
    )
    client.force_login(director)

    for url in (_url("project_add", dossier), _url("project_edit", dossier, project_pk=project.pk)):
        response = client.get(url, follow=True)

        assert response.redirect_chain == [(_url("dossier_detail", dossier), 302)]
        assert reason in page_text(response)
        assert 'name="title"' not in page_text(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("draft", "Ce dossier n'a pas été déposé : il n'y a rien à retirer."),
        ("submitted_then_closed", "un dossier ne peut plus être retiré après la clôture"),
    ],
)
def test_a_dossier_that_cannot_be_withdrawn_offers_no_withdrawal_form(
    client, request, director, state, reason
):
    dossier = request.getfixturevalue(state)
    client.force_login(director)

    response = client.get(_url("dossier_withdraw", dossier), follow=True)

    assert response.redirect_chain == [(_url("dossier_detail", dossier), 302)]
    assert reason in page_text(response)
    assert 'name="reason"' not in page_text(response)


@pytest.fixture
def submitted_then_closed(submitted):
    Call.objects.filter(pk=submitted.call_id).update(
        closes_at=timezone.now() - timedelta(seconds=1)
    )
    return submitted


@pytest.mark.django_db
def test_a_submitted_dossier_before_its_deadline_still_offers_the_withdrawal_form(
    client, director, submitted
):
    client.force_login(director)

    response = client.get(_url("dossier_withdraw", submitted))

    assert response.status_code == 200
    assert 'name="reason"' in page_text(response)


@pytest.fixture
def withdrawn(director, submitted):
    return dossier_withdraw(actor=director, dossier=submitted, reason="Erreur")
