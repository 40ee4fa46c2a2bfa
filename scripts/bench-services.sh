#!/usr/bin/env bash
# make bench: PostgreSQL and Redis running on this machine, a `portal` role, and the databases
# `portal_bench` and `portal_bench_small` kept apart from the portal's own. Installs and starts
# what is missing.
set -euo pipefail
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

command -v pg_ctlcluster >/dev/null || bash "$(dirname "$0")/ensure-debian-packages.sh" postgresql
command -v redis-server >/dev/null || bash "$(dirname "$0")/ensure-debian-packages.sh" redis-server

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  version=$(ls /etc/postgresql | sort -n | tail -1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
as_root su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'portal') THEN
    CREATE ROLE portal LOGIN CREATEDB PASSWORD 'portal';
  END IF;
END $$;
SQL
for database in portal_bench portal_bench_small; do
  as_root su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname = '$database'\"" | grep -q 1 \
    || as_root su postgres -c "createdb -O portal $database"
done

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
