#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 for tests that take a connection string (OPENCLAW_TEST_POSTGRES)
# and prints that connection string. The storage tests start clusters of their own; this one serves the rest.
# Usage: export OPENCLAW_TEST_POSTGRES="$(.ci/postgres-cluster.sh /tmp/folder)"
set -euo pipefail
folder=${1:?usage: postgres-cluster.sh FOLDER}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$folder"
as_postgres=()
if [ "$(id -u)" = "0" ]; then
  chown -R postgres:postgres "$folder"   # postgres refuses to run as root
  as_postgres=(runuser -u postgres --)
fi
"${as_postgres[@]}" "$bin/initdb" -D "$folder/data" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
"${as_postgres[@]}" "$bin/pg_ctl" start -D "$folder/data" -w -t 60 -l "$folder/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $folder -c fsync=off -c max_connections=200" >/dev/null
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
