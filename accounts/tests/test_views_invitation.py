import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role, User
from core.models import MailStatus
from core.tests.client import CommittingClient, page_text

INVITE = reverse("accounts:user_invite")


def _invite(client, **overrides):
    data = {
        "full_name": "Hicham Berrada",
        "email": "h.berrada@mcinet.gov.ma",
        "role": Role.EVALUATOR,
        "language": "fr",
    }
    return client.post(INVITE, {**data, **overrides})


def _invitation_path(message):
    return re.search(r"https?://[^/\s]+(/comptes/invitation/\S+/)", message.body)[1]


@pytest.mark.django_db
def test_administrator_invites_an_evaluator_who_sets_a_password_and_logs_in(client, administrator):
    client.force_login(administrator)
    response = _invite(client)

    assert response.url == reverse("accounts:user_list")
    invited = User.objects.get(email="h.berrada@mcinet.gov.ma")
    assert invited.role == Role.EVALUATOR
    assert invited.invited_by == administrator
    assert not invited.has_usable_password()
    assert len(mail.outbox) == 1
    assert "Karim Alaoui" in mail.outbox[0].body

    guest = CommittingClient()
    form = guest.get(_invitation_path(mail.outbox[0]), follow=True)
    set_url = form.redirect_chain[-1][0]
    password = "Evaluer-avec-rigueur-2026"
    done = guest.post(set_url, {"new_password1": password, "new_password2": password})

    assert done.url == reverse("accounts:login")
    invited.refresh_from_db()
    assert invited.email_verified
    login = guest.post(reverse("accounts:login"), {"username": invited.email, "password": password})
    assert login.status_code == 302


@pytest.mark.django_db
def test_invitation_link_works_only_once(client, administrator):
    client.force_login(administrator)
    _invite(client)
    path = _invitation_path(mail.outbox[0])
    guest = CommittingClient()
    set_url = guest.get(path, follow=True).redirect_chain[-1][0]
    password = "Evaluer-avec-rigueur-2026"
    guest.post(set_url, {"new_password1": password, "new_password2": password})

    reused = CommittingClient().get(path, follow=True)

    assert "Ce lien d'invitation n'est plus valable" in page_text(reused)


@pytest.mark.django_db
def test_invitation_to_a_taken_address_is_refused(client, administrator, director):
    client.force_login(administrator)

    response = _invite(client, email=director.email)

    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse e-mail." in page_text(response)
    assert mail.outbox == []


@pytest.mark.django_db
def test_directors_cannot_be_invited(client, administrator):
    client.force_login(administrator)

    response = _invite(client, role=Role.DIRECTOR)

    assert response.status_code == 200
    assert not User.objects.filter(email="h.berrada@mcinet.gov.ma").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["director", "evaluator", "committee_member"])
@pytest.mark.parametrize("url", [INVITE, reverse("accounts:user_list")])
def test_only_administrators_manage_accounts(client, request, person, url):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url).status_code == 403
    assert _invite(client).status_code == 403
    assert not User.objects.filter(email="h.berrada@mcinet.gov.ma").exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("accounts:user_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_user_list_queries_do_not_grow_with_the_number_of_accounts(
    client, administrator, django_assert_max_num_queries
):
    from accounts.tests.factories import EvaluatorFactory

    client.force_login(administrator)
    EvaluatorFactory.create_batch(3, invited_by=administrator)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("accounts:user_list"))
    EvaluatorFactory.create_batch(40, invited_by=administrator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:user_list"))
    assert page_text(response).count("<tr>") == 45


@pytest.mark.django_db
def test_an_expired_invitation_can_be_sent_again(client, administrator):
    client.force_login(administrator)
    _invite(client)
    invited = User.objects.get(email="h.berrada@mcinet.gov.ma")
    old_path = _invitation_path(mail.outbox[0])

    page = page_text(client.get(reverse("accounts:user_list")))
    response = client.post(reverse("accounts:invitation_resend", kwargs={"pk": invited.pk}))

    assert "Renvoyer l'invitation" in page
    assert response.url == reverse("accounts:user_list")
    assert len(mail.outbox) == 2
    assert _invitation_path(mail.outbox[1]).startswith("/comptes/invitation/")
    assert old_path.split("/")[3] == _invitation_path(mail.outbox[1]).split("/")[3]


@pytest.mark.django_db
def test_an_active_account_gets_no_new_invitation(client, administrator, evaluator):
    client.force_login(administrator)

    response = client.post(
        reverse("accounts:invitation_resend", kwargs={"pk": evaluator.pk}), follow=True
    )

    assert "aucune invitation à renvoyer" in page_text(response)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_mail_log_keeps_no_usable_invitation_link(client, administrator):
    from core.models import OutgoingMail

    client.force_login(administrator)
    _invite(client)

    logged = OutgoingMail.objects.get(template="invitation")
    assert logged.status == MailStatus.SENT
    assert "/comptes/invitation/" not in logged.body_text + logged.body_html


@pytest.mark.django_db
def test_verification_link_is_never_sent_to_an_invited_staff_account(client, administrator):
    client.force_login(administrator)
    _invite(client)
    mail.outbox.clear()

    CommittingClient().post(
        reverse("accounts:verification_resend"), {"email": "h.berrada@mcinet.gov.ma"}
    )

    assert mail.outbox == []
    assert not User.objects.get(email="h.berrada@mcinet.gov.ma").email_verified
