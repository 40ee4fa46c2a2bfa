from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.caching import PUBLIC, renew
from core.errors import ApplicationError
from core.services import assign_fields, full_clean_or_refuse

from ..models import Cluster, ClusterMember

CLUSTER_FIELDS = (
    "name",
    "acronym",
    "legal_form",
    "sector",
    "region",
    "city",
    "founded_year",
    "first_supported_year",
    "niches",
    "president_name",
    "director_name",
    "board",
)
MEMBER_FIELDS = ("name", "member_type", "city", "joined_year")


def _require_editor(actor: User, cluster: Cluster) -> None:
    if not actor.has_perm("applications.change_cluster", cluster):
        raise ApplicationError(_("Vous ne pouvez pas modifier ce cluster."))


@transaction.atomic
def cluster_save(*, actor: User, cluster: Cluster | None = None, **fields: Any) -> Cluster:
    """Create the director's cluster profile, or update it."""
    if cluster is None:
        if not actor.has_perm("applications.create_cluster"):
            raise ApplicationError(
                _("Seul un directeur de cluster peut créer un profil de cluster.")
            )
        if Cluster.objects.filter(owner=actor).exists():
            raise ApplicationError(_("Vous avez déjà un profil de cluster."))
        # A director works on one cluster: the portal finds "their" cluster from the account.
        if actor.edited_clusters.exists():
            raise ApplicationError(
                _("Vous êtes co-éditeur d'un cluster : vous ne pouvez pas en créer un autre.")
            )
        cluster = Cluster(owner=actor)
    else:
        _require_editor(actor, cluster)
    assign_fields(cluster, fields, CLUSTER_FIELDS)
    full_clean_or_refuse(cluster)
    cluster.save()
    # Its name is on the public list of selected clusters.
    renew(PUBLIC)
    return cluster


@transaction.atomic
def member_save(
    *, actor: User, cluster: Cluster, member: ClusterMember | None = None, **fields: Any
) -> ClusterMember:
    _require_editor(actor, cluster)
    member = member or ClusterMember(cluster=cluster)
    if member.cluster_id != cluster.pk:
        raise ApplicationError(_("Ce membre n'appartient pas à ce cluster."))
    assign_fields(member, fields, MEMBER_FIELDS)
    full_clean_or_refuse(member)
    member.save()
    return member


@transaction.atomic
def member_delete(*, actor: User, member: ClusterMember) -> None:
    _require_editor(actor, member.cluster)
    member.delete()


@transaction.atomic
def co_editor_add(*, actor: User, cluster: Cluster, email: str) -> User:
    """Let another director's account edit the cluster and its dossiers."""
    if not actor.has_perm("applications.manage_co_editors", cluster):
        raise ApplicationError(_("Seul le directeur du cluster peut inviter des co-éditeurs."))
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not user.is_director or not user.is_active:
        raise ApplicationError(
            _(
                "Aucun compte de directeur de cluster n'existe pour cette adresse : "
                "demandez à la personne de créer son compte, puis invitez-la."
            ),
            field="email",
        )
    if user.pk == cluster.owner_id or cluster.co_editors.filter(pk=user.pk).exists():
        raise ApplicationError(_("Cette personne peut déjà modifier le cluster."), field="email")
    if Cluster.objects.filter(owner=user).exists():
        raise ApplicationError(_("Cette personne dirige déjà un autre cluster."), field="email")
    if user.edited_clusters.exists():
        raise ApplicationError(
            _("Cette personne est déjà co-éditrice d'un autre cluster."), field="email"
        )
    cluster.co_editors.add(user)
    return user


@transaction.atomic
def co_editor_remove(*, actor: User, cluster: Cluster, user: User) -> None:
    if not actor.has_perm("applications.manage_co_editors", cluster):
        raise ApplicationError(_("Seul le directeur du cluster peut retirer des co-éditeurs."))
    cluster.co_editors.remove(user)
