import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Avg, Count, Exists, ExpressionWrapper, F, Max, Min, OuterRef, Q
from django.db.models.functions import Coalesce

SUBMITTED = "submitted"
SCORE = models.DecimalField(max_digits=6, decimal_places=2)


def summaries_backfill(apps, schema_editor):
    """One summary per dossier with submitted reviews, as the review service now keeps them
    (evaluation.selectors.review_figures, written here with the models of this migration)."""
    Dossier = apps.get_model("applications", "Dossier")
    Score = apps.get_model("evaluation", "Score")
    ReviewSummary = apps.get_model("evaluation", "ReviewSummary")
    grid = "criterion__grid__"
    means = (
        Score.objects.filter(review__status=SUBMITTED, review__assignment__dossier=OuterRef("pk"))
        .values("criterion")
        .annotate(
            mean=Avg("value"),
            minimum=Coalesce(
                "criterion__min_score",
                ExpressionWrapper(
                    F(f"{grid}criterion_min_ratio") * F(f"{grid}scale_max"), output_field=SCORE
                ),
            ),
        )
        .filter(mean__lt=F("minimum"))
    )
    submitted = Q(assignments__review__status=SUBMITTED)
    total = "assignments__review__total"
    rows = (
        Dossier.objects.order_by()
        .values("pk")
        .annotate(
            review_count=Count("assignments__review", filter=submitted),
            mean_total=Avg(total, filter=submitted),
            spread=Max(total, filter=submitted) - Min(total, filter=submitted),
            below_minimum=Exists(means),
        )
        .filter(review_count__gt=0)
    )
    ReviewSummary.objects.bulk_create(
        (ReviewSummary(dossier_id=row.pop("pk"), **row) for row in rows.iterator()),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_document_scan_status"),
        ("evaluation", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReviewSummary",
            fields=[
                (
                    "dossier",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="review_summary",
                        serialize=False,
                        to="applications.dossier",
                    ),
                ),
                (
                    "review_count",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="évaluations soumises"
                    ),
                ),
                (
                    "mean_total",
                    models.DecimalField(
                        decimal_places=6, max_digits=9, verbose_name="moyenne des totaux"
                    ),
                ),
                (
                    "spread",
                    models.DecimalField(
                        decimal_places=2, max_digits=6, verbose_name="écart entre les totaux"
                    ),
                ),
                (
                    "below_minimum",
                    models.BooleanField(default=False, verbose_name="un critère sous son minimum"),
                ),
            ],
            options={
                "verbose_name": "synthèse des évaluations",
                "verbose_name_plural": "synthèses des évaluations",
            },
        ),
        migrations.RunPython(summaries_backfill, migrations.RunPython.noop),
    ]
