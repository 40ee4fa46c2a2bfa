"""Contrats-programmes: the State's multi-year commitment to a selected cluster, its subsidy
schedule in tranches, the KPI commitments, annual reports and disbursements. One module per
thing, all imported here so Django finds them under `contracts` and `from contracts.models
import X` works everywhere."""

from .contracts import (
    CUSTOM_INDICATOR,
    MONEY,
    BelowThreshold,
    CallFigures,
    Contract,
    ContractStatus,
    ContractTerms,
    ContractVersion,
    ContractYear,
    KpiCommitment,
    custom_name,
)
from .reports import AnnualReport, KpiAchievement, ReportStatus
from .tranches import Payment, Tranche, TrancheCondition, TrancheStatus

__all__ = [
    "CUSTOM_INDICATOR",
    "MONEY",
    "AnnualReport",
    "BelowThreshold",
    "CallFigures",
    "Contract",
    "ContractStatus",
    "ContractTerms",
    "ContractVersion",
    "ContractYear",
    "KpiAchievement",
    "KpiCommitment",
    "Payment",
    "ReportStatus",
    "Tranche",
    "TrancheCondition",
    "TrancheStatus",
    "custom_name",
]
