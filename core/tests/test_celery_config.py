from django.conf import settings

from clusters_portal.celery import app


def test_every_periodic_task_names_a_registered_task():
    app.loader.import_default_modules()

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_tasks_are_safe_to_hand_over_between_workers():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit > app.conf.task_soft_time_limit > 0


def test_a_task_held_by_a_live_worker_is_never_handed_to_a_second_one():
    from core.tasks import MAIL_RETRY_MAX_COUNTDOWN

    timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert timeout > app.conf.task_time_limit
    # Redis keeps a task waiting for its retry unacknowledged too.
    assert timeout > MAIL_RETRY_MAX_COUNTDOWN
    assert timeout > 1800  # the renders' longest retry backoff
