"""Demo calls, clusters and dossiers for `manage.py seed_demo`, from the programme's history."""

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone, translation

from accounts.models import Role, User
from core.translation import in_each_language

from .choices import MemberType, Region, ScanStatus, Sector
from .defaults import DEFAULT_CHECKLIST
from .models import (
    Call,
    CallStatus,
    Cluster,
    ClusterMember,
    Dossier,
    DossierDocument,
    DossierStatus,
    RequiredDocument,
)

CASABLANCA = ZoneInfo("Africa/Casablanca")
DEMO_PASSWORD = "Clusters-Demo-2026"  # noqa: S105 -- demo only, printed by seed_demo  # nosec B105
# A tiny but valid PDF, so that demo files can be downloaded and opened.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

CLUSTERS_2011 = [
    (
        "mnc@demo.clusters.ma",
        "Maroc Numeric Cluster",
        "MNC",
        Sector.ICT,
        Region.CASABLANCA,
        "Casablanca",
    ),
    (
        "ce3m@demo.clusters.ma",
        "Cluster Électronique, Mécatronique et Mécanique du Maroc",
        "CE3M",
        Sector.ELECTRONICS,
        Region.CASABLANCA,
        "Casablanca",
    ),
    (
        "mmc@demo.clusters.ma",
        "Morocco Microelectronics Cluster",
        "MMC",
        Sector.ELECTRONICS,
        Region.RABAT,
        "Rabat",
    ),
    (
        "oceanopole@demo.clusters.ma",
        "Océanopôle Tan-Tan",
        "Océanopôle",
        Sector.SEA,
        Region.GUELMIM,
        "Tan-Tan",
    ),
]
MEMBER_MIX = (
    [MemberType.SME] * 8
    + [MemberType.STARTUP] * 3
    + [MemberType.LARGE_COMPANY] * 2
    + [
        MemberType.RESEARCH,
        MemberType.TRAINING,
        MemberType.PUBLIC_BODY,
    ]
)


def _local(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=CASABLANCA)


def _call(reference, **fields):
    call, created = Call.objects.get_or_create(reference=reference, defaults=fields)
    if created:
        for position, (part, label, mandatory, types, size) in enumerate(DEFAULT_CHECKLIST):
            RequiredDocument.objects.create(
                call=call,
                part=part,
                mandatory=mandatory,
                allowed_types=[str(code) for code in types],
                max_size_mb=size,
                position=position,
                **in_each_language("label", label),
            )
    return call, created


def _calls():
    now = timezone.now()
    common = {"status": CallStatus.PUBLISHED, "contract_years": 5}
    call_2011, _created = _call(
        "aap-clusters-2011",
        title="Appel à projets clusters 2011",
        title_ar="طلب مشاريع التجمعات 2011",
        title_en="Call for cluster projects 2011",
        description_ar="أول طلب مشاريع لبرنامج دعم التجمعات (صندوق دعم التجمعات، 62 مليون درهم للفترة 2011-2013).",
        description_en="First call for projects of the cluster support programme (cluster support fund, MAD 62 million for 2011-2013).",
        edition_year=2011,
        description="Premier appel à projets du programme d'appui aux clusters (Fonds d'appui aux clusters, 62 MDH pour 2011-2013).",
        opens_at=_local(2011, 2, 18, 9),
        closes_at=_local(2011, 4, 15, 15),
        budget_envelope=Decimal("62000000"),
        **{**common, "contract_years": 3, "published_at": _local(2011, 2, 18, 9)},
    )
    call_2024, _created = _call(
        "aap-clusters-2024",
        title="Appel à projets clusters 2024",
        title_ar="طلب مشاريع التجمعات 2024",
        title_en="Call for cluster projects 2024",
        description_ar="طلب مفتوح للتجمعات الجديدة وللتجمعات القائمة التي تجاوزت 8 سنوات من الدعم.",
        description_en="Call open to new clusters and to existing clusters beyond 8 years of support.",
        edition_year=2024,
        description="Appel ouvert aux nouveaux clusters et aux clusters existants au-delà de 8 ans de soutien.",
        opens_at=_local(2024, 9, 2, 9),
        closes_at=_local(2024, 10, 25, 15),
        budget_envelope=Decimal("20000000"),
        **{**common, "published_at": _local(2024, 9, 2, 9)},
    )
    closing = timezone.localtime(now + timedelta(weeks=5)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    open_call, _created = _call(
        f"aap-clusters-{closing.year}",
        title=f"Appel à projets clusters {closing.year}",
        title_ar=f"طلب مشاريع التجمعات {closing.year}",
        title_en=f"Call for cluster projects {closing.year}",
        description_ar="طلب مشاريع لاعتماد وتمويل التجمعات الجديدة والتجمعات القائمة التي تجاوزت 8 سنوات من الدعم. توقّع التجمعات المختارة عقدًا-برنامجًا مدته 5 سنوات (2 000 000 درهم في السنة على الأكثر).",
        description_en="Call for projects to label and fund new clusters, and existing clusters beyond 8 years of support. The selected clusters sign a 5-year contrat-programme (at most MAD 2,000,000 a year).",
        edition_year=closing.year,
        description="Appel à projets pour la labellisation et le financement de nouveaux clusters et des clusters existants au-delà de 8 ans de soutien. Les clusters retenus signent un contrat-programme de 5 ans (2 000 000 MAD par an au maximum).",
        opens_at=now - timedelta(days=14),
        closes_at=closing,
        budget_envelope=Decimal("20000000"),
        **{**common, "published_at": now - timedelta(days=14)},
    )
    return call_2011, call_2024, open_call


def _director(email, name):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"full_name": name, "role": Role.DIRECTOR, "email_verified_at": timezone.now()},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _cluster(owner, name, acronym, sector, region, city, founded, supported=None):
    cluster, created = Cluster.objects.get_or_create(
        owner=owner,
        defaults={
            "name": name,
            "acronym": acronym,
            "sector": sector,
            "region": region,
            "city": city,
            "founded_year": founded,
            "first_supported_year": supported,
            "director_name": owner.full_name,
            "president_name": "—",
        },
    )
    if created:
        ClusterMember.objects.bulk_create(
            ClusterMember(
                cluster=cluster,
                name=f"{acronym} — membre {index + 1}",
                member_type=kind,
                city=city,
                joined_year=founded,
            )
            for index, kind in enumerate(MEMBER_MIX)
        )
    return cluster


def _submitted_dossier(call, cluster, submitted_at):
    dossier, created = Dossier.objects.get_or_create(
        call=call,
        cluster=cluster,
        defaults={
            "reference": f"{call.reference}-{cluster.pk:04d}".upper(),
            "status": DossierStatus.SUBMITTED,
            "submitted_at": submitted_at,
            "perimeter": f"{cluster.city} et sa région.",
            "governance": "Association dirigée par un conseil d'administration élu.",
            "strategy": "Développer des projets collaboratifs d'innovation entre entreprises, recherche et formation.",
        },
    )
    if created:
        dossier.participating_members.set(cluster.members.all())
        for requirement in call.required_documents.filter(mandatory=True):
            document = DossierDocument(
                dossier=dossier,
                requirement=requirement,
                original_name=f"{requirement.label}.pdf",
                size=len(DEMO_PDF),
                sha256=hashlib.sha256(DEMO_PDF).hexdigest(),
                content_type="application/pdf",
                uploaded_by=cluster.owner,
                # The demo's own PDF, known harmless: no antivirus verdict to wait for.
                scan_status=ScanStatus.CLEAN,
            )
            document.file.save(f"{requirement.pk}.pdf", ContentFile(DEMO_PDF), save=False)
            document.save()
    return dossier


def _demo_director_draft(call):
    owner = User.objects.filter(email="directeur@demo.clusters.ma").first()
    if owner is None:
        return None
    cluster = _cluster(
        owner, "Cluster Solaire", "CS", Sector.ENERGY, Region.RABAT, "Rabat", 2014, 2016
    )
    dossier, created = Dossier.objects.get_or_create(
        call=call,
        cluster=cluster,
        defaults={
            "reference": f"{call.reference}-{cluster.pk:04d}".upper(),
            "perimeter": "Régions de Rabat-Salé-Kénitra, Souss-Massa et Drâa-Tafilalet.",
            "governance": "Conseil d'administration de 9 membres, comité technique, équipe d'animation de 4 personnes.",
            "strategy": "Structurer la filière solaire marocaine autour de projets collaboratifs de R&D et d'export.",
        },
    )
    if created:
        dossier.participating_members.set(cluster.members.all()[:10])
    return dossier


def seed(stdout):
    with translation.override("fr"):
        call_2011, call_2024, open_call = _calls()
        for index, (email, name, acronym, sector, region, city) in enumerate(CLUSTERS_2011):
            owner = _director(email, f"Direction {acronym}")
            cluster = _cluster(owner, name, acronym, sector, region, city, 2009 + index % 2)
            _submitted_dossier(call_2011, cluster, _local(2011, 4, 10 + index, 11, 30))
        draft = _demo_director_draft(open_call)
    for call in (call_2011, call_2024, open_call):
        stdout.write(
            f"  {call.title:<34} closes {timezone.localtime(call.closes_at):%d/%m/%Y %H:%M}"
        )
    if draft:
        stdout.write(f"  Draft dossier of the demo director: {draft.reference}")
