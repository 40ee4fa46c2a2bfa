"""Builds dossiers in a known state for the tests, through the real services."""

import io
import zipfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from applications.choices import DocumentPart, Indicator, MemberType
from applications.models import ClusterMember
from applications.sections import SECTIONS
from applications.services import dossiers as services
from applications.services.documents import document_upload
from applications.tests.factories import (
    CallFactory,
    ClusterFactory,
    DossierFactory,
    RequiredDocumentFactory,
)
from core.uploads import FileType

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_file(name="statuts.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def office_file(name, marker, extra=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(marker, "<document/>")
        for path, data in (extra or {}).items():
            archive.writestr(path, data)
    return SimpleUploadedFile(name, buffer.getvalue())


def call_with_checklist(**call_fields):
    call = CallFactory(**call_fields)
    RequiredDocumentFactory(call=call, part=DocumentPart.ADMINISTRATIVE, label="Statuts")
    RequiredDocumentFactory(
        call=call,
        part=DocumentPart.TECHNICAL,
        label="Présentation du cluster",
        allowed_types=[FileType.PDF, FileType.DOCX],
    )
    RequiredDocumentFactory(
        call=call, part=DocumentPart.TECHNICAL, label="Lettres", mandatory=False
    )
    return call


def cluster_for(director, members=16):
    cluster = ClusterFactory(owner=director)
    ClusterMember.objects.bulk_create(
        ClusterMember(
            cluster=cluster,
            name=f"Entreprise {index}",
            member_type=MemberType.SME,
            city="Rabat",
            joined_year=2019,
        )
        for index in range(members)
    )
    return cluster


def draft_for(director, call=None, members=16):
    call = call or call_with_checklist()
    return DossierFactory(call=call, cluster=cluster_for(director, members))


def complete(dossier, actor, *, documents=True):
    """Fill every section of a draft, as a director would (its files too, unless the test
    sends them itself)."""
    for section in SECTIONS:
        if section.fields:
            values = dict.fromkeys(section.fields, f"Texte de la section {section.slug}.")
            services.dossier_section_save(
                actor=actor, dossier=dossier, slug=section.slug, values=values
            )
    services.dossier_members_save(
        actor=actor, dossier=dossier, members=list(dossier.cluster.members.all())
    )
    services.project_save(
        actor=actor,
        dossier=dossier,
        title="Plateforme de tests photovoltaïques",
        partners="IRESEN, Université Mohammed V",
        budget=Decimal("3500000"),
        duration_months=24,
    )
    years = dossier.call.contract_years
    services.budget_save(
        actor=actor,
        dossier=dossier,
        years={year: (Decimal("3000000"), Decimal("2000000")) for year in range(1, years + 1)},
    )
    services.kpis_save(
        actor=actor,
        dossier=dossier,
        targets={(i, y): 3 for i in Indicator.values for y in range(1, years + 1)},
    )
    mandatory = dossier.call.required_documents.filter(mandatory=True)
    for requirement in mandatory if documents else ():
        document_upload(actor=actor, dossier=dossier, requirement=requirement, uploaded=pdf_file())
    return dossier
