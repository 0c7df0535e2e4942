#!/usr/bin/env bash
# Webhook benchmarks: async (202 after the durable enqueue) and sync (a 3-step workflow's outputs) with wrk on
# loopback against a Release build of the server on a fresh temporary data folder; RSS idle, after start and after the
# runs. Usage: bench/webhooks/run.sh [duration=15s] [connections=64] [threads=2]
# With SPLIT=1 it runs the scale-out layout instead: a throwaway PostgreSQL cluster, one `api` process (which wrk
# calls) and one `worker` process, all on this machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-15s}; CONNECTIONS=${2:-64}; THREADS=${3:-2}
PORT=${PORT:-5199}
DATA=$(mktemp -d /tmp/integrations-bench-XXXX)
KEY="ock_bench_$(head -c 24 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 32)"
BASE="http://127.0.0.1:$PORT"
API="$BASE/api/v2"
DLL=src/OpenClaw.Server/bin/Release/net10.0/OpenClaw.Server.dll

dotnet build -c Release src/OpenClaw.Server -v q -nologo > /dev/null
echo "date: $(date -u +%FT%TZ)  uptime: $(uptime)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -f "$DATA/pg/data/postmaster.pid" ]; then
    as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" stop -D "$DATA/pg/data" -m immediate > /dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT
common=(OpenClaw__Auth__BootstrapApiKey=$KEY OpenClaw__Webhooks__RateLimitPerSecond=100000000 Logging__LogLevel__Default=Warning)
if [ "${SPLIT:-}" = 1 ]; then
  chmod 755 "$DATA"   # the postgres user must reach its cluster folder
  PG=$(.ci/postgres-cluster.sh "$DATA/pg")
  echo "layout: PostgreSQL + api process + worker process"
  env "${common[@]}" OpenClaw__DataDirectory=$DATA/api OpenClaw__Storage=postgres OpenClaw__PostgresConnectionString="$PG" OpenClaw__Role=api \
    dotnet $DLL --urls "$BASE" > "$DATA/api.log" 2>&1 &
  SERVER=$!; PIDS+=($SERVER)
  env "${common[@]}" OpenClaw__DataDirectory=$DATA/worker OpenClaw__Storage=postgres OpenClaw__PostgresConnectionString="$PG" OpenClaw__Role=worker \
    dotnet $DLL --urls "http://127.0.0.1:$((PORT + 1))" > "$DATA/worker.log" 2>&1 &
  PIDS+=($!)
else
  echo "layout: one process, embedded SQLite"
  env "${common[@]}" OpenClaw__DataDirectory=$DATA dotnet $DLL --urls "$BASE" > "$DATA/server.log" 2>&1 &
  SERVER=$!; PIDS+=($SERVER)
fi
for _ in $(seq 1 150); do curl -sf "$BASE/health/ready" > /dev/null && break; sleep 0.2; done
rss() { echo "$(( $(ps -o rss= -p $SERVER) / 1024 )) MiB"; }
echo "rss after start (idle): $(rss)"

auth=(-H "Authorization: Bearer $KEY" -H 'Content-Type: application/json')
curl -sf "${auth[@]}" -X POST "$API/workflows" -d '{
  "id": "bench-three", "name": "Three steps",
  "inputs": [ { "name": "who", "type": "string", "required": true } ],
  "steps": [
    { "id": "greet", "type": "plugin", "config": { "plugin": "noop", "inputs": { "message": "Hello, ${{ inputs.who }}!" } }, "next_steps": ["second"] },
    { "id": "second", "type": "plugin", "config": { "plugin": "noop", "inputs": { "n": 2 } }, "next_steps": ["third"] },
    { "id": "third", "type": "plugin", "config": { "plugin": "noop", "inputs": { "n": 3 } } } ],
  "outputs": { "greeting": "${{ steps.greet.output.message }}" } }' > /dev/null
path() { python3 -c 'import json,sys; print(json.load(sys.stdin)["path"])'; }
ASYNC=$(curl -sf "${auth[@]}" -X POST "$API/triggers" -d '{"workflow_id":"bench-three","mode":"async"}' | path)
SYNC=$(curl -sf "${auth[@]}" -X POST "$API/triggers" -d '{"workflow_id":"bench-three","mode":"sync"}' | path)
curl -sf -X POST "$API/webhooks/$SYNC" -H 'Content-Type: application/json' -d '{"who":"check"}'; echo " <- sync answer"

echo "== async webhook: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/webhooks/post.lua "$API/webhooks/$ASYNC"
echo "rss after async: $(rss)"
# Let the async run's executions drain before measuring sync.
for _ in $(seq 1 300); do
  RUNNING=$(curl -sf "${auth[@]}" "$API/executions?status=running&limit=1" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
  [ "$RUNNING" = 0 ] && break; sleep 1
done
echo "== sync webhook (3 steps): wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/webhooks/post.lua "$API/webhooks/$SYNC"
echo "rss after sync: $(rss)"
sleep 5
echo "rss idle after runs: $(rss)"
echo "uptime: $(uptime)"
