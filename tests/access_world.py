"""One world for the access matrix: a cluster with a dossier at every stage, built through the
real services, and the people around it.

Everything here belongs to the director's cluster and is something the director may
legitimately see, so that a 404 for the other director or an evaluator not assigned proves
the scoping rather than a missing object. The other director has a cluster and a dossier of his
own, evaluated by the evaluator not assigned, so that their lists are not empty either.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_invite
from accounts.tests.factories import DirectorFactory, EvaluatorFactory
from applications.models import Call, ClusterMember, Dossier, DossierStatus
from applications.services.submission import dossier_submit
from applications.tests.builders import PDF, call_with_checklist, complete, pdf_file
from applications.tests.factories import CallFactory, ClusterFactory, DossierFactory
from contracts.models import ContractVersion
from contracts.services import generation, lifecycle, reports
from contracts.tests.factories import selected_decision
from evaluation.services.admissibility import admissibility_declare, documents_request
from evaluation.services.assignment import assignment_create, interests_declare
from evaluation.services.grid import grid_ensure
from evaluation.services.reviews import review_save, review_submit
from evaluation.tests.factories import AssignmentFactory

OWNER_CLUSTER = "Cluster Soleil Atlas"
OWNER_ACRONYM = "CSATLAS"
OUTSIDER_CLUSTER = "Cluster Textile Nord"


@dataclass
class World:
    people: dict
    cluster: object
    co_editor: object
    open_call: object
    requested: object
    evaluated: object
    assignment: object
    review: object
    decision: object
    contract: object
    report: object
    evidence_line: object
    tranche: object
    outsider_dossier: object
    invitee: object


def _stub_pdf(field, name):
    """A file field filled with a tiny PDF: WeasyPrint's rendering is tested elsewhere, and
    here only who may download the file matters."""
    field.save(name, ContentFile(PDF), save=True)


def _close(call):
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(hours=1)
    )
    call.refresh_from_db()


def _members(cluster, count=16):
    ClusterMember.objects.bulk_create(
        ClusterMember(
            cluster=cluster,
            name=f"Entreprise {i}",
            member_type="sme",
            city="Rabat",
            joined_year=2019,
        )
        for i in range(count)
    )


def _deposited(director, cluster, call):
    """A complete dossier submitted before the deadline; the call then closes."""
    dossier = complete(DossierFactory(call=call, cluster=cluster), director)
    dossier_submit(actor=director, dossier=dossier, declaration=True)
    _close(call)
    dossier = Dossier.objects.get(pk=dossier.pk)
    _stub_pdf(dossier.receipts.get().pdf, "accuse.pdf")
    return dossier


def _requested(director, cluster, administrator):
    """A deposited dossier for which the ministry asked for a document."""
    dossier = _deposited(director, cluster, call_with_checklist())
    documents_request(
        actor=administrator,
        dossier=dossier,
        requirements=[dossier.call.required_documents.get(label="Statuts")],
        message="Les statuts fournis ne sont pas signés.",
        reply_by=timezone.now() + timedelta(days=7),
    )
    return Dossier.objects.get(pk=dossier.pk)


def _evaluated(director, cluster, administrator, evaluator):
    """A deposited dossier, admissible, assigned to the evaluator who scored it."""
    dossier = _deposited(director, cluster, call_with_checklist())
    grid_ensure(call=dossier.call)
    admissibility_declare(actor=administrator, dossier=dossier, admissible=True)
    assignment = assignment_create(actor=administrator, dossier=dossier, evaluator=evaluator)
    interests_declare(actor=evaluator, assignment=assignment, has_conflict=False)
    criteria = dossier.call.grid.criteria.all()
    review_save(
        actor=evaluator,
        assignment=assignment,
        scores={criterion.pk: (3, "Argumenté par le dossier.") for criterion in criteria},
    )
    review = review_submit(actor=evaluator, assignment=assignment)
    return Dossier.objects.get(pk=dossier.pk), assignment, review


def _contract(director, administrator):
    """A selected dossier's contract, signed and in force, with its year-1 report filed."""
    decision = selected_decision(director=director, decided_by=administrator)
    _stub_pdf(decision.letter, "lettre.pdf")
    contract = generation.contract_generate(actor=administrator, decision=decision)
    for version in ContractVersion.objects.filter(contract=contract, pdf=""):
        _stub_pdf(version.pdf, f"contrat-v{version.number}.pdf")
    contract = lifecycle.contract_send(actor=administrator, contract=contract)
    contract = lifecycle.contract_sign(
        actor=director, contract=contract, scan=pdf_file("contrat-signe.pdf")
    )
    contract = lifecycle.contract_activate(
        actor=administrator, contract=contract, final_copy=pdf_file("contrat-final.pdf")
    )
    return decision, contract


def _report(contract, director):
    report = reports.report_open(actor=director, contract=contract, year=1)
    for index, commitment in enumerate(contract.commitments.filter(year=1).order_by("pk")):
        reports.achievement_save(
            actor=director,
            report=report,
            commitment=commitment,
            achieved=commitment.target,
            evidence=pdf_file("preuve.pdf") if index == 0 else None,
        )
    reports.report_save(
        actor=director,
        report=report,
        comment="Année conforme au plan d'action.",
        activity_report=pdf_file("rapport-activite.pdf"),
        financial_report=pdf_file("rapport-financier.pdf"),
    )
    report = reports.report_submit(actor=director, report=report)
    return report, report.achievements.exclude(evidence="").get()


def _outsiders_dossier(outsider, call, other_evaluator):
    cluster = ClusterFactory(owner=outsider, name=OUTSIDER_CLUSTER, acronym="CTN")
    dossier = DossierFactory(
        call=call,
        cluster=cluster,
        status=DossierStatus.UNDER_EVALUATION,
        submitted_at=timezone.now() - timedelta(days=3),
    )
    AssignmentFactory(dossier=dossier, evaluator=other_evaluator)
    return dossier


def _open_call():
    call = CallFactory()
    _stub_pdf(call.specification, "cahier-des-charges.pdf")
    return call


def build_world(*, director, outsider, evaluator, committee_member, administrator):
    other_evaluator = EvaluatorFactory(email="evaluatrice@mcinet.gov.ma", full_name="Houda Idrissi")
    decision, contract = _contract(director, administrator)
    # The contract's cluster is the director's one cluster: the other stages join it.
    cluster = decision.dossier.cluster
    cluster.name, cluster.acronym = OWNER_CLUSTER, OWNER_ACRONYM
    cluster.save(update_fields=["name", "acronym"])
    _members(cluster)
    co_editor = DirectorFactory(email="co-editrice@cluster-a.ma", full_name="Hind Berrada")
    cluster.co_editors.add(co_editor)
    report, evidence_line = _report(contract, director)
    requested = _requested(director, cluster, administrator)
    evaluated, assignment, review = _evaluated(director, cluster, administrator, evaluator)
    return World(
        people={
            "anonymous": None,
            "director": director,
            "outsider": outsider,
            "assigned": evaluator,
            "unassigned": other_evaluator,
            "committee": committee_member,
            "administrator": administrator,
        },
        cluster=cluster,
        co_editor=co_editor,
        open_call=_open_call(),
        requested=requested,
        evaluated=evaluated,
        assignment=assignment,
        review=review,
        decision=decision,
        contract=contract,
        report=report,
        evidence_line=evidence_line,
        tranche=contract.tranches.order_by("year", "position").first(),
        outsider_dossier=_outsiders_dossier(outsider, evaluated.call, other_evaluator),
        invitee=user_invite(
            inviter=administrator,
            email="invitee@mcinet.gov.ma",
            full_name="Sara Lahlou",
            role=Role.EVALUATOR,
            language="fr",
        ),
    )
