#!/usr/bin/env bash
# Writes a migration for the change between the committed schema and the
# working one: scripts/new-migration.sh add_ticket_tags
# Prisma's CLI reaches the database through the driver adapter even for a
# diff, so DATABASE_URL must point at a running server (defaults to the one
# `npm start` runs from .data/).
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/new-migration.sh NAME}
if [ -z "${DATABASE_URL:-}" ]; then
  password=$(node -e 'console.log(require(require("path").resolve(process.env.DATA_DIR || ".data", "secrets.json")).postgresPassword)')
  export DATABASE_URL="postgresql://postgres:${password}@127.0.0.1:${EMBEDDED_PG_PORT:-54329}/helpdesk"
fi
committed=$(mktemp --suffix=.prisma)
git show HEAD:prisma/schema.prisma > "$committed"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p "$dir"
npx prisma migrate diff --from-schema-datamodel "$committed" --to-schema-datamodel prisma/schema.prisma --script > "$dir/migration.sql"
rm -f "$committed"
echo "Wrote $dir/migration.sql"
