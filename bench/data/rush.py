"""The deadline rush's data (`make bench`, step 4): a second call, open, and directors whose
drafts are complete but for the call's three files, so that three uploads make them ready to
submit. Written in bulk, like the rest of the seed, with the same builders."""

import random
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from applications.choices import DocumentPart
from applications.models import Call, CallStatus, Cluster, Dossier, DossierStatus, RequiredDocument
from core.uploads import FileType

from . import dossiers, people
from .plan import BATCH, DOMAIN, PASSWORD, _scaled

RUSH_REFERENCE = "aap-bench-rush"
RUSH_DIRECTORS = 300
# Drafts enough for the rush of the target (300) and then one twice its size (600).
RUSH_RUNS = (1, 2)
# Open long enough for a seed today to be measured tomorrow; the rush itself is timed, not
# dated: what matters is that the call is open while the clients submit.
OPEN_FOR = timedelta(days=7)
# What a client uploads: two administrative pieces and one technical, 2 MB each at most 5.
RUSH_DOCUMENTS = [
    (DocumentPart.ADMINISTRATIVE, "Statuts de la structure d'animation"),
    (DocumentPart.ADMINISTRATIVE, "Attestation de régularité fiscale"),
    (DocumentPart.TECHNICAL, "Plan d'action pluriannuel"),
]
MAX_SIZE_MB = 5


def rush_count(scale):
    """Directors in the rush of the target, at this scale."""
    return _scaled(RUSH_DIRECTORS, scale, 3)


def rush_drafts(scale):
    """Drafts the seed writes: one for each director of every rush `make bench` runs."""
    return rush_count(scale) * sum(RUSH_RUNS)


def rush_email(n):
    return f"rush{n:04d}@{DOMAIN}"


def rush_prepare(plan, count=None):
    """Write the open call, `count` directors with their clusters and complete drafts."""
    count = rush_drafts(plan.scale) if count is None else count
    # Its own generator: the rush's data does not depend on what the other steps drew.
    rush = SimpleNamespace(rng=random.Random(plan.seed + 1))  # noqa: S311 -- reproducible data, not secrets  # nosec B311
    rush.call = _call_create(plan)
    rush.directors = _directors_create(plan, count)
    people.clusters_create(rush)
    _clusters_rename(rush.clusters_list)
    _drafts_create(rush)
    plan.rush = rush
    return rush


def _call_create(plan):
    opens_at = plan.now - timedelta(days=30)
    call = Call.objects.create(
        reference=RUSH_REFERENCE,
        title="Appel à projets clusters — ruée avant la clôture",
        edition_year=plan.now.year,
        description="Appel fictif du banc d'essai : des centaines de dépôts dans la dernière minute.",
        opens_at=opens_at,
        closes_at=plan.now + OPEN_FOR,
        results_expected_on=(plan.now + OPEN_FOR + timedelta(days=90)).date(),
        budget_envelope=Decimal("60000000"),
        contract_years=5,
        max_annual_subsidy=Decimal("2000000"),
        status=CallStatus.PUBLISHED,
        published_at=opens_at,
    )
    RequiredDocument.objects.bulk_create(
        RequiredDocument(
            call=call,
            part=part,
            label=label,
            mandatory=True,
            allowed_types=[FileType.PDF],
            max_size_mb=MAX_SIZE_MB,
            position=index,
        )
        for index, (part, label) in enumerate(RUSH_DOCUMENTS)
    )
    return call


def _directors_create(plan, count):
    # The users step already hashed the password once: hashing it again costs 0.2 s.
    directors = getattr(plan, "directors", None)
    password = directors[0].password if directors else make_password(PASSWORD)
    users = [
        User(
            email=rush_email(n),
            full_name=f"Directeur ruée {n:04d}",
            role=Role.DIRECTOR,
            password=password,
            email_verified_at=plan.now - timedelta(days=30),
            preferred_language="fr",
            two_factor_enabled=False,
        )
        for n in range(count)
    ]
    User.objects.bulk_create(users, batch_size=BATCH)
    return users


def _clusters_rename(clusters):
    """`clusters_create` names them like step 1's: the rush's must be told apart on a page."""
    for n, cluster in enumerate(clusters):
        cluster.name, cluster.acronym = f"Cluster ruée {n:04d}", f"CR{n:04d}"
    Cluster.objects.bulk_update(clusters, ["name", "acronym"], batch_size=BATCH)


def _drafts_create(rush):
    """Drafts as `dossier_start` leaves them, then every section filled but the files."""
    texts = {name: f"Texte de la section « {name} » du dossier." for name in dossiers.TEXT_FIELDS}
    rush.dossiers = [
        Dossier(
            call=rush.call,
            cluster=cluster,
            reference=f"{rush.call.reference}-{cluster.pk:04d}".upper(),
            status=DossierStatus.DRAFT,
            last_edited_by=cluster.owner,
            **texts,
        )
        for cluster in rush.clusters_list
    ]
    Dossier.objects.bulk_create(rush.dossiers, batch_size=BATCH)
    # Members, one collaborative project, five years of budget and of KPI targets.
    dossiers._contents_create(rush)
    dossiers.dossier_steps_journal(
        rush.dossiers, "dossier.create", DossierStatus.DRAFT, at=lambda d: rush.call.opens_at
    )


def padded_pdf(size, fill):
    """A valid one-page PDF of exactly `size` bytes: the page, then an unreferenced stream of
    hexadecimal text, which no reader runs and the upload checks accept (random binary would
    soon spell `/JS` or `<svg` by chance and be refused as active content).

    `fill(n)` returns n bytes of hexadecimal text: random, so every file has its own SHA-256.
    """
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
    ]
    # The xref's offsets make the size depend on the padding's digits: solve it twice.
    padding = size
    for _attempt in range(3):
        content = _pdf_with_stream(objects, fill(max(padding, 0)))
        if len(content) == size:
            return content
        padding += size - len(content)
    raise ValueError(f"cannot build a PDF of exactly {size} bytes")


def _pdf_with_stream(objects, data):
    body = [*objects, b"<</Length %d>>stream\n" % len(data) + data + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(body) + 1, xref)
    return bytes(out)
