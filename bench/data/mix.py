"""The realistic mix's data (`make bench`, bench/mix.py): what its people write to.

- an open call, `aap-bench-mix`, with a draft for each director of the mix (they save its
  sections), apart from the rush's drafts, which the rush uses up;
- a closed call, `aap-bench-evaluation`, whose dossiers are being evaluated: each evaluator of
  the mix has three assignments with no review yet (they save review drafts);
- the programme's team: administrators beside `admin`, each with an authenticator key.

The director, the evaluator and the administrator whose pages are measured alone
(bench/targets.py) get nothing here, so those pages show the same rows as before."""

import random
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from applications.models import Call, CallStatus, Dossier, DossierStatus
from evaluation.models import Assignment, AssignmentStatus, ConflictDeclaration
from evaluation.services.grid import grid_ensure

from . import dossiers
from .people import checklist_create, totp_key
from .plan import BATCH, REVIEWS_PER_DOSSIER, _scaled

MIX_REFERENCE = "aap-bench-mix"
EVALUATION_REFERENCE = "aap-bench-evaluation"
# 224 people at full scale, in the proportions of the programme: directors of clusters, the
# evaluators of a call, the ministry's small team.
MIX_DIRECTORS = 180
MIX_EVALUATORS = 36
MIX_ADMINISTRATORS = 8


def mix_sizes(plan):
    """How many people of each role the mix has at this scale (directors and evaluators
    other than the measured ones)."""
    return {
        "director": min(len(plan.directors) - 1, _scaled(MIX_DIRECTORS, plan.scale, 2)),
        "evaluator": min(plan.evaluators - 1, _scaled(MIX_EVALUATORS, plan.scale, 1)),
        "administrator": _scaled(MIX_ADMINISTRATORS, plan.scale, 1),
    }


def mix_prepare(plan):
    sizes = mix_sizes(plan)
    mix = SimpleNamespace(rng=random.Random(plan.seed + 2), members=plan.members)  # noqa: S311 -- reproducible data, not secrets  # nosec B311
    measured = plan.contract_list[0].cluster_id
    clusters = [c for c in plan.clusters_list if c.pk != measured]
    _drafts_create(plan, mix, clusters[: sizes["director"]])
    _evaluation_create(plan, mix, clusters[-sizes["evaluator"] :], sizes["evaluator"])
    _administrators_create(plan, sizes["administrator"] - 1)
    plan.mix = mix
    return mix


def _call(reference, title, *, opens_at, closes_at, status):
    call = Call.objects.create(
        reference=reference,
        title=title,
        edition_year=opens_at.year,
        description="Appel fictif du banc d'essai : le mélange réaliste d'utilisateurs.",
        opens_at=opens_at,
        closes_at=closes_at,
        results_expected_on=(closes_at + timedelta(days=90)).date(),
        budget_envelope=Decimal("60000000"),
        contract_years=5,
        max_annual_subsidy=Decimal("2000000"),
        status=status,
        published_at=opens_at,
    )
    checklist_create(call)
    return call


def _on_the_hour(moment):
    # The call form shows minutes: an administrator saving it sends back the same dates.
    return timezone.localtime(moment).replace(minute=0, second=0, microsecond=0)


def _dossiers(call, clusters, status, **fields):
    texts = {name: f"Texte de la section « {name} » du dossier." for name in dossiers.TEXT_FIELDS}
    made = [
        Dossier(
            call=call,
            cluster=cluster,
            reference=f"{call.reference}-{cluster.pk:04d}".upper(),
            status=status,
            last_edited_by=cluster.owner,
            **texts,
            **fields,
        )
        for cluster in clusters
    ]
    Dossier.objects.bulk_create(made, batch_size=BATCH)
    return made


def _drafts_create(plan, mix, clusters):
    """The open call, and a draft of each director, every section written but the files."""
    mix.call = _call(
        MIX_REFERENCE,
        "Appel à projets clusters — mélange réaliste",
        opens_at=_on_the_hour(plan.now - timedelta(days=20)),
        closes_at=_on_the_hour(plan.now + timedelta(days=40)),
        status=CallStatus.PUBLISHED,
    )
    mix.dossiers = _dossiers(mix.call, clusters, DossierStatus.DRAFT)
    dossiers._contents_create(mix)
    dossiers.dossier_steps_journal(
        mix.dossiers, "dossier.create", DossierStatus.DRAFT, at=lambda d: mix.call.opens_at
    )


def _evaluation_create(plan, mix, clusters, evaluators):
    """The closed call, its dossiers submitted with their files and under evaluation, each
    assigned to three evaluators of the mix (never the measured `evaluateur000`), who have
    declared no conflict and written nothing yet."""
    closes_at = _on_the_hour(plan.now - timedelta(days=10))
    evaluation = SimpleNamespace(rng=mix.rng, members=plan.members)
    evaluation.call = _call(
        EVALUATION_REFERENCE,
        "Appel à projets clusters — en cours d'évaluation",
        opens_at=closes_at - timedelta(days=60),
        closes_at=closes_at,
        status=CallStatus.PUBLISHED,
    )
    evaluation.dossiers = _dossiers(
        evaluation.call,
        clusters,
        DossierStatus.UNDER_EVALUATION,
        submitted_at=closes_at - timedelta(days=1),
    )
    dossiers._contents_create(evaluation)
    dossiers.documents_create(evaluation)
    grid = grid_ensure(call=evaluation.call)
    grid.evaluation_deadline = plan.now + timedelta(days=14)
    grid.save()
    pool = plan.evaluator_users[1 : 1 + evaluators]
    pairs = [
        (dossier, pool[(n + k) % len(pool)])
        for n, dossier in enumerate(evaluation.dossiers)
        for k in range(min(REVIEWS_PER_DOSSIER, len(pool)))
    ]
    Assignment.objects.bulk_create(
        (
            Assignment(
                dossier=dossier,
                evaluator=evaluator,
                assigned_by=plan.admin,
                status=AssignmentStatus.ACTIVE,
            )
            for dossier, evaluator in pairs
        ),
        batch_size=BATCH,
    )
    # An evaluator may have declared about a cluster already, for the first call.
    ConflictDeclaration.objects.bulk_create(
        (
            ConflictDeclaration(
                evaluator=evaluator, cluster_id=dossier.cluster_id, has_conflict=False
            )
            for dossier, evaluator in pairs
        ),
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    mix.evaluation = evaluation


def _administrators_create(plan, count):
    """The team beside `admin`: same password, their own authenticator key."""
    team = [
        User(
            email=plan.email(f"admin{n:02d}"),
            full_name=f"Administrateur Banc {n:02d}",
            role=Role.ADMINISTRATOR,
            password=plan.admin.password,
            email_verified_at=plan.opens_at,
            preferred_language="fr",
            two_factor_enabled=True,
        )
        for n in range(1, count + 1)
    ]
    User.objects.bulk_create(team, batch_size=BATCH)
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=person, name="Banc", confirmed=True, key=totp_key(plan, person.pk))
        for person in team
    )
