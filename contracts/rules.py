"""Who may see and do what with contrats-programmes."""

import rules

from accounts.rules import is_administrator, is_director
from applications.rules import is_cluster_editor


@rules.predicate
def is_contract_editor(user, contract):
    """A director or co-editor of the contract's cluster."""
    return contract is not None and is_cluster_editor(user, contract.cluster)


@rules.predicate
def contract_is_visible_to_cluster(user, contract):
    # A draft is the ministry's work in progress: the cluster sees it once sent for signature,
    # and a draft terminated before it was ever sent stays the ministry's.
    return contract is not None and contract.sent_at is not None


# Generating, editing, activating, closing; reviewing reports; recording payments.
rules.add_perm("contracts.manage", is_administrator)
rules.add_perm("contracts.view_dashboard", is_administrator)
rules.add_perm(
    "contracts.view_contract",
    is_administrator | (is_director & is_contract_editor & contract_is_visible_to_cluster),
)
rules.add_perm("contracts.sign", is_director & is_contract_editor)
rules.add_perm("contracts.report", is_director & is_contract_editor)
