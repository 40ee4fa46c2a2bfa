"""The app's models, one module per thing; all imported here so Django finds them under
`applications` and `from applications.models import X` works everywhere."""

from .calls import Call, CallStatus, RequiredDocument
from .clusters import Cluster, ClusterMember
from .documents import DocumentRequest, DossierDocument, Receipt
from .dossiers import BudgetYear, CollaborativeProject, Dossier, DossierStatus, KpiTarget

__all__ = [
    "BudgetYear",
    "Call",
    "CallStatus",
    "Cluster",
    "ClusterMember",
    "CollaborativeProject",
    "DocumentRequest",
    "Dossier",
    "DossierDocument",
    "DossierStatus",
    "KpiTarget",
    "Receipt",
    "RequiredDocument",
]
