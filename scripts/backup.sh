#!/usr/bin/env bash
# make backup: the PostgreSQL database (pg_dump, custom format) and the uploaded files, with a
# manifest of SHA-256 checksums, into $BACKUP_DIR/<UTC timestamp>/. Prints the folder made.
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup: DATABASE_URL is not PostgreSQL; only PostgreSQL is backed up." >&2; exit 2 ;;
esac
MEDIA_ROOT="${MEDIA_ROOT:-var/media}"
BACKUP_DIR="${BACKUP_DIR:-var/backups}"

target="$BACKUP_DIR/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target" "$MEDIA_ROOT"
# Owner and grants are left out: the backup restores under whichever role restores it.
pg_dump --format=custom --no-owner --no-privileges --file "$target/database.dump" "$DATABASE_URL"
tar -C "$MEDIA_ROOT" -cf "$target/media.tar" .
# One checksum per uploaded file, relative to MEDIA_ROOT, checked again after a restore.
(cd "$MEDIA_ROOT" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$target/media.sha256"
(cd "$target" && sha256sum database.dump media.tar media.sha256 >manifest.sha256)
echo "$target"
