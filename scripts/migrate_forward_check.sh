#!/usr/bin/env bash
# A database made by an older commit migrates forward under this checkout with nothing
# lost: migrate and seed the demo data with OLD_REV's code, migrate with ours, and
# compare the row count of every table that existed before.
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
#       bash scripts/migrate_forward_check.sh [OLD_REV]
# OLD_REV defaults to 0cbad20, the last commit before the layout step that moved the
# audit workspace and the development tools out of orderreview/.
set -euo pipefail
cd "$(dirname "$0")/.."
HERE="$PWD"
OLD_REV="${1:-0cbad20}"
: "${DATABASE_URL:?set DATABASE_URL to a server where a database may be created}"
DB="orderreview_forward_check"
URL="${DATABASE_URL%/*}/$DB"
PY="$HERE/.venv/bin/python"
OLD_TREE="$(mktemp -d)/old"
cleanup() {
    git -C "$HERE" worktree remove --force "$OLD_TREE" 2>/dev/null || true
    "$PY" scripts/db_admin.py drop "$DB" || true
}
trap cleanup EXIT

export DJANGO_DEBUG=1 DJANGO_SECURE_COOKIES=0 DJANGO_SECURE_SSL_REDIRECT=0
"$PY" scripts/db_admin.py drop "$DB"
"$PY" scripts/db_admin.py create "$DB"
git worktree add --detach -q "$OLD_TREE" "$OLD_REV"
(cd "$OLD_TREE" && DATABASE_URL="$URL" "$PY" manage.py migrate -v0 --noinput \
    && DATABASE_URL="$URL" "$PY" manage.py seed_demo >/dev/null)
before="$(DATABASE_URL="$URL" "$PY" scripts/db_admin.py counts "$DB")"
DATABASE_URL="$URL" "$PY" manage.py migrate -v0 --noinput
after="$(DATABASE_URL="$URL" "$PY" scripts/db_admin.py counts "$DB")"
# Nothing lost: every table that existed keeps at least its rows (new models add
# content types and permissions, new migrations add django_migrations rows).
lost="$(awk 'NR == FNR { after[$1] = $2; next }
    !($1 in after) || after[$1] < $2 { print $1, $2, "->", ($1 in after ? after[$1] : "gone") }' \
    <(echo "$after") <(echo "$before"))"
if [ -n "$lost" ]; then
    echo "Tables that lost rows after migrating forward (table before -> after):"
    echo "$lost"
    exit 1
fi
echo "A database made by $OLD_REV migrated forward: $(echo "$before" | wc -l) tables," \
    "$(echo "$before" | awk '{s += $2} END {print s}') rows, none lost."
