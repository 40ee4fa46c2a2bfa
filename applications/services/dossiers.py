"""Drafting a dossier: starting it, saving its sections, its projects, budget and KPIs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.formatting import isolated_text, moment_text
from core.journal import journal_record
from core.services import assign_fields, full_clean_or_refuse

from ..choices import Indicator
from ..concurrency import (
    PROJECT_FIELDS,
    ensure_unchanged,
    project_fingerprint,
    section_fingerprint,
)
from ..models import BudgetYear, Call, CollaborativeProject, Dossier, DossierStatus, KpiTarget
from ..sections import SECTIONS_BY_SLUG

if TYPE_CHECKING:
    from accounts.models import User

    from ..models import Cluster, ClusterMember
    from ..sections import Section


def deadline_passed_error(call: Call, action: str = "edit") -> ApplicationError:
    """The deadline's refusal, saying what can no longer be done to the dossier (`action`:
    "edit" a draft or submit it, "withdraw" or "reopen" it) and what is kept."""
    details = {
        "title": isolated_text(call.title),
        "date": moment_text(call.closes_at),
    }
    if action == "withdraw":
        message = _(
            "L'appel « %(title)s » est clôturé depuis le %(date)s (heure du Maroc) : "
            "un dossier ne peut plus être retiré après la clôture. Votre dossier reste déposé."
        )
    elif action == "reopen":
        message = _(
            "L'appel « %(title)s » est clôturé depuis le %(date)s (heure du Maroc) : "
            "un dossier retiré ne peut plus être rouvert après la clôture."
        )
    else:
        message = _(
            "L'appel « %(title)s » est clôturé depuis le %(date)s (heure du Maroc) : "
            "le dossier ne peut plus être modifié ni déposé. Votre brouillon est conservé."
        )
    return ApplicationError(message % details, code="deadline")


def ensure_call_open(call: Call, now: datetime | None = None, action: str = "edit") -> None:
    """The deadline is decided here, on the server, in UTC: 15:00:00.000 is already late."""
    now = now or timezone.now()
    if not call.is_published or now < call.opens_at:
        raise ApplicationError(_("Cet appel n'est pas encore ouvert."), code="not_open")
    if now >= call.closes_at:
        raise deadline_passed_error(call, action)


def ensure_editable(actor: User, dossier: Dossier, now: datetime | None = None) -> None:
    if not actor.has_perm("applications.change_dossier", dossier):
        if dossier.status == DossierStatus.WITHDRAWN and actor.has_perm(
            "applications.act_on_dossier", dossier
        ):
            raise ApplicationError(
                _("Ce dossier a été retiré : rouvrez-le pour le modifier."), code="locked"
            )
        if dossier.status != DossierStatus.DRAFT:
            raise ApplicationError(
                _("Ce dossier a été déposé : il ne peut plus être modifié."), code="locked"
            )
        raise ApplicationError(_("Vous ne pouvez pas modifier ce dossier."), code="forbidden")
    ensure_call_open(dossier.call, now)


def _lock(dossier: Dossier) -> Dossier:
    """Re-read the dossier under its own row lock: two tabs, one truth.

    Only the dossier's row: the call and the cluster come in the same statement, read as
    committed, unlocked, so that the dossiers of one call never wait for each other (a
    deadline is compared with the call as it was read; the envelope, where money is at stake,
    is locked by the selection). `no_key`: rows pointing at the dossier (its files, journal,
    receipt) may still be inserted by others meanwhile."""
    return (
        Dossier.objects.select_for_update(of=("self",), no_key=True)
        .select_related("call", "cluster", "last_edited_by")
        .get(pk=dossier.pk)
    )


def _lock_section(actor: User, dossier: Dossier, slug: str, seen: str) -> tuple[Dossier, Section]:
    """Lock, check the person may edit, and that nobody changed this section since `seen`."""
    dossier = _lock(dossier)
    ensure_editable(actor, dossier)
    section = SECTIONS_BY_SLUG[slug]
    ensure_unchanged(dossier, seen=seen, current=section_fingerprint(dossier, section))
    return dossier, section


def _touch(dossier: Dossier, actor: User, *fields: str) -> None:
    dossier.last_edited_by = actor
    dossier.save(update_fields=[*fields, "last_edited_by", "updated_at"])


@transaction.atomic
def dossier_start(*, actor: User, call: Call, cluster: Cluster) -> Dossier:
    """Open the cluster's dossier for a call, or return the one it already has."""
    if not actor.has_perm("applications.change_cluster", cluster):
        raise ApplicationError(_("Vous ne pouvez pas candidater pour ce cluster."))
    existing = Dossier.objects.filter(call=call, cluster=cluster).first()
    if existing:
        return existing
    ensure_call_open(call)
    call = Call.objects.get(pk=call.pk)
    dossier = Dossier(
        call=call,
        cluster=cluster,
        reference=f"{call.reference}-{cluster.pk:04d}".upper(),
    )
    full_clean_or_refuse(dossier)
    try:
        with transaction.atomic():
            dossier.save()
    except IntegrityError:
        # A second tab started the same dossier at the same instant.
        return Dossier.objects.get(call=call, cluster=cluster)
    journal_record(target=dossier, actor=actor, action="dossier.create", to_state=dossier.status)
    return dossier


@transaction.atomic
def dossier_section_save(
    *, actor: User, dossier: Dossier, slug: str, values: Mapping[str, str | None], seen: str = ""
) -> Dossier:
    """Save the text fields of one section; partial content is kept as a draft."""
    dossier, section = _lock_section(actor, dossier, slug, seen)
    for name in section.fields:
        setattr(dossier, name, (values.get(name) or "").strip())
    full_clean_or_refuse(dossier)
    _touch(dossier, actor, *section.fields)
    return dossier


@transaction.atomic
def dossier_members_save(
    *, actor: User, dossier: Dossier, members: Iterable[ClusterMember], seen: str = ""
) -> Dossier:
    dossier, _section = _lock_section(actor, dossier, "membres", seen)
    foreign = [member for member in members if member.cluster_id != dossier.cluster_id]
    if foreign:
        raise ApplicationError(_("Seuls les membres du cluster peuvent participer."))
    dossier.participating_members.set(members)
    _touch(dossier, actor)
    return dossier


@transaction.atomic
def project_save(
    *,
    actor: User,
    dossier: Dossier,
    project: CollaborativeProject | None = None,
    seen: str = "",
    **fields: Any,
) -> CollaborativeProject:
    dossier = _lock(dossier)
    ensure_editable(actor, dossier)
    project = project or CollaborativeProject(dossier=dossier)
    if project.dossier_id != dossier.pk:
        raise ApplicationError(_("Ce projet n'appartient pas à ce dossier."))
    if project.pk:
        stored = CollaborativeProject.objects.get(pk=project.pk)
        ensure_unchanged(dossier, seen=seen, current=project_fingerprint(stored))
    assign_fields(project, fields, PROJECT_FIELDS)
    full_clean_or_refuse(project)
    project.save()
    _touch(dossier, actor)
    return project


@transaction.atomic
def project_delete(*, actor: User, project: CollaborativeProject) -> None:
    dossier = _lock(project.dossier)
    ensure_editable(actor, dossier)
    project.delete()
    _touch(dossier, actor)


@transaction.atomic
def budget_save(
    *,
    actor: User,
    dossier: Dossier,
    years: Mapping[int, tuple[Decimal, Decimal] | None],
    seen: str = "",
) -> Dossier:
    """years: {year: (animation_budget, subsidy_requested)}; None for a year left empty."""
    dossier, _section = _lock_section(actor, dossier, "budget", seen)
    call = dossier.call
    for year, amounts in years.items():
        if not 1 <= year <= call.contract_years:
            raise ApplicationError(_("Année du contrat invalide."))
        if amounts is None:
            BudgetYear.objects.filter(dossier=dossier, year=year).delete()
            continue
        animation_budget, subsidy = amounts
        if subsidy > call.max_annual_subsidy:
            raise ApplicationError(
                _("La subvention demandée dépasse le maximum annuel de l'appel."),
                field=f"subsidy_{year}",
            )
        if subsidy > animation_budget:
            raise ApplicationError(
                _("La subvention ne peut pas dépasser le budget de la structure d'animation."),
                field=f"subsidy_{year}",
            )
        BudgetYear.objects.update_or_create(
            dossier=dossier,
            year=year,
            defaults={"animation_budget": animation_budget, "subsidy_requested": subsidy},
        )
    _touch(dossier, actor)
    return dossier


@transaction.atomic
def kpis_save(
    *, actor: User, dossier: Dossier, targets: Mapping[tuple[str, int], int | None], seen: str = ""
) -> Dossier:
    """targets: {(indicator, year): value}; an empty value removes the target."""
    dossier, _section = _lock_section(actor, dossier, "indicateurs", seen)
    for (indicator, year), value in targets.items():
        if indicator not in Indicator.values or not 1 <= year <= dossier.call.contract_years:
            raise ApplicationError(_("Indicateur ou année invalide."))
        if value is None:
            KpiTarget.objects.filter(dossier=dossier, indicator=indicator, year=year).delete()
            continue
        KpiTarget.objects.update_or_create(
            dossier=dossier, indicator=indicator, year=year, defaults={"target": value}
        )
    _touch(dossier, actor)
    return dossier
