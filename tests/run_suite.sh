#!/usr/bin/env bash
# The whole suite, as `make test` runs it:
#   1. SQLite with jobs in-process (every test except those marked postgres);
#   2. PostgreSQL + Redis with a real RQ worker, when TEST_DATABASE_URL and TEST_REDIS_URL are set
#      (every test except the browser ones, which ran in pass 1).
# Under CI=true the second pass is required. pytest's exit 5 (no tests ran) fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=".venv/bin/pytest"
status=0

echo "== Pass 1: SQLite, jobs in-process"
env -u TEST_DATABASE_URL -u TEST_REDIS_URL "$PYTEST" -m "not postgres" "$@"
code=$?
[ $code -ne 0 ] && status=1

if [ -n "${TEST_DATABASE_URL:-}" ] && [ -n "${TEST_REDIS_URL:-}" ]; then
  echo "== Pass 2: PostgreSQL ($TEST_DATABASE_URL) and Redis ($TEST_REDIS_URL), RQ worker"
  PORTAL_REQUIRE_POSTGRES=1 "$PYTEST" -m "not browser" "$@"
  code=$?
  [ $code -ne 0 ] && status=1
elif [ "${CI:-}" = "true" ]; then
  echo "CI=true needs TEST_DATABASE_URL and TEST_REDIS_URL for the PostgreSQL and Redis pass." >&2
  status=1
else
  echo "== Pass 2 skipped: set TEST_DATABASE_URL and TEST_REDIS_URL to run the suite on PostgreSQL and Redis."
fi
exit $status
