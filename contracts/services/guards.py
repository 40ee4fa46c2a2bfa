"""What every write on a contract checks first: who acts, and that a draft is still a draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from core.errors import ApplicationError

from ..models import Contract

if TYPE_CHECKING:
    from accounts.models import User

MANAGE = "contracts.manage"


def require_manager(actor: User) -> None:
    if not actor.has_perm(MANAGE):
        raise ApplicationError(
            _("Seul un administrateur du programme peut faire cela."), code="forbidden"
        )


def ensure_draft(contract: Contract) -> None:
    if not contract.is_draft:
        raise ApplicationError(
            _("Le contrat n'est plus un projet : il ne peut plus être modifié."), code="not_draft"
        )
