"""Demo evaluation for `manage.py seed_demo`: the 2011 call decided, the 2024 call under way."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F, Sum
from django.utils import timezone, translation

from accounts.demo import demo_device_give
from accounts.models import Role, User
from applications.choices import Region, Sector
from applications.demo import DEMO_PASSWORD, _cluster, _director, _submitted_dossier
from applications.models import BudgetYear, Call, CallStatus, Dossier, DossierStatus
from applications.services.calls import call_transition
from applications.services.submission import dossier_transition

from .models import (
    Assignment,
    AssignmentStatus,
    ConflictDeclaration,
    Decision,
    Grid,
    Review,
    Score,
)
from .services.grid import grid_ensure
from .services.reviews import review_summaries_refresh, review_transition
from .services.selection import decision_letter_pdf_render

CASABLANCA = ZoneInfo("Africa/Casablanca")
EVALUATORS = [
    ("evaluateur@demo.clusters.ma", "Youssef El Amrani"),
    ("evaluatrice2@demo.clusters.ma", "Houda Benkirane"),
    ("evaluateur3@demo.clusters.ma", "Mehdi Squalli"),
]
CLUSTERS_2024 = [
    ("green-h2@demo.clusters.ma", "Cluster Green H2", "GH2", Sector.ENERGY, Region.SOUSS, "Agadir"),
    (
        "mmi@demo.clusters.ma",
        "Moroccan Medical Industry",
        "MMI",
        Sector.HEALTH,
        Region.CASABLANCA,
        "Casablanca",
    ),
    (
        "valbiom@demo.clusters.ma",
        "Cluster Valbiom",
        "Valbiom",
        Sector.AGRIFOOD,
        Region.ORIENTAL,
        "Nador",
    ),
]
# Notes per evaluator (one per criterion of the default grid, 0 to 4).
STRONG = [4, 4, 3, 4, 3, 3, 3, 4, 3]
GOOD = [3, 3, 3, 3, 3, 3, 3, 3, 3]
WEAK = [2, 2, 1, 2, 2, 2, 2, 2, 2]


def _evaluators():
    people = []
    for email, name in EVALUATORS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "full_name": name,
                "role": Role.EVALUATOR,
                "email_verified_at": timezone.now(),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        # The printed demo key works for every demo staff account, these ones included.
        demo_device_give(user)
        people.append(user)
    return people


def _budget(dossier, amounts):
    for year, amount in enumerate(amounts, start=1):
        BudgetYear.objects.get_or_create(
            dossier=dossier,
            year=year,
            defaults={"animation_budget": amount * Decimal("1.5"), "subsidy_requested": amount},
        )


def _review(dossier, evaluator, notes, admin, when):
    assignment, _created = Assignment.objects.get_or_create(
        dossier=dossier,
        evaluator=evaluator,
        defaults={"assigned_by": admin, "status": AssignmentStatus.ACTIVE},
    )
    ConflictDeclaration.objects.get_or_create(
        evaluator=evaluator, cluster=dossier.cluster, defaults={"has_conflict": False}
    )
    if hasattr(assignment, "review"):
        return assignment.review
    grid = dossier.call.grid
    review = Review.objects.create(
        assignment=assignment, comment="Dossier examiné selon la grille."
    )
    Score.objects.bulk_create(
        Score(
            review=review,
            criterion=criterion,
            value=value,
            justification=f"Appréciation : {value}/4.",
        )
        for criterion, value in zip(grid.criteria.all(), notes, strict=True)
    )
    total = Score.objects.filter(review=review).aggregate(
        t=Sum(F("criterion__weight") * F("value"))
    )["t"]
    review.total = round(Decimal(total) / grid.scale_max, 2)
    review.submitted_at = when
    review_transition(
        actor=evaluator,
        review=review,
        action="submit",
        dossier=dossier,
        fields=["total", "submitted_at"],
        data={"total": str(review.total)},
    )
    Grid.objects.filter(pk=grid.pk, frozen_at__isnull=True).update(frozen_at=when)
    review_summaries_refresh(dossiers=Dossier.objects.filter(pk=dossier.pk))
    return review


def _to(dossier, admin, *actions):
    for action in actions:
        dossier = dossier_transition(actor=admin, dossier=dossier, action=action)
    return dossier


def _first_call(admin, evaluators):
    call = Call.objects.get(reference="aap-clusters-2011")
    grid_ensure(call=call)
    when = datetime(2011, 5, 20, 10, tzinfo=CASABLANCA)
    for dossier in call.dossiers.select_related("cluster"):
        # 17 MDH for the four clusters over three years, as in 2011.
        _budget(dossier, [Decimal("1500000"), Decimal("1375000"), Decimal("1375000")])
        if dossier.status == DossierStatus.SUBMITTED:
            dossier = _to(dossier, admin, "declare_admissible", "start_evaluation")
        for evaluator in evaluators[:2]:
            _review(dossier, evaluator, STRONG, admin, when)
        if dossier.status == DossierStatus.UNDER_EVALUATION:
            dossier = _to(dossier, admin, "select")
        asked = BudgetYear.objects.filter(dossier=dossier).aggregate(t=Sum("subsidy_requested"))[
            "t"
        ]
        Decision.objects.get_or_create(
            dossier=dossier,
            defaults={
                "outcome": Decision.Outcome.SELECTED,
                "subsidy_total": asked,
                "decided_by": admin,
            },
        )
    if call.status == CallStatus.PUBLISHED:
        call_transition(actor=admin, call=call, action="publish_results")
    # The letters the published results promise, rendered once (no e-mail for history).
    for decision in Decision.objects.filter(dossier__call=call, letter=""):
        decision_letter_pdf_render(decision_id=decision.pk)
    return call


def _second_call(admin, evaluators):
    call = Call.objects.get(reference="aap-clusters-2024")
    grid = grid_ensure(call=call)
    Grid.objects.filter(pk=grid.pk).update(evaluation_deadline=timezone.now() + timedelta(days=10))
    when = datetime(2024, 11, 15, 11, tzinfo=CASABLANCA)
    plans = [(GOOD, GOOD), (STRONG, WEAK), (None, None)]  # second: divergent; third: not started
    for index, ((email, name, acronym, sector, region, city), notes) in enumerate(
        zip(CLUSTERS_2024, plans, strict=True)
    ):
        owner = _director(email, f"Direction {acronym}")
        cluster = _cluster(owner, name, acronym, sector, region, city, 2019 + index)
        dossier = _submitted_dossier(
            call, cluster, datetime(2024, 10, 20 + index, 12, tzinfo=CASABLANCA)
        )
        _budget(dossier, [Decimal("2000000")] * call.contract_years)
        if dossier.status == DossierStatus.SUBMITTED and notes[0] is not None:
            dossier = _to(dossier, admin, "declare_admissible", "start_evaluation")
        if notes[0] is None:
            continue
        for evaluator, evaluator_notes in zip(evaluators, notes, strict=False):
            _review(dossier, evaluator, evaluator_notes, admin, when)
    return call


def seed(stdout):
    admin = User.objects.filter(email="admin@demo.clusters.ma").first()
    if admin is None:
        return
    with translation.override("fr"):
        evaluators = _evaluators()
        _first_call(admin, evaluators)
        _second_call(admin, evaluators)
    divergent = Dossier.objects.filter(
        call__reference="aap-clusters-2024", cluster__acronym="MMI"
    ).first()
    stdout.write(f"  {len(evaluators)} evaluators (password {DEMO_PASSWORD}); 2011 call decided")
    if divergent:
        stdout.write(f"  2024 call under evaluation; {divergent.reference} awaits a consensus")
