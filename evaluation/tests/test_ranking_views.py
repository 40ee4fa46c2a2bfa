import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Call, CallStatus, DossierStatus
from applications.tests.factories import CallFactory, DossierFactory
from core.tests.browser import log_in, screenshot
from core.tests.client import page_text
from evaluation.models import Consensus, Decision
from evaluation.services.selection import decision_set
from evaluation.tests.factories import AssignmentFactory, submitted_review
from evaluation.tests.test_selection import (
    ALL_FOUR,
    ALL_THREE,
    ALL_TWO,
    closed_call,
    ranked_dossier,
    words,
)

STAFF = ["committee_member", "administrator"]
OTHERS = ["director", "evaluator"]


@pytest.fixture
def call(db):
    return closed_call()


def _visible(response):
    """The page's words without its tags."""
    return words(re.sub(r"<[^>]+>", " ", page_text(response)))


def _messages(response):
    return [words(str(message)) for message in get_messages(response.wsgi_request)]


# The ranking page


@pytest.mark.django_db
def test_visitors_are_asked_to_log_in(client, call):
    response = client.get(reverse("evaluation:ranking", args=[call.pk]))

    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHERS)
def test_directors_and_evaluators_may_not_see_the_ranking(client, call, role, request):
    client.force_login(request.getfixturevalue(role))

    for name in ("evaluation:ranking", "evaluation:ranking_csv", "evaluation:ranking_xlsx"):
        assert client.get(reverse(name, args=[call.pk])).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF)
def test_the_committee_and_administrators_see_the_ranking(client, call, role, request):
    strong = ranked_dossier(call, ALL_FOUR, ALL_THREE, minutes_ago=30)  # 87.5, divergent
    weak = ranked_dossier(call, ALL_TWO, ALL_TWO, minutes_ago=20)  # 50: ineligible
    # Divergent evaluators: the committee settles the score before selecting.
    Consensus.objects.create(
        dossier=strong,
        score=Decimal("87.5"),
        justification="Arbitrage du comité.",
        decided_by=request.getfixturevalue("committee_member"),
    )
    decision_set(
        actor=request.getfixturevalue("committee_member"), dossier=strong, outcome="selected"
    )
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("evaluation:ranking", args=[call.pk]))

    text = words(page_text(response))
    assert response.status_code == 200
    table = text[text.index("<table") :]
    assert table.index(strong.reference) < table.index(weak.reference)
    assert "87,50" in text
    assert "Écart de 25 pts" in text
    assert "consensus" in text.lower()
    assert "Note finale sous le minimum de 60 / 100." in text
    assert "10 000 000,00 MAD engagés sur une enveloppe de 20 000 000,00 MAD" in _visible(response)
    assert 'aria-valuenow="50"' in text
    assert "À note égale, le dossier déposé le plus tôt est classé devant." in text
    assert reverse("evaluation:decision", args=[weak.pk]) in text
    assert text.count('name="outcome" value="selected"') == 2
    # The ineligible dossier's "Retenir" button is there but cannot be used.
    select_buttons = re.findall(r'<button[^>]*value="selected"[^>]*>', text)
    assert ["disabled" in button for button in select_buttons] == [False, True]


@pytest.mark.django_db
def test_no_decision_buttons_once_the_results_are_published(client, call, committee_member):
    ranked_dossier(call, ALL_THREE)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.RESULTS_PUBLISHED)
    client.force_login(committee_member)

    text = page_text(client.get(reverse("evaluation:ranking", args=[call.pk])))

    assert 'name="outcome"' not in text
    assert "Les résultats de cet appel sont publiés" in text


@pytest.mark.django_db
def test_the_ranking_of_a_draft_call_does_not_exist(client, administrator):
    draft = CallFactory(status=CallStatus.DRAFT)
    client.force_login(administrator)

    assert client.get(reverse("evaluation:ranking", args=[draft.pk])).status_code == 404


@pytest.mark.django_db
def test_a_call_without_dossiers_says_what_comes_next(client, call, administrator):
    client.force_login(administrator)

    text = page_text(client.get(reverse("evaluation:ranking", args=[call.pk])))

    assert "Aucun dossier n'est encore classé." in text


def _many_dossiers(call, count):
    for minutes in range(count):
        ranked_dossier(call, ALL_THREE, ALL_FOUR, ALL_TWO, minutes_ago=minutes + 1)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 40])
def test_the_ranking_page_needs_the_same_queries_for_10_or_40_dossiers(
    client, call, administrator, count, django_assert_max_num_queries
):
    _many_dossiers(call, count)
    client.force_login(administrator)

    # Session, user, the OTP device that verified the session, the call with its grid, the
    # ranking's figures, the page's lines (ranked, scored and totalled by the database), and
    # what blocks the publication (the dossiers without a decision, the selected ones).
    with django_assert_max_num_queries(8):
        response = client.get(reverse("evaluation:ranking", args=[call.pk]))

    assert response.content.decode().count('<tr id="dossier-') == count


def _rows(response):
    return re.findall(r'<tr id="dossier-\d+">', response.content.decode())


@pytest.mark.django_db
def test_the_ranking_is_shown_in_pages_of_250_with_ranks_that_follow_on(
    client, call, administrator, monkeypatch
):
    monkeypatch.setattr("evaluation.views.ranking.RANKING_PAGE_SIZE", 5)
    _many_dossiers(call, 12)
    client.force_login(administrator)
    url = reverse("evaluation:ranking", args=[call.pk])

    first, last = client.get(url), client.get(url, {"page": 3})

    assert len(_rows(first)) == 5
    assert len(_rows(last)) == 2
    assert "Page 3 sur 3" in page_text(last)
    assert re.search(r'<td class="num">11</td>', last.content.decode())
    # The figures are those of the whole ranking on every page.
    assert '12</div><div class="small">dossiers classés' in last.content.decode()
    assert client.get(url, {"page": "x"}).status_code == 200


@pytest.mark.django_db
def test_the_running_total_of_the_eligible_dossiers_follows_on_from_page_to_page(
    client, call, administrator, monkeypatch
):
    monkeypatch.setattr("evaluation.views.ranking.RANKING_PAGE_SIZE", 2)
    for minutes in (30, 20, 10):
        ranked_dossier(call, ALL_THREE, ALL_THREE, minutes_ago=minutes)  # 75, 10 MDH each
    weak = ranked_dossier(call, ALL_TWO, ALL_TWO, minutes_ago=5)  # 50: ineligible, last
    client.force_login(administrator)

    second = _visible(client.get(reverse("evaluation:ranking", args=[call.pk]), {"page": 2}))

    # The third eligible dossier brings the total past the envelope of 20 MDH.
    assert "cumul : 30 000 000,00 MAD au-delà de l'enveloppe" in second
    assert second.count("cumul :") == 1
    assert f"{weak.reference}" in second and "Note finale sous le minimum de 60 / 100." in second


@pytest.mark.django_db
def test_the_ranking_shows_a_new_decision_score_and_cluster_name_at_once(
    client, call, administrator, committee_member
):
    kept = ranked_dossier(call, ALL_THREE, ALL_THREE, minutes_ago=30)
    client.force_login(administrator)
    url = reverse("evaluation:ranking", args=[call.pk])
    assert "À décider" in page_text(client.get(url))

    decision_set(actor=committee_member, dossier=kept, outcome="selected")
    after_decision = page_text(client.get(url))
    assert "À décider" not in after_decision
    assert "dossiers retenus" in after_decision and ">1</div>" in after_decision

    newcomer = ranked_dossier(call, ALL_FOUR, minutes_ago=5)
    after_review = words(page_text(client.get(url)))
    assert after_review.index(newcomer.reference) < after_review.index(kept.reference)
    assert "100,00" in after_review

    kept.cluster.name = "Cluster Atlas des composites"
    kept.cluster.save()
    assert "Cluster Atlas des composites" in page_text(client.get(url))


@pytest.mark.django_db
def test_the_decision_forms_carry_each_browsers_own_csrf_token(client, call, administrator):
    """The same administrator in two browsers: each page's decision forms hold a token of
    that browser's own CSRF secret (one for every form of the page), or its buttons would
    answer 403."""
    from django.middleware.csrf import _unmask_cipher_token

    from core.tests.client import CommittingClient

    ranked_dossier(call, ALL_THREE)
    url = reverse("evaluation:ranking", args=[call.pk])
    for browser in (client, CommittingClient()):
        browser.force_login(administrator)
        response = browser.get(url)
        token = re.search(
            r'action="[^"]*/decision/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" '
            r'value="([^"]+)"',
            response.content.decode(),
        ).group(1)
        assert _unmask_cipher_token(token) == browser.cookies["csrftoken"].value


# Decisions from the ranking page


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHERS)
def test_directors_and_evaluators_may_not_decide(client, call, role, request):
    dossier = ranked_dossier(call, ALL_THREE)
    client.force_login(request.getfixturevalue(role))

    response = client.post(
        reverse("evaluation:decision", args=[dossier.pk]), {"outcome": "selected"}
    )

    assert response.status_code == 403
    assert not Decision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF)
def test_the_committee_and_administrators_decide(client, call, role, request):
    dossier = ranked_dossier(call, ALL_THREE)
    client.force_login(request.getfixturevalue(role))

    response = client.post(
        reverse("evaluation:decision", args=[dossier.pk]), {"outcome": "waiting_list"}
    )

    assert response.status_code == 302
    assert response.url.endswith(f"#dossier-{dossier.pk}")
    assert Decision.objects.get(dossier=dossier).outcome == "waiting_list"
    assert f"Décision enregistrée pour {dossier.reference} : Liste d'attente." in _messages(
        response
    )


@pytest.mark.django_db
def test_a_selection_past_the_envelope_is_shown_with_the_figures(client, committee_member):
    call = closed_call(budget_envelope=Decimal("15000000"))
    first = ranked_dossier(call, ALL_THREE, minutes_ago=20)
    second = ranked_dossier(call, ALL_THREE, minutes_ago=10)
    decision_set(actor=committee_member, dossier=first, outcome="selected")
    client.force_login(committee_member)

    response = client.post(
        reverse("evaluation:decision", args=[second.pk]), {"outcome": "selected"}, follow=True
    )

    text = words(page_text(response))
    assert (
        "Retenir ce dossier porterait les engagements à 20 000 000,00 MAD pour une enveloppe "
        "de 15 000 000,00 MAD (dépassement de 5 000 000,00 MAD)."
    ) in text
    assert not Decision.objects.filter(dossier=second).exists()


@pytest.mark.django_db
def test_a_decision_needs_a_known_outcome_and_a_post(client, call, committee_member):
    dossier = ranked_dossier(call, ALL_THREE)
    client.force_login(committee_member)
    url = reverse("evaluation:decision", args=[dossier.pk])

    assert client.get(url).status_code == 405
    client.post(url, {"outcome": "peut-être"})
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_a_draft_dossier_cannot_be_decided(client, call, committee_member):
    dossier = ranked_dossier(call, ALL_THREE)
    type(dossier).objects.filter(pk=dossier.pk).update(status=DossierStatus.DRAFT)
    client.force_login(committee_member)

    response = client.post(
        reverse("evaluation:decision", args=[dossier.pk]), {"outcome": "rejected"}
    )

    assert response.status_code == 404


# The consensus page


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHERS)
def test_directors_and_evaluators_may_not_open_the_consensus_page(client, call, role, request):
    dossier = ranked_dossier(call, ALL_FOUR, ALL_TWO)
    client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("evaluation:consensus", args=[dossier.pk])).status_code == 403


@pytest.mark.django_db
def test_the_consensus_page_shows_the_reviews_side_by_side(client, call, committee_member):
    dossier = ranked_dossier(call, ALL_FOUR, ALL_TWO)
    client.force_login(committee_member)

    response = client.get(reverse("evaluation:consensus", args=[dossier.pk]))

    text = words(page_text(response))
    assert response.status_code == 200
    assert "Évaluation 1" in text and "Évaluation 2" in text
    assert "4 / 4" in text and "2 / 4" in text
    assert "100,00" in text and "50,00" in text and "75,00" in text
    assert 'name="score"' in text


@pytest.mark.django_db
def test_the_committee_records_a_consensus(client, call, committee_member):
    dossier = ranked_dossier(call, ALL_FOUR, ALL_TWO)
    client.force_login(committee_member)

    response = client.post(
        reverse("evaluation:consensus", args=[dossier.pk]),
        {"score": "70", "justification": "Le comité retient la lecture de l'évaluation 2."},
    )

    assert response.status_code == 302
    assert Consensus.objects.get(dossier=dossier).score == Decimal("70")


@pytest.mark.django_db
def test_no_consensus_form_when_the_reviews_agree(client, call, committee_member):
    dossier = ranked_dossier(call, ALL_THREE, ALL_THREE)
    client.force_login(committee_member)
    url = reverse("evaluation:consensus", args=[dossier.pk])

    text = page_text(client.get(url))
    client.post(url, {"score": "70", "justification": "Non"})

    assert 'name="score"' not in text
    assert "la moyenne des évaluations fait foi" in text
    assert not Consensus.objects.exists()


@pytest.mark.django_db
def test_a_refused_consensus_keeps_what_was_typed(client, call, committee_member):
    dossier = ranked_dossier(call, ALL_FOUR, ALL_TWO)
    client.force_login(committee_member)

    response = client.post(
        reverse("evaluation:consensus", args=[dossier.pk]),
        {"score": "120", "justification": "Trop haut"},
    )

    assert response.status_code == 200
    assert "Trop haut" in page_text(response)
    assert "error-summary" in page_text(response)


# Exports


def _decided_call(committee_member):
    call = closed_call()
    first = ranked_dossier(call, ALL_FOUR, ALL_THREE, minutes_ago=20)
    ranked_dossier(call, ALL_TWO, ALL_TWO, minutes_ago=10)
    Consensus.objects.create(
        dossier=first,
        score=Decimal("87.5"),
        justification="Arbitrage.",
        decided_by=committee_member,
    )
    decision_set(actor=committee_member, dossier=first, outcome="selected")
    return call, first


@pytest.mark.django_db
def test_the_csv_export_is_for_french_excel(client, committee_member):
    call, first = _decided_call(committee_member)
    client.force_login(committee_member)

    response = client.get(reverse("evaluation:ranking_csv", args=[call.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="classement-{call.reference}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Rang", "Référence", "Cluster"]
    assert len(rows) == 3
    assert rows[1][:2] == ["1", first.reference]
    assert rows[1][9] == "87,50"
    assert rows[1][12] == "10000000,00"
    assert rows[1][14] == "10000000,00"  # the eligible ones only
    assert rows[1][15] == "Retenu"
    assert rows[2][13] == "20000000,00"
    assert rows[2][14] == ""
    assert rows[2][10] == "non"
    assert rows[2][11] == "Note finale sous le minimum de 60 / 100."


@pytest.mark.django_db
def test_a_cluster_name_cannot_become_a_spreadsheet_formula(client, committee_member):
    call = closed_call()
    dossier = ranked_dossier(call, ALL_THREE)
    type(dossier.cluster).objects.filter(pk=dossier.cluster_id).update(name="=HYPERLINK(1)")
    client.force_login(committee_member)

    csv_text = client.get(reverse("evaluation:ranking_csv", args=[call.pk])).content.decode()
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("evaluation:ranking_xlsx", args=[call.pk])).content)
    )

    assert "'=HYPERLINK(1)" in csv_text
    assert workbook.worksheets[0]["C2"].data_type == "s"


@pytest.mark.django_db
def test_the_xlsx_export_has_the_ranking_and_every_score(client, committee_member):
    call, first = _decided_call(committee_member)
    client.force_login(committee_member)

    response = client.get(reverse("evaluation:ranking_xlsx", args=[call.pk]))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="classement-{call.reference}.xlsx"'
    )
    ranking_sheet, scores_sheet = load_workbook(io.BytesIO(response.content)).worksheets
    assert ranking_sheet.title == "Classement"
    assert ranking_sheet["B2"].value == first.reference
    assert ranking_sheet["J2"].value == 87.5
    assert ranking_sheet["M2"].value == 10000000
    assert scores_sheet.title == "Notes"
    header = [cell.value for cell in scores_sheet[1]]
    assert header[:4] == ["Référence", "Cluster", "Évaluation n°", "Évaluateur"]
    assert "Justification" in header
    assert scores_sheet.max_row == 1 + 4 * 9  # four reviews of nine criteria
    assert scores_sheet["J2"].value == "Note 4."


@pytest.mark.django_db
@pytest.mark.parametrize("count", [10, 40])
def test_the_exports_need_the_same_queries_for_10_or_40_dossiers(
    client, call, administrator, count, django_assert_max_num_queries
):
    _many_dossiers(call, count)
    client.force_login(administrator)

    # One query each for the OTP device that verified the staff session.
    with django_assert_max_num_queries(5):
        client.get(reverse("evaluation:ranking_csv", args=[call.pk]))
    with django_assert_max_num_queries(6):
        client.get(reverse("evaluation:ranking_xlsx", args=[call.pk]))


# Publication


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["director", "evaluator", "committee_member"])
def test_only_administrators_publish_the_results(client, call, role, request):
    client.force_login(request.getfixturevalue(role))
    url = reverse("evaluation:results_publish", args=[call.pk])

    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


@pytest.mark.django_db
def test_the_confirmation_page_lists_the_missing_decisions(client, call, administrator):
    decided = ranked_dossier(call, ALL_THREE, minutes_ago=20)
    undecided = ranked_dossier(call, ALL_THREE, minutes_ago=10)
    decision_set(actor=administrator, dossier=decided, outcome="selected")
    client.force_login(administrator)
    url = reverse("evaluation:results_publish", args=[call.pk])

    text = words(page_text(client.get(url)))
    response = client.post(url, follow=True)

    assert "il en manque pour ces dossiers" in text
    assert (
        f'{reverse("applications:dossier_detail", args=[undecided.pk])}">{undecided.reference}'
        in text
    )
    assert "il en manque pour" in words(page_text(response))
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED


@pytest.mark.django_db
def test_a_dossier_awaiting_admissibility_blocks_publication_before_the_click(
    client, call, administrator
):
    decided = ranked_dossier(call, ALL_THREE)
    decision_set(actor=administrator, dossier=decided, outcome="rejected")
    waiting = DossierFactory(
        call=call, status=DossierStatus.DOCUMENTS_REQUESTED, submitted_at=timezone.now()
    )
    client.force_login(administrator)
    url = reverse("evaluation:results_publish", args=[call.pk])
    link = f'href="{reverse("applications:dossier_detail", args=[waiting.pk])}"'

    ranking = page_text(client.get(reverse("evaluation:ranking", args=[call.pk])))
    confirmation = page_text(client.get(url))
    response = client.post(url)

    for page in (ranking, confirmation):
        assert "La publication des résultats est bloquée" in words(page)
        assert "attendent encore leur décision de recevabilité" in words(page)
        assert link in page
    assert f'href="{url}"' not in ranking
    assert re.search(r'<button type="submit" class="btn btn-primary" disabled', confirmation)
    (refusal,) = [str(message) for message in get_messages(response.wsgi_request)]
    assert f"{link}>{waiting.reference}</a>" in refusal
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED


@pytest.mark.django_db
def test_the_administrator_publishes_the_results(client, call, administrator):
    dossier = ranked_dossier(call, ALL_THREE)
    decision_set(actor=administrator, dossier=dossier, outcome="rejected")
    client.force_login(administrator)
    url = reverse("evaluation:results_publish", args=[call.pk])

    confirmation = page_text(client.get(url))
    response = client.post(url)

    assert "Ce que la publication déclenche" in confirmation
    assert response.status_code == 302
    assert response.url == reverse("evaluation:ranking", args=[call.pk])
    call.refresh_from_db()
    assert call.status == CallStatus.RESULTS_PUBLISHED


# In the browser


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_ranking_and_the_queue_in_the_browser(
    live_server, page, call, committee_member, evaluator, language
):
    divergent = ranked_dossier(call, ALL_FOUR, ALL_TWO, minutes_ago=40)  # 75, spread 50
    first = ranked_dossier(call, ALL_FOUR, ALL_FOUR, minutes_ago=30)
    ranked_dossier(call, ALL_THREE, ALL_THREE, minutes_ago=20)
    ranked_dossier(call, ALL_TWO, ALL_TWO, minutes_ago=10)
    decision_set(actor=committee_member, dossier=first, outcome="selected")
    log_in(page, live_server, committee_member, language)

    page.goto(f"{live_server.url}{reverse('evaluation:ranking', args=[call.pk])}")

    row = page.locator(f"#dossier-{first.pk}")
    subsidy = row.locator("td.num.text-nowrap").text_content()
    # In Arabic each amount is isolated left-to-right by invisible marks.
    assert " ".join(subsidy.replace("\u2066", "").replace("\u2069", "").split()).startswith(
        "10 000 000,00 MAD"
    )
    assert page.locator(f"#dossier-{divergent.pk} .badge.text-bg-warning").count() == 1
    assert row.locator("button[aria-pressed=true]").count() == 1
    align = row.locator("td.num").first.evaluate("cell => getComputedStyle(cell).textAlign")
    assert align in ("right", "end")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    screenshot(page, f"ranking-{language}")

    call.grid.evaluation_deadline = timezone.now() + timedelta(days=5)
    call.grid.save()
    AssignmentFactory(dossier=ranked_dossier(call, minutes_ago=5), evaluator=evaluator)
    done = AssignmentFactory(dossier=ranked_dossier(call, minutes_ago=4), evaluator=evaluator)
    submitted_review(done, ALL_THREE)
    log_in(page, live_server, evaluator, language)
    page.goto(f"{live_server.url}{reverse('evaluation:queue')}")
    page.locator("table tbody tr").first.wait_for()
    assert page.locator(".deadline-countdown").count() == 2
    screenshot(page, f"evaluator-queue-{language}")
