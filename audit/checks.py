"""The retention durations must be positive: a zero would make the daily run erase or
anonymise data still in use (every account not logged in this very day, for instance)."""

from django.conf import settings
from django.core.checks import Error, register

DURATIONS = (
    "RETENTION_UNSUCCESSFUL_DOSSIER_DAYS",
    "RETENTION_DRAFT_DOSSIER_DAYS",
    "RETENTION_INACTIVE_ACCOUNT_DAYS",
    "RETENTION_MAIL_BODY_DAYS",
    "RETENTION_LOGIN_HISTORY_DAYS",
    "RETENTION_UNVERIFIED_ACCOUNT_DAYS",
    "RETENTION_FUNDED_YEARS_AFTER_CONTRACT",
)


@register()
def retention_durations(app_configs, **kwargs):
    return [
        Error(
            f"{name} must be a positive number, not {getattr(settings, name)!r}.",
            hint="See docs/operations/retention.md for each duration and its default.",
            id="audit.E001",
        )
        for name in DURATIONS
        if not isinstance(getattr(settings, name), int) or getattr(settings, name) < 1
    ]
