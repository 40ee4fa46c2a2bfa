"""The evaluation's models, one module per part; every model is importable from here."""

from .profiles import (
    ConflictClearance,
    EvaluatorOrganisation,
    EvaluatorProfile,
    OrganisationRelation,
)
from .review import (
    SCORE,
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    ConflictKind,
    Consensus,
    Criterion,
    Decision,
    Grid,
    Review,
    ReviewStatus,
    ReviewSummary,
    Score,
)

__all__ = [
    "SCORE",
    "Assignment",
    "AssignmentStatus",
    "ConflictClearance",
    "ConflictDeclaration",
    "ConflictKind",
    "Consensus",
    "Criterion",
    "Decision",
    "EvaluatorOrganisation",
    "EvaluatorProfile",
    "Grid",
    "OrganisationRelation",
    "Review",
    "ReviewStatus",
    "ReviewSummary",
    "Score",
]
