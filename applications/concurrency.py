"""Optimistic locking of a draft shared by co-editors.

Each edit form carries a fingerprint of the part of the dossier it was loaded from (one
section, or one project). The save service, holding the dossier's row lock, compares it with
the fingerprint of what is stored now: if another co-editor saved that part in between, the
save is refused, never silently overwriting their work. Other sections are not compared, so
two people writing different sections at once do not stop each other."""

import hashlib
import json

from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.formatting import isolated_text, moment_text

PROJECT_FIELDS = ("title", "partners", "budget", "duration_months")


def _digest(state):
    return hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:32]


def section_fingerprint(dossier, section):
    """What the section shows, read from the database (never from a prefetched cache)."""
    if section.kind == "members":
        state = sorted(dossier.participating_members.values_list("pk", flat=True))
    elif section.kind == "budget":
        rows = dossier.budget_years.order_by("year")
        state = list(rows.values_list("year", "animation_budget", "subsidy_requested"))
    elif section.kind == "kpis":
        rows = dossier.kpi_targets.order_by("indicator", "year")
        state = list(rows.values_list("indicator", "year", "target"))
    else:
        state = [getattr(dossier, name) for name in section.fields]
    return _digest(state)


def project_fingerprint(project):
    return _digest([getattr(project, name) for name in PROJECT_FIELDS])


def ensure_unchanged(dossier, *, seen, current):
    """`seen` empty: a form from before this check (or a test) is not compared."""
    if seen and seen != current:
        raise conflict_error(dossier)


def conflict_error(dossier):
    editor = dossier.last_edited_by
    return ApplicationError(
        _(
            "Ce brouillon a été modifié par %(who)s à %(time)s depuis que vous l'avez ouvert. "
            "Vos saisies sont affichées ci-dessous ; rechargez la page pour voir la version "
            "actuelle, puis reportez-y vos modifications."
        )
        % {
            "who": isolated_text(editor.full_name) if editor else _("un autre co-éditeur"),
            "time": moment_text(dossier.updated_at, "TIME_FORMAT"),
        },
        code="conflict",
    )
