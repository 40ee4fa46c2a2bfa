"""Who may see and do what with calls, clusters and dossiers."""

import rules

from accounts.rules import is_administrator, is_director

from .models import DossierStatus


@rules.predicate
def call_is_published(user, call):
    return call is not None and call.is_published


@rules.predicate
def is_cluster_editor(user, cluster):
    if cluster is None or not user.is_authenticated:
        return False
    return cluster.owner_id == user.pk or cluster.co_editors.filter(pk=user.pk).exists()


@rules.predicate
def is_cluster_owner(user, cluster):
    return cluster is not None and cluster.owner_id == user.pk


@rules.predicate
def is_dossier_editor(user, dossier):
    return dossier is not None and is_cluster_editor(user, dossier.cluster)


@rules.predicate
def dossier_is_draft(user, dossier):
    return dossier is not None and dossier.status == DossierStatus.DRAFT


@rules.predicate
def dossier_is_submitted(user, dossier):
    return dossier is not None and dossier.status == DossierStatus.SUBMITTED


@rules.predicate
def dossier_is_withdrawn(user, dossier):
    return dossier is not None and dossier.status == DossierStatus.WITHDRAWN


rules.add_perm("applications.manage_calls", is_administrator)
rules.add_perm("applications.view_call", call_is_published | is_administrator)

rules.add_perm("applications.create_cluster", is_director)
rules.add_perm("applications.change_cluster", is_director & is_cluster_editor)
rules.add_perm("applications.manage_co_editors", is_director & is_cluster_owner)

# A draft belongs to its cluster until submitted: the ministry reads dossiers once deposited.
rules.add_perm(
    "applications.view_dossier",
    (is_director & is_dossier_editor) | (is_administrator & ~dossier_is_draft),
)
rules.add_perm("applications.change_dossier", is_director & is_dossier_editor & dossier_is_draft)
# Acting on a dossier at all (saving, uploading, withdrawing): its cluster's editors only; the
# ministry reads a deposited dossier but never writes to it. The state is the services' check.
rules.add_perm("applications.act_on_dossier", is_director & is_dossier_editor)
rules.add_perm(
    "applications.withdraw_dossier", is_director & is_dossier_editor & dossier_is_submitted
)
rules.add_perm(
    "applications.reopen_dossier", is_director & is_dossier_editor & dossier_is_withdrawn
)
