#!/usr/bin/env bash
# The development server and, beside it, the task worker that sends notices.
# The worker stops when runserver stops (Ctrl-C, an error, or a kill of this script).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"

"$PYTHON" manage.py db_worker --no-reload --interval 2 &
worker=$!
stop_worker() {
    kill "$worker" 2>/dev/null || true
    wait "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT TERM

"$PYTHON" manage.py runserver 127.0.0.1:8000
