#!/usr/bin/env bash
# make restore BACKUP=var/backups/<timestamp> [FORCE=1]: checks the backup's manifest, restores
# the database into DATABASE_URL, which must be empty (--force replaces what is there), then
# the uploaded files into MEDIA_ROOT, and checks every file against its checksum.
set -euo pipefail

usage() { echo "usage: restore.sh [--force] <backup folder>" >&2; exit 2; }
force=0
if [ "${1:-}" = "--force" ]; then force=1; shift; fi
[ $# -eq 1 ] || usage
backup="$1"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to restore into}"
MEDIA_ROOT="${MEDIA_ROOT:-var/media}"

# A damaged or tampered backup is refused before anything is touched.
(cd "$backup" && sha256sum --check --quiet manifest.sha256) || {
  echo "restore: $backup does not match its manifest; nothing restored." >&2
  exit 1
}

tables=$(psql "$DATABASE_URL" -XAtc "select count(*) from pg_tables where schemaname = 'public'")
if [ "$tables" != "0" ] && [ "$force" != "1" ]; then
  echo "restore: the target database already has $tables tables; restore into an empty" \
    "database, or pass --force to replace them." >&2
  exit 1
fi
clean=()
if [ "$force" = "1" ]; then clean=(--clean --if-exists); fi
pg_restore --no-owner --no-privileges --exit-on-error "${clean[@]}" \
  --dbname "$DATABASE_URL" "$backup/database.dump"

mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xf "$backup/media.tar"
sums=$(realpath "$backup/media.sha256")
if [ -s "$sums" ]; then
  (cd "$MEDIA_ROOT" && sha256sum --check --quiet "$sums") || {
    echo "restore: uploaded files differ from their checksums." >&2
    exit 1
  }
fi
echo "restore: $backup restored."
