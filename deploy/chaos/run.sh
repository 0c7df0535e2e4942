#!/usr/bin/env bash
# The scale-out chaos test in one command: a throwaway PostgreSQL cluster, nginx (deploy/nginx/openclaw.conf rendered
# for loopback) in front of 2 API processes, 3 workers and 2 schedulers (the real server, configured by environment
# variables); 5,000 executions started through nginx while a worker is SIGKILLed, an API process restarted and a
# scheduler SIGTERMed; then the database is audited (nothing lost, no completed step run again). It is the test
# OpenClaw.Deploy.Tests.Chaos.ScaleOutChaosTests, which ./test.sh also runs in CI.
#
# Usage: deploy/chaos/run.sh [--no-build]
# Knobs (environment variables; defaults fit a 2-core CI machine in about five minutes):
#   OPENCLAW_CHAOS_EXECUTIONS=5000         executions started through nginx (at least 100)
#   OPENCLAW_CHAOS_CONCURRENCY=16          concurrent HTTP clients of the load driver
#   OPENCLAW_CHAOS_APIS=2 OPENCLAW_CHAOS_WORKERS=3 OPENCLAW_CHAOS_SCHEDULERS=2   processes per role (2 at least)
#   OPENCLAW_CHAOS_WORKER_CONCURRENCY=64   steps per worker process at once (OpenClaw__WorkerConcurrency)
#   OPENCLAW_CHAOS_LEASE_SECONDS=30        lease of a step (the SIGKILLed worker's steps come back one lease later)
#   OPENCLAW_TEST_POSTGRES=<connection>    use this PostgreSQL server instead of starting a throwaway cluster
# A bigger run, e.g. on 8 cores: OPENCLAW_CHAOS_EXECUTIONS=50000 OPENCLAW_CHAOS_CONCURRENCY=64 OPENCLAW_CHAOS_WORKERS=6 deploy/chaos/run.sh
# Needs: the .NET SDK, PostgreSQL server binaries (Debian: postgresql) and nginx. Exit status 0 only if the test passed.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ "${1:-}" != "--no-build" ]; then
  dotnet build tests/OpenClaw.Deploy.Tests -c Debug -warnaserror 2>&1 | tail -n 3
fi

cluster=""
cleanup() {
  if [ -n "$cluster" ]; then
    as_postgres=()
    [ "$(id -u)" = "0" ] && as_postgres=(runuser -u postgres --)
    "${as_postgres[@]}" "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" stop -D "$cluster/data" -m immediate >/dev/null 2>&1 || true
    rm -rf "$cluster"
  fi
}
trap cleanup EXIT
if [ -z "${OPENCLAW_TEST_POSTGRES:-}" ]; then
  cluster=$(mktemp -d /tmp/openclaw-chaos-pg-XXXXXX)
  OPENCLAW_TEST_POSTGRES="$(.ci/postgres-cluster.sh "$cluster")"
  export OPENCLAW_TEST_POSTGRES
fi

# CI=true: a missing nginx or PostgreSQL fails the run instead of skipping the test.
CI=true dotnet test tests/OpenClaw.Deploy.Tests --no-build -c Debug \
  --filter "FullyQualifiedName~OpenClaw.Deploy.Tests.Chaos.ScaleOutChaosTests" \
  --logger "console;verbosity=detailed"
