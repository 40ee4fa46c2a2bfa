"""Accounts, the call and the clusters of the benchmark."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from applications.choices import MemberType, Region, Sector
from applications.defaults import DEFAULT_CHECKLIST
from applications.models import Call, CallStatus, Cluster, ClusterMember, RequiredDocument

from .plan import BATCH, CALL_REFERENCE, MEMBERS_PER_CLUSTER, PASSWORD

MEMBER_TYPES = [MemberType.SME] * 8 + [
    MemberType.LARGE_COMPANY,
    MemberType.LARGE_COMPANY,
    MemberType.STARTUP,
    MemberType.STARTUP,
    MemberType.RESEARCH,
    MemberType.TRAINING,
    MemberType.PUBLIC_BODY,
    MemberType.FINANCING,
    MemberType.SME,
    MemberType.SME,
    MemberType.STARTUP,
    MemberType.OTHER,
]
CITIES = ["Casablanca", "Rabat", "Tanger", "Fès", "Marrakech", "Agadir", "Oujda", "Kénitra"]


def totp_key(plan, user_id):
    """The staff's authenticator secret, derived from the seed so the load generator can
    compute codes (40 hex digits, as django-otp stores it)."""
    return f"{plan.seed & 0xFFFFFFFF:08x}{user_id:032x}"


def users_create(plan):
    """One hash for every account: hashing 1,000 passwords would take minutes."""
    password = make_password(PASSWORD)
    verified = plan.opens_at

    def user(local, name, role):
        return User(
            email=plan.email(local),
            full_name=name,
            role=role,
            password=password,
            email_verified_at=verified,
            preferred_language="fr",
            two_factor_enabled=role != Role.DIRECTOR,
        )

    staff = [
        user("admin", "Administrateur Banc", Role.ADMINISTRATOR),
        user("comite", "Comité Banc", Role.COMMITTEE),
    ] + [
        user(f"evaluateur{n:03d}", f"Évaluateur {n:03d}", Role.EVALUATOR)
        for n in range(plan.evaluators)
    ]
    directors = [
        user(f"directeur{n:04d}", f"Directeur {n:04d}", Role.DIRECTOR) for n in range(plan.clusters)
    ]
    User.objects.bulk_create(staff + directors, batch_size=BATCH)
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=person, name="Banc", confirmed=True, key=totp_key(plan, person.pk))
        for person in staff
    )
    plan.admin, plan.committee = staff[0], staff[1]
    plan.evaluator_users = staff[2:]
    plan.directors = directors


def call_create(plan, envelope):
    call = Call.objects.create(
        reference=CALL_REFERENCE,
        title="Appel à projets clusters — banc d'essai",
        edition_year=plan.opens_at.year,
        description="Appel fictif du banc d'essai : 1 000 clusters candidats.",
        opens_at=plan.opens_at,
        closes_at=plan.closes_at,
        results_expected_on=(plan.closes_at + timedelta(days=90)).date(),
        budget_envelope=envelope,
        contract_years=5,
        max_annual_subsidy=Decimal("2000000"),
        status=CallStatus.RESULTS_PUBLISHED,
        published_at=plan.opens_at,
    )
    checklist_create(call)
    plan.call = call
    return call


def clusters_create(plan):
    sectors, regions = Sector.values, Region.values
    clusters = [
        Cluster(
            owner=director,
            name=f"Cluster banc {n:04d}",
            acronym=f"CB{n:04d}",
            sector=sectors[n % len(sectors)],
            region=regions[n % len(regions)],
            city=CITIES[n % len(CITIES)],
            founded_year=2000 + n % 20,
            first_supported_year=None if n % 3 else 2011,
            niches="Niches du cluster : innovation, export, formation.",
            president_name=f"Président {n:04d}",
            director_name=director.full_name,
            board="Conseil d'administration de huit membres.",
        )
        for n, director in enumerate(plan.directors)
    ]
    Cluster.objects.bulk_create(clusters, batch_size=BATCH)
    members = [
        ClusterMember(
            cluster=cluster,
            name=f"Membre {m:02d} du {cluster.acronym}",
            member_type=MEMBER_TYPES[m],
            city=CITIES[(n + m) % len(CITIES)],
            joined_year=2010 + m % 12,
        )
        for n, cluster in enumerate(clusters)
        for m in range(MEMBERS_PER_CLUSTER)
    ]
    ClusterMember.objects.bulk_create(members, batch_size=BATCH)
    plan.clusters_list = clusters
    plan.members = {}
    for member in members:
        plan.members.setdefault(member.cluster_id, []).append(member)


def checklist_create(call):
    """The call's required documents: the portal's default checklist, in its order."""
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            call=call,
            part=part,
            label=str(label),
            mandatory=mandatory,
            allowed_types=list(types),
            max_size_mb=size,
            position=index,
        )
        for index, (part, label, mandatory, types, size) in enumerate(DEFAULT_CHECKLIST)
    )
