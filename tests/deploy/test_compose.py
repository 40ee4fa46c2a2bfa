"""deploy/compose.yaml, parsed (no Docker engine here): the services, volumes and order the
deployment relies on."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings as django_settings

from .files import env_example


def _mounts(service):
    """{source: path in the container} of a service's volumes and bind mounts."""
    return dict(volume.split(":")[:2] for volume in service.get("volumes", []))


def test_compose_has_every_service_of_the_deployment(compose):
    services = compose["services"]

    assert {
        "postgres",
        "redis-broker",
        "redis-cache",
        "clamav",
        "migrate",
        "web",
        "worker",
        "beat",
        "nginx",
    } <= set(services)
    for name in ("postgres", "redis-broker", "redis-cache", "clamav", "worker"):
        assert "test" in services[name]["healthcheck"], name


def test_compose_volumes_are_named_and_config_files_read_only(compose):
    declared = set(compose["volumes"])

    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert volume.endswith(":ro"), (name, volume)
            else:
                assert source in declared, (name, volume)


def test_portal_processes_share_environment_uploads_and_start_after_migrate(compose):
    services = compose["services"]
    _, env = env_example()
    media, quarantine = env["MEDIA_ROOT"], env["QUARANTINE_ROOT"]
    socket_dir = str(Path(env["CLAMD_SOCKET"]).parent)

    for name in ("migrate", "web", "worker", "beat"):
        assert services[name]["env_file"] == "portal.env", name
        assert services[name]["image"] == services["web"]["image"], name
    for name in ("web", "worker"):
        mounts = {path: volume for volume, path in _mounts(services[name]).items()}
        assert mounts.get(media) == "uploads", name
        assert mounts.get(quarantine) == "quarantine", name
        assert mounts.get(socket_dir) == "clamav-socket", name
    assert _mounts(services["clamav"]).get("clamav-socket") == socket_dir
    for name in ("web", "worker", "beat"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["worker"]["stop_signal"] == "SIGQUIT"
    assert int(services["worker"]["stop_grace_period"].rstrip("s")) > (
        django_settings.CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT
    )


def test_nginx_in_compose_gets_static_files_but_never_uploads(compose):
    nginx = _mounts(compose["services"]["nginx"])

    assert "static" in nginx
    assert not {"uploads", "quarantine", "clamav-socket"} & set(nginx)
    assert nginx["./nginx/portal.conf"].startswith("/etc/nginx/conf.d/")


def test_broker_and_cache_are_separate_redis(compose):
    services = compose["services"]
    _, env = env_example()
    broker, cache = urlsplit(env["CELERY_BROKER_URL"]), urlsplit(env["CACHE_URL"])

    assert broker.hostname == "redis-broker" and cache.hostname == "redis-cache"
    assert "--appendonly" in services["redis-broker"]["command"]
    cache_command = services["redis-cache"]["command"]
    assert cache_command[cache_command.index("--maxmemory-policy") + 1] == "allkeys-lru"
