"""The dossier's sections, in the order of the task list, and how complete each one is.

Every function here works on a dossier loaded with `selectors.dossier_for_page` (or, for
the task list alone, `selectors.dossier_for_task_list`), so it costs no query per section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .choices import DocumentPart, Indicator, ScanStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
STATUS_LABELS = {
    NOT_STARTED: _("Non commencé"),
    IN_PROGRESS: _("En cours"),
    COMPLETE: _("Complet"),
}


@dataclass(frozen=True)
class Section:
    slug: str
    title: StrOrPromise
    kind: str  # "text", "documents", "members", "innovation", "budget", "kpis"
    fields: tuple = ()
    part: str = ""
    hint: StrOrPromise = ""
    extra: dict = field(default_factory=dict)


SECTIONS = (
    Section(
        "pieces-administratives",
        _("Pièces administratives"),
        "documents",
        part=DocumentPart.ADMINISTRATIVE,
        hint=_("Statuts, procès-verbaux, attestations fiscale et sociale, RIB…"),
    ),
    Section(
        "perimetre",
        _("Périmètre géographique"),
        "text",
        fields=("perimeter",),
        hint=_("Les territoires où le cluster et ses membres agissent."),
    ),
    Section(
        "membres",
        _("Membres participants"),
        "members",
        hint=_("Les entreprises, unités de recherche et centres de formation engagés."),
    ),
    Section("gouvernance", _("Gouvernance et pilotage"), "text", fields=("governance",)),
    Section(
        "strategie",
        _("Stratégie et création de valeur"),
        "text",
        fields=("strategy",),
        hint=_(
            "Stratégie de développement avec les partenaires, création de valeur, parts de marché."
        ),
    ),
    Section(
        "innovation",
        _("Innovation collaborative et projets de R&D"),
        "innovation",
        fields=("partnership_terms", "steering_team", "pooled_means"),
    ),
    Section(
        "projets-lies",
        _("Liens avec d'autres projets"),
        "text",
        fields=("related_projects",),
        hint=_("Projets thématiques, régionaux et locaux avec lesquels le cluster s'articule."),
    ),
    Section(
        "international",
        _("Coopération et visibilité internationales"),
        "text",
        fields=("international",),
    ),
    Section(
        "ressources-humaines",
        _("Ressources humaines et formation"),
        "text",
        fields=("human_resources",),
    ),
    Section(
        "suivi-evaluation",
        _("Suivi et évaluation"),
        "text",
        fields=("monitoring",),
    ),
    Section(
        "budget",
        _("Budget et subvention demandée"),
        "budget",
        hint=_("Budget de la structure d'animation et subvention demandée, année par année."),
    ),
    Section(
        "indicateurs",
        _("Indicateurs proposés"),
        "kpis",
        hint=_("Vos cibles pour les cinq indicateurs du programme, année par année."),
    ),
    Section(
        "pieces-techniques",
        _("Pièces techniques"),
        "documents",
        part=DocumentPart.TECHNICAL,
    ),
)
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def _grade(done, total):
    if total == 0 or done >= total:
        return COMPLETE
    return NOT_STARTED if done == 0 else IN_PROGRESS


def counted_documents(dossier):
    """{requirement id: document} of the files that are part of the dossier: only those the
    antivirus found clean (or all of them, with scanning off: they are clean at once)."""
    return {
        document.requirement_id: document
        for document in dossier.documents.all()
        if document.scan_status == ScanStatus.CLEAN
    }


def _documents_status(dossier, section):
    requirements = [r for r in dossier.call.required_documents.all() if r.part == section.part]
    given = counted_documents(dossier)
    mandatory = [r for r in requirements if r.mandatory]
    if not mandatory:
        return COMPLETE if given or not requirements else NOT_STARTED
    done = sum(1 for r in mandatory if r.pk in given)
    return _grade(done, len(mandatory))


def _text_done(dossier, section):
    return sum(1 for name in section.fields if getattr(dossier, name).strip())


def counted(dossier, relation):
    """How many rows of `relation` the dossier holds: the count read with it where the page
    needs no more (`selectors.dossier_for_task_list`), else its prefetched rows."""
    rows = getattr(dossier, f"{relation}_count", None)
    return len(getattr(dossier, relation).all()) if rows is None else rows


def _budget_status(dossier):
    return _grade(counted(dossier, "budget_years"), dossier.call.contract_years)


def _kpis_status(dossier):
    expected = len(Indicator.values) * dossier.call.contract_years
    return _grade(counted(dossier, "kpi_targets"), expected)


def section_status(dossier, section):
    if section.kind == "documents":
        return _documents_status(dossier, section)
    if section.kind == "members":
        return _grade(counted(dossier, "participating_members"), 1)
    if section.kind == "budget":
        return _budget_status(dossier)
    if section.kind == "kpis":
        return _kpis_status(dossier)
    done = _text_done(dossier, section)
    total = len(section.fields)
    if section.kind == "innovation":
        done += 1 if counted(dossier, "projects") else 0
        total += 1
    return _grade(done, total)


def task_list(dossier):
    """[(section, status, label)] and the share of complete sections, in percent."""
    rows = []
    for section in SECTIONS:
        status = section_status(dossier, section)
        rows.append((section, status, STATUS_LABELS[status]))
    complete = sum(1 for _section, status, _label in rows if status == COMPLETE)
    return rows, round(100 * complete / len(rows))


def missing_items(dossier):
    """What stops the dossier from being submitted, in plain words, section by section."""
    missing = []
    for section in SECTIONS:
        if section.kind == "documents":
            missing.extend((section, gap) for gap in _document_gaps(dossier, section))
            continue
        status = section_status(dossier, section)
        if status != COMPLETE:
            missing.append((section, STATUS_LABELS[status]))
    return missing


def _document_gaps(dossier, section):
    """A mandatory piece without a clean file, and any file still waiting for the antivirus:
    the receipt can only vouch for files whose verdict is known."""
    given = counted_documents(dossier)
    documents = {document.requirement_id: document for document in dossier.documents.all()}
    gaps = []
    for requirement in dossier.call.required_documents.all():
        if requirement.part != section.part or requirement.pk in given:
            continue
        document = documents.get(requirement.pk)
        waiting = document is not None and document.scan_status != ScanStatus.INFECTED
        if requirement.mandatory or waiting:
            gaps.append(_document_gap(requirement, document))
    return gaps


def _document_gap(requirement, document):
    """The missing piece in words, saying why when a file was given but does not count."""
    if document is None:
        return requirement.label
    if document.scan_status == ScanStatus.INFECTED:
        note = _("fichier refusé par l'antivirus, déposez-en un autre")
    else:
        note = _("fichier en cours d'analyse antivirus")
    return format_lazy("{label} ({note})", label=requirement.label, note=note)
