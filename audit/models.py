"""Field-level history of the key models, kept by django-simple-history.

The journal (core.JournalEntry) says what happened in plain words; these historical tables
keep every version of each row (who, when, every field), so an auditor can see what a change
touched. They are registered here, not on the models, so that every historical table and its
migrations live in this app and the other apps' models stay as they are.

What bypasses model save() also bypasses this history: QuerySet.update() and bulk_create() /
bulk_update(). Services that change a tracked model that way write the history themselves
(simple_history.utils.bulk_create_with_history / bulk_update_with_history) where it matters.
"""

from django.db import models
from django.db.models import Model
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history import register

from accounts.models import User
from applications.models import Call, Dossier, DossierDocument
from contracts.models import (
    AnnualReport,
    Contract,
    ContractYear,
    KpiAchievement,
    KpiCommitment,
    Payment,
    Tranche,
)
from evaluation.models import Consensus, Decision, Review, Score

TRACKED = [
    Call,
    Dossier,
    DossierDocument,
    Review,
    Score,
    Consensus,
    Decision,
    Contract,
    ContractYear,
    Tranche,
    Payment,
    KpiCommitment,
    AnnualReport,
    KpiAchievement,
]

# Their translations' columns (django-modeltranslation adds them once every model is loaded,
# after these historical tables are made) are left out; the field itself keeps its history.
TRANSLATED: dict[type[Model], list[str]] = {
    Call: ["title", "description"],
    Contract: ["representative_title", "ministry_representative"],
}
LANGUAGES = ("fr", "ar", "en")

for model in TRACKED:
    excluded = [f"{name}_{code}" for name in TRANSLATED.get(model, []) for code in LANGUAGES]
    register(model, app="audit", excluded_fields=excluded)

# Roles and account state; never the password hash or the last login.
register(User, app="audit", excluded_fields=["password", "last_login"])


class RetentionRun(models.Model):
    """One application of the retention policy: the journal entry of the run points here."""

    ran_at = models.DateTimeField(_("appliquée le"), default=timezone.now)
    # Rows deleted or anonymised, by rule name.
    counts = models.JSONField(_("nombre par règle"), default=dict)

    class Meta:
        verbose_name = _("application de la politique de conservation")
        verbose_name_plural = _("applications de la politique de conservation")
        ordering = ["-ran_at"]

    def __str__(self):
        return _("Conservation des données du %(date)s") % {
            "date": formats.date_format(timezone.localtime(self.ran_at), "SHORT_DATETIME_FORMAT")
        }
