import pytest
from django.core.management import call_command

from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from accounts.models import Role, User


@pytest.mark.django_db
def test_seed_demo_creates_one_account_per_role_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = {user.email: (user.password, user.role) for user in User.objects.all()}
    call_command("seed_demo")
    second = {user.email: (user.password, user.role) for user in User.objects.all()}

    assert first == second
    assert {role for _password, role in second.values()} == set(Role.values)
    assert len(second) == len(DEMO_ACCOUNTS)
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    for email, _name, _role in DEMO_ACCOUNTS:
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD)
        assert email in printed
