from datetime import timedelta

from celery import shared_task
from django.conf import settings

from .services import unverified_users_purge


@shared_task
def unverified_users_purge_task():
    return unverified_users_purge(
        older_than=timedelta(days=settings.RETENTION_UNVERIFIED_ACCOUNT_DAYS)
    )
