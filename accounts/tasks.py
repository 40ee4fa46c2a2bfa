from celery import shared_task

from .services import unverified_users_purge


@shared_task
def unverified_users_purge_task():
    return unverified_users_purge()
