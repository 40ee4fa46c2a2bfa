"""The contract's page, its lifecycle actions and files, each for the right role only; the
administrators' list; the panels on the director's space and on the dossier."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.tests.builders import pdf_file
from core.tests.client import page_text

from ..models import Contract, ContractStatus, ContractVersion, TrancheStatus
from ..selectors import latest_version
from ..services import lifecycle
from .factories import (
    active_contract,
    decided_call,
    draft_contract,
    render_versions,
    sent_contract,
)

pytestmark = pytest.mark.django_db

STAFF_WITHOUT_CONTRACTS = ["evaluator", "committee_member"]


def _url(name, contract, *args):
    return reverse(f"contracts:{name}", args=[contract.pk, *args])


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _not_a_pdf(name="contrat-signe.pdf"):
    return SimpleUploadedFile(name, b"Ceci n'est pas un PDF.", content_type="application/pdf")


def _status(contract):
    contract.refresh_from_db()
    return contract.status


@pytest.fixture
def draft(administrator, director):
    return draft_contract(administrator, director=director)


@pytest.fixture
def sent(administrator, director):
    return sent_contract(administrator, director=director)


@pytest.fixture
def signed(sent, director):
    return lifecycle.contract_sign(actor=director, contract=sent, scan=pdf_file("signe.pdf"))


@pytest.fixture
def active(administrator, director):
    return active_contract(administrator, director)


# The contract's page


def test_visitors_are_asked_to_log_in(client, sent):
    response = client.get(_url("detail", sent))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_administrator_reads_the_whole_draft(client, administrator, draft):
    client.force_login(administrator)

    response = client.get(_url("detail", draft))

    page = page_text(response)
    assert response.status_code == 200
    assert draft.reference in page
    assert str(draft.cluster) in page
    assert draft.legal_name in page and draft.representative_name in page
    assert "Échéancier de la subvention" in page
    assert "10\xa0000\xa0000,00\xa0MAD" in page  # 5 years × 2 000 000
    assert "Brevets" in page and "Engagements sur les indicateurs" in page
    assert "Envoyer pour signature" in page
    assert "Générer une nouvelle version du PDF" in page
    assert "Déposer le contrat signé" not in page
    assert "Historique" in page


def test_the_schedule_shows_each_tranche_and_the_total(client, administrator, draft):
    client.force_login(administrator)

    page = page_text(client.get(_url("detail", draft)))

    assert page.count("Tranche 1") == draft.years
    assert page.count("Tranche 2") == draft.years
    assert "1\xa0200\xa0000,00\xa0MAD" in page  # 60 % of a year
    assert "À la signature du contrat" in page


def test_a_director_never_sees_a_draft(client, director, draft):
    client.force_login(director)

    assert client.get(_url("detail", draft)).status_code == 404


def test_another_director_may_not_see_the_contract(client, outsider, sent):
    client.force_login(outsider)

    assert client.get(_url("detail", sent)).status_code == 404


@pytest.mark.parametrize("role", STAFF_WITHOUT_CONTRACTS)
def test_evaluators_and_committee_may_not_see_contracts(client, sent, role, request):
    client.force_login(request.getfixturevalue(role))

    assert client.get(_url("detail", sent)).status_code == 404


def test_the_director_is_asked_to_sign_a_sent_contract(client, director, sent):
    client.force_login(director)

    response = client.get(_url("detail", sent))

    page = page_text(response)
    latest = latest_version(sent)
    assert response.status_code == 200
    assert "Déposer le contrat signé" in page
    assert _url("version_download", sent, latest.number) in page
    assert "Envoyer pour signature" not in page
    assert "Résilier le contrat" not in page


def test_the_page_mirrors_in_arabic(client, director, sent):
    director.preferred_language = "ar"
    director.save()
    client.force_login(director)
    client.cookies["django_language"] = "ar"

    response = client.get(_url("detail", sent))

    assert response.status_code == 200
    assert 'dir="rtl"' in page_text(response)


# Sending, recalling and new versions (administrators)


def test_administrator_sends_the_draft_for_signature(client, administrator, draft):
    client.force_login(administrator)

    response = client.post(_url("send", draft))

    assert response.status_code == 302
    assert _status(draft) == ContractStatus.SENT
    assert "Le contrat a bien été envoyé pour signature" in _messages(response)[0]


def test_an_incomplete_contract_says_what_is_missing_and_cannot_be_sent(
    client, administrator, draft
):
    Contract.objects.filter(pk=draft.pk).update(representative_name="", representative_title=" ")
    draft.commitments.all().delete()
    client.force_login(administrator)

    page = page_text(client.get(_url("detail", draft)))
    response = client.post(_url("send", draft), follow=True)

    assert "Le contrat est incomplet : il ne peut pas encore être envoyé" in page
    assert "Le nom du représentant du cluster" in page
    assert "La qualité du représentant du cluster" in page
    assert f'href="{_url("commitments", draft)}">Au moins un engagement' in page
    assert "représentant du ministère" not in page.split("contract-missing")[1]
    assert 'disabled aria-describedby="contract-missing-title"' in page
    refusal = _messages(response)[0]
    assert "il manque : le nom du représentant du cluster, la qualité" in refusal
    assert "au moins un engagement d'indicateur (KPI)" in refusal
    assert _status(draft) == ContractStatus.DRAFT


def test_a_complete_draft_offers_the_send_button(client, administrator, draft):
    client.force_login(administrator)

    page = page_text(client.get(_url("detail", draft)))

    assert "contract-missing" not in page
    assert "Envoyer pour signature" in page


def test_a_director_may_not_send_a_contract(client, director, draft):
    client.force_login(director)

    assert client.post(_url("send", draft)).status_code == 403
    assert _status(draft) == ContractStatus.DRAFT


def test_visitors_posting_an_action_are_asked_to_log_in(client, draft):
    response = client.post(_url("send", draft))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_sending_twice_is_refused_with_a_message(client, administrator, sent):
    client.force_login(administrator)

    response = client.post(_url("send", sent), follow=True)

    assert response.status_code == 200
    assert "Cette action n'est pas possible dans l'état actuel." in page_text(response)
    assert _status(sent) == ContractStatus.SENT


def test_recall_needs_a_reason(client, administrator, sent):
    client.force_login(administrator)

    response = client.post(_url("recall", sent), {"reason": "  "})

    assert response.status_code == 400
    assert "Motif de la reprise" in page_text(response)
    assert _status(sent) == ContractStatus.SENT


def test_recall_takes_the_contract_back_to_draft(client, administrator, sent):
    client.force_login(administrator)

    response = client.post(_url("recall", sent), {"reason": "Erreur sur le représentant."})

    assert response.status_code == 302
    assert _status(sent) == ContractStatus.DRAFT
    page = page_text(client.get(_url("detail", sent)))
    assert "Erreur sur le représentant." in page


def test_administrator_requests_an_arabic_version(client, administrator, draft):
    client.force_login(administrator)
    before = draft.versions.count()

    response = client.post(_url("version_request", draft), {"language": "ar"})

    assert response.status_code == 302
    version = draft.versions.order_by("-number").first()
    assert draft.versions.count() == before + 1
    assert version.language == "ar"
    assert version.pdf  # the client runs the queued rendering, as a worker would


def test_only_the_newest_version_is_marked_latest_whatever_its_language(
    client, administrator, draft
):
    client.force_login(administrator)
    client.post(_url("version_request", draft), {"language": "ar"})

    page = page_text(client.get(_url("detail", draft)))

    assert page.count('<tr class="table-success">') == 1
    newest = page.split('<tr class="table-success">')[1].split("</tr>")[0]
    assert "العربية" in newest
    assert "dernière version" in newest


def test_no_new_version_once_sent(client, administrator, sent):
    client.force_login(administrator)
    before = sent.versions.count()

    response = client.post(_url("version_request", sent), {"language": "fr"}, follow=True)

    assert sent.versions.count() == before
    assert response.status_code == 200


# Signature (the cluster)


def test_the_director_uploads_the_signed_scan(client, director, sent):
    client.force_login(director)

    response = client.post(_url("sign", sent), {"scan": pdf_file("contrat-signe.pdf")})

    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == ContractStatus.SIGNED
    assert sent.signed_scan and sent.signed_at
    assert "Votre contrat signé a bien été transmis" in _messages(response)[0]


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_changes(client, director, sent):
    client.force_login(director)

    response = client.post(_url("sign", sent), {"scan": _not_a_pdf()})

    assert response.status_code == 400
    assert "Le contenu du fichier ne correspond pas à son extension." in page_text(response)
    sent.refresh_from_db()
    assert sent.status == ContractStatus.SENT
    assert not sent.signed_scan


def test_signing_without_a_file_is_refused(client, director, sent):
    client.force_login(director)

    response = client.post(_url("sign", sent), {})

    assert response.status_code == 400
    assert _status(sent) == ContractStatus.SENT


def test_a_draft_cannot_be_signed(client, director, draft):
    client.force_login(director)

    response = client.post(_url("sign", draft), {"scan": pdf_file()})

    assert response.status_code == 404
    assert _status(draft) == ContractStatus.DRAFT


def test_a_signed_contract_cannot_be_signed_again(client, director, signed):
    client.force_login(director)

    response = client.post(_url("sign", signed), {"scan": pdf_file()}, follow=True)

    assert "Cette action n'est pas possible dans l'état actuel." in page_text(response)
    assert _status(signed) == ContractStatus.SIGNED


def test_another_director_may_not_sign(client, outsider, sent):
    client.force_login(outsider)

    assert client.post(_url("sign", sent), {"scan": pdf_file()}).status_code == 404
    assert _status(sent) == ContractStatus.SENT


def test_an_administrator_does_not_sign_for_the_cluster(client, administrator, sent):
    client.force_login(administrator)

    assert client.post(_url("sign", sent), {"scan": pdf_file()}).status_code == 403
    assert _status(sent) == ContractStatus.SENT


# Countersignature, closing, termination (administrators)


def test_activation_before_signature_is_refused(client, administrator, sent):
    client.force_login(administrator)

    response = client.post(_url("activate", sent), {"final_copy": pdf_file()}, follow=True)

    assert "Cette action n'est pas possible dans l'état actuel." in page_text(response)
    sent.refresh_from_db()
    assert sent.status == ContractStatus.SENT
    assert not sent.final_copy


def test_administrator_activates_a_signed_contract(client, administrator, signed):
    client.force_login(administrator)

    response = client.post(_url("activate", signed), {"final_copy": pdf_file("final.pdf")})

    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == ContractStatus.ACTIVE
    assert signed.final_copy
    assert signed.tranches.filter(year=1, position=1, status=TrancheStatus.DUE).exists()


def test_activation_with_a_bad_file_keeps_the_contract_signed(client, administrator, signed):
    client.force_login(administrator)

    response = client.post(_url("activate", signed), {"final_copy": _not_a_pdf("final.pdf")})

    assert response.status_code == 400
    assert "Le contenu du fichier ne correspond pas à son extension." in page_text(response)
    signed.refresh_from_db()
    assert signed.status == ContractStatus.SIGNED
    assert not signed.final_copy


def test_a_director_may_not_activate(client, director, signed):
    client.force_login(director)

    assert client.post(_url("activate", signed), {"final_copy": pdf_file()}).status_code == 403


def test_closing_before_the_last_report_is_approved_is_refused(client, administrator, active):
    client.force_login(administrator)

    response = client.post(_url("close", active), follow=True)

    assert "Les rapports de toutes les années doivent être approuvés" in page_text(response)
    assert _status(active) == ContractStatus.ACTIVE


def test_termination_page_asks_for_a_reason(client, administrator, active):
    client.force_login(administrator)

    response = client.get(_url("terminate", active))

    assert response.status_code == 200
    assert "Motif de la résiliation" in page_text(response)


def test_termination_requires_a_reason(client, administrator, active):
    client.force_login(administrator)

    response = client.post(_url("terminate", active), {"reason": ""})

    assert response.status_code == 400
    assert "Le formulaire contient des erreurs" in page_text(response)
    assert _status(active) == ContractStatus.ACTIVE


def test_administrator_terminates_with_a_reason(client, administrator, active):
    client.force_login(administrator)

    response = client.post(_url("terminate", active), {"reason": "Dissolution de l'association."})

    assert response.status_code == 302
    active.refresh_from_db()
    assert active.status == ContractStatus.TERMINATED
    assert active.termination_reason == "Dissolution de l'association."
    assert "Dissolution de l'association." in page_text(client.get(_url("detail", active)))


def test_a_director_may_not_terminate(client, director, active):
    client.force_login(director)

    assert client.get(_url("terminate", active)).status_code == 403
    assert client.post(_url("terminate", active), {"reason": "Non."}).status_code == 403
    assert _status(active) == ContractStatus.ACTIVE


def test_an_ended_contract_offers_no_action(client, administrator, active):
    lifecycle.contract_terminate(actor=administrator, contract=active, reason="Fin anticipée.")
    client.force_login(administrator)

    page = page_text(client.get(_url("detail", active)))

    assert "plus aucune action n'est possible" in page
    assert client.get(_url("terminate", active)).status_code == 302


# Files


def test_administrator_downloads_a_draft_version(client, administrator, draft):
    client.force_login(administrator)
    version = latest_version(draft)

    response = client.get(_url("version_download", draft, version.number))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_director_downloads_the_version_sent_to_sign(client, director, sent):
    client.force_login(director)
    version = latest_version(sent)

    response = client.get(_url("version_download", sent, version.number))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


def test_a_director_never_downloads_a_drafts_version(client, director, draft):
    client.force_login(director)
    version = latest_version(draft)

    assert client.get(_url("version_download", draft, version.number)).status_code == 404


@pytest.mark.parametrize("role", ["outsider", "evaluator", "committee_member"])
def test_others_may_not_download_the_contract(client, sent, role, request):
    client.force_login(request.getfixturevalue(role))
    version = latest_version(sent)

    assert client.get(_url("version_download", sent, version.number)).status_code == 404


def test_visitors_may_not_download_the_contract(client, sent):
    version = latest_version(sent)

    response = client.get(_url("version_download", sent, version.number))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


def test_a_version_not_yet_rendered_cannot_be_downloaded(client, administrator, draft):
    version = lifecycle.version_request(actor=administrator, contract=draft, language="fr")
    client.force_login(administrator)

    assert client.get(_url("version_download", draft, version.number)).status_code == 404


def test_the_signed_scan_and_final_copy_download(client, director, outsider, active):
    client.force_login(director)

    for name in ("signed_scan", "final_copy"):
        response = client.get(_url(name, active))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")

    client.force_login(outsider)
    assert client.get(_url("signed_scan", active)).status_code == 404
    assert client.get(_url("final_copy", active)).status_code == 404


def test_no_final_copy_before_countersignature(client, administrator, sent):
    client.force_login(administrator)

    assert client.get(_url("final_copy", sent)).status_code == 404
    assert client.get(_url("signed_scan", sent)).status_code == 404


# The administrators' list


def test_the_list_is_for_administrators(client, director, evaluator):
    url = reverse("contracts:list")
    assert reverse("accounts:login") in client.get(url).url
    for person in (director, evaluator):
        client.force_login(person)
        assert client.get(url).status_code == 403


def test_the_list_says_what_to_do_when_empty(client, administrator):
    client.force_login(administrator)

    page = page_text(client.get(reverse("contracts:list")))

    assert "Aucun contrat-programme pour le moment." in page


def test_the_list_filters_by_call_and_status(client, administrator, director):
    call = decided_call()
    kept = draft_contract(administrator, call=call)
    other_status = sent_contract(administrator, call=call)
    other_call = draft_contract(administrator)
    client.force_login(administrator)

    page = page_text(client.get(reverse("contracts:list"), {"call": call.pk, "status": "draft"}))

    assert kept.reference in page
    assert other_status.reference not in page
    assert other_call.reference not in page
    assert "Voir tous les contrats" in page


def test_the_list_shows_totals_and_paid(client, administrator, director, active):
    client.force_login(administrator)

    page = page_text(client.get(reverse("contracts:list")))

    assert active.reference in page
    assert "10\xa0000\xa0000,00\xa0MAD" in page
    assert "0,00\xa0MAD" in page


@pytest.mark.parametrize("count", [2, 8])
def test_the_list_queries_do_not_grow_with_contracts(
    client, administrator, count, django_assert_max_num_queries
):
    call = decided_call(budget_envelope=100_000_000)
    contracts = [draft_contract(administrator, call=call) for _index in range(count)]
    client.force_login(administrator)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("contracts:list"))

    page = page_text(response)
    assert all(contract.reference in page for contract in contracts)


# Panels


def test_the_directors_space_asks_to_sign(client, director, sent):
    client.force_login(director)

    page = page_text(client.get(reverse("core:dashboard")))

    assert "Mes contrats-programmes" in page
    assert sent.reference in page
    assert "Signer le contrat" in page


def test_the_directors_space_asks_for_the_first_report(client, director, active):
    client.force_login(director)

    page = page_text(client.get(reverse("core:dashboard")))

    assert "déposez le rapport annuel de l'année 1" in page


def test_the_directors_space_hides_drafts(client, director, draft):
    client.force_login(director)

    page = page_text(client.get(reverse("core:dashboard")))

    assert "Mes contrats-programmes" not in page
    assert draft.reference not in page


def test_the_dossier_links_to_its_contract(client, administrator, director, draft):
    dossier_url = reverse("applications:dossier_detail", args=[draft.decision.dossier_id])

    client.force_login(director)
    assert _url("detail", draft) not in page_text(client.get(dossier_url))

    lifecycle.contract_send(actor=administrator, contract=draft)
    assert _url("detail", draft) in page_text(client.get(dossier_url))


def test_versions_list_marks_the_latest(client, administrator, draft):
    lifecycle.version_request(actor=administrator, contract=draft, language="ar")
    render_versions(draft)
    client.force_login(administrator)

    page = page_text(client.get(_url("detail", draft)))

    assert page.count("dernière") >= 2  # the newest French and the newest Arabic
    assert ContractVersion.objects.filter(contract=draft).count() == 2
    assert Contract.objects.get(pk=draft.pk).status == ContractStatus.DRAFT


def test_a_draft_terminated_before_it_was_sent_stays_hidden_from_the_cluster(
    client, administrator, director
):
    contract = draft_contract(administrator, director=director)
    lifecycle.contract_terminate(actor=administrator, contract=contract, reason="Erreur de saisie")
    client.force_login(director)

    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 404
    assert (
        client.get(reverse("contracts:version_download", args=[contract.pk, 1])).status_code == 404
    )


def test_a_contract_terminated_after_it_was_sent_stays_readable_by_the_cluster(
    client, administrator, director
):
    contract = draft_contract(administrator, director=director)
    contract = lifecycle.contract_send(actor=administrator, contract=contract)
    lifecycle.contract_terminate(actor=administrator, contract=contract, reason="Renonciation")
    client.force_login(director)

    assert client.get(reverse("contracts:detail", args=[contract.pk])).status_code == 200
