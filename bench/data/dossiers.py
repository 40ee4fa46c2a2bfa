"""The call's 1,000 submitted dossiers, their files on the default storage and their receipts."""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from applications.choices import Indicator, ScanStatus
from applications.models import (
    BudgetYear,
    CollaborativeProject,
    Dossier,
    DossierDocument,
    DossierStatus,
    KpiTarget,
    Receipt,
)
from applications.sections import SECTIONS
from core.models import JournalEntry

from .plan import BATCH, CONTRACT_YEARS

# A one-page PDF that any reader opens; each copy gets its own comment line, hence its own
# fingerprint, as real uploads would.
PDF_HEAD = b"%PDF-1.4\n"
PDF_BODY = (
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
TEXT_FIELDS = [name for section in SECTIONS for name in section.fields]


def pdf_bytes(tag):
    return PDF_HEAD + f"%banc {tag}\n".encode() + PDF_BODY


def store_pdf(plan, folder, tag):
    """Save a small PDF through the default storage, as an upload would; (name, bytes)."""
    content = pdf_bytes(tag)
    name = default_storage.save(
        f"{folder}/{plan.rng.getrandbits(128):032x}.pdf", ContentFile(content)
    )
    return name, content


def _outcomes(plan):
    """Which dossiers the committee selected, waitlisted and rejected, shuffled by the seed."""
    order = list(range(plan.clusters))
    plan.rng.shuffle(order)
    outcomes = [DossierStatus.REJECTED] * plan.clusters
    for rank, index in enumerate(order):
        if rank < plan.contracts:
            outcomes[index] = DossierStatus.SELECTED
        elif rank < plan.contracts + plan.waiting_list:
            outcomes[index] = DossierStatus.WAITING_LIST
    return outcomes


def _submitted_at(plan):
    """Half the clusters submit in the last hour before the deadline, as they do."""
    if plan.rng.random() < 0.5:
        return plan.closes_at - timedelta(seconds=plan.rng.randint(1, 3600))
    return plan.closes_at - timedelta(seconds=plan.rng.randint(3600, 59 * 86400))


def dossiers_create(plan):
    plan.outcomes = _outcomes(plan)
    texts = {name: f"Texte de la section « {name} » du dossier." for name in TEXT_FIELDS}
    dossiers = [
        Dossier(
            call=plan.call,
            cluster=cluster,
            reference=f"{plan.call.reference}-{cluster.pk:04d}".upper(),
            status=plan.outcomes[n],
            submitted_at=_submitted_at(plan),
            participants_snapshot=[
                {
                    "name": m.name,
                    "member_type": m.member_type,
                    "city": m.city,
                    "joined_year": m.joined_year,
                }
                for m in plan.members[cluster.pk]
            ],
            last_edited_by=cluster.owner,
            **texts,
        )
        for n, cluster in enumerate(plan.clusters_list)
    ]
    Dossier.objects.bulk_create(dossiers, batch_size=BATCH)
    plan.dossiers = dossiers
    _contents_create(plan)
    return dossiers


def _contents_create(plan):
    through = Dossier.participating_members.through
    through.objects.bulk_create(
        (
            through(dossier_id=d.pk, clustermember_id=m.pk)
            for d in plan.dossiers
            for m in plan.members[d.cluster_id]
        ),
        batch_size=BATCH * 5,
    )
    CollaborativeProject.objects.bulk_create(
        CollaborativeProject(
            dossier=d,
            title=f"Plateforme collaborative {d.reference}",
            partners="Université Mohammed V, IRESEN",
            budget=Decimal("3500000"),
            duration_months=24,
        )
        for d in plan.dossiers
    )
    plan.requested = {}
    budgets = []
    for d in plan.dossiers:
        per_year = Decimal(plan.rng.randrange(10, 21) * 100000)
        plan.requested[d.pk] = per_year
        budgets += [
            BudgetYear(
                dossier=d,
                year=year,
                animation_budget=per_year * Decimal("1.5"),
                subsidy_requested=per_year,
            )
            for year in range(1, CONTRACT_YEARS + 1)
        ]
    BudgetYear.objects.bulk_create(budgets, batch_size=BATCH)
    KpiTarget.objects.bulk_create(
        (
            KpiTarget(dossier=d, indicator=indicator, year=year, target=2 + year + n % 3)
            for d in plan.dossiers
            for n, indicator in enumerate(Indicator.values)
            for year in range(1, CONTRACT_YEARS + 1)
        ),
        batch_size=BATCH * 5,
    )


def documents_create(plan):
    """Every mandatory piece, stored for real with its SHA-256, clean (scanning is off)."""
    requirements = list(plan.call.required_documents.filter(mandatory=True))
    documents = []
    for d in plan.dossiers:
        for requirement in requirements:
            name, content = store_pdf(plan, f"dossiers/{d.pk}", f"{d.reference} {requirement.pk}")
            documents.append(
                DossierDocument(
                    dossier=d,
                    requirement=requirement,
                    file=name,
                    original_name=f"piece-{requirement.position + 1}.pdf",
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                    content_type="application/pdf",
                    uploaded_by=d.cluster.owner,
                    uploaded_at=d.submitted_at - timedelta(hours=2),
                    scan_status=ScanStatus.CLEAN,
                    scanned_at=d.submitted_at - timedelta(hours=2),
                )
            )
    DossierDocument.objects.bulk_create(documents, batch_size=BATCH)
    _receipts_create(plan, requirements, documents)


def _receipts_create(plan, requirements, documents):
    """The receipt rows as `dossier_submit` writes them; their PDF is not rendered."""
    by_dossier = {}
    for document in documents:
        by_dossier.setdefault(document.dossier_id, []).append(document)
    parts = {r.pk: (str(r.get_part_display()), r.label) for r in requirements}
    Receipt.objects.bulk_create(
        (
            Receipt(
                dossier=d,
                number=f"{d.reference}-AR01",
                submitted_at=d.submitted_at,
                files=[
                    {
                        "part": parts[doc.requirement_id][0],
                        "label": parts[doc.requirement_id][1],
                        "name": doc.original_name,
                        "size": doc.size,
                        "sha256": doc.sha256,
                    }
                    for doc in by_dossier[d.pk]
                ],
                language="fr",
                submitted_by=d.cluster.owner,
            )
            for d in plan.dossiers
        ),
        batch_size=BATCH,
    )
    dossier_steps_journal(
        plan.dossiers,
        "dossier.submit",
        DossierStatus.SUBMITTED,
        at=lambda d: d.submitted_at,
        from_state=DossierStatus.DRAFT,
    )


def dossier_steps_journal(dossiers, action, to_state, *, at, from_state=""):
    """One journal entry a dossier, by its director, as the service would have written it."""
    dossier_type = ContentType.objects.get_for_model(Dossier)
    JournalEntry.objects.bulk_create(
        (
            JournalEntry(
                content_type=dossier_type,
                object_id=d.pk,
                actor=d.cluster.owner,
                action=action,
                from_state=from_state,
                to_state=to_state,
                created_at=at(d),
            )
            for d in dossiers
        ),
        batch_size=BATCH,
    )
