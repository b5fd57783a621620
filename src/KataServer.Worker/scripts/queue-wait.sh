#!/usr/bin/env bash
# How long a submission waits between its POST and a worker claiming it, on PostgreSQL, with Hangfire.PostgreSql's long
# polling (LISTEN/NOTIFY) on and off (not part of the test suite). A private PostgreSQL cluster, the web host
# (Workers=0) and one idle KataServer.Worker; RUNS `run`-mode submissions of a failing corpus solution, one at a time,
# per setting; the wait is the row's StartedAt - CreatedAt (enqueue, wake-up or poll, claim).
#   dotnet build src/KataServer.Web && dotnet build src/KataServer.Worker
#   src/KataServer.Worker/scripts/queue-wait.sh [RUNS=10]
# Figures: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
runs=${1:-10}
web_dll=$root/src/KataServer.Web/bin/Debug/net10.0/KataServer.Web.dll
worker_dll=$root/src/KataServer.Worker/bin/Debug/net10.0/KataServer.Worker.dll
for dll in "$web_dll" "$worker_dll"; do [ -f "$dll" ] || { echo "build first: $dll is missing" >&2; exit 2; }; done
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries missing: apt-get install postgresql" >&2; exit 2; }

work=$(mktemp -d /tmp/kataserver-queuewait.XXXXXX)
as_pg=(); [ "$(id -u)" = 0 ] && { chown postgres "$work"; as_pg=(runuser -u postgres --); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
pids=()
stop_hosts() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
cleanup() {
  stop_hosts
  "${as_pg[@]}" "$bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off" start >/dev/null
psql "postgresql://postgres@127.0.0.1:$port/postgres" -qc "CREATE DATABASE kataserver"
database="postgresql://postgres@127.0.0.1:$port/kataserver"
export ConnectionStrings__KataServer="Host=127.0.0.1;Port=$port;Database=kataserver;Username=postgres;Timeout=60"
export KataServer__KatasDirectory=$root/katas KataServer__SubmissionsPerMinute=100000
mkdir -p "$work/web" "$work/worker"
echo 'queue-wait-password' | KataServer__DataDirectory=$work/web dotnet "$web_dll" users add q@example.org --role learner >/dev/null
token=$(KataServer__DataDirectory=$work/web dotnet "$web_dll" tokens create q@example.org)

for polling in true false; do
  web_port=$(free_port)
  export KataServer__PostgresLongPolling=$polling
  (cd "$work/web" && KataServer__DataDirectory=$work/web KataServer__Workers=0 exec dotnet "$web_dll" --urls "http://127.0.0.1:$web_port" >"$work/web-$polling.log" 2>&1) &
  pids+=($!)
  (cd "$work/worker" && KataServer__DataDirectory=$work/worker exec dotnet "$worker_dll" >"$work/worker-$polling.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 240); do
    seen=$(curl -sf "http://127.0.0.1:$web_port/api/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["workers"])' 2>/dev/null || echo 0)
    [ "$seen" -ge 1 ] && grep -q "grader warm" "$work/worker-$polling.log" && break
    sleep 1
  done
  since=$(psql "$database" -tAc "SELECT now()")
  python3 src/KataServer.Web/scripts/latency.py --server "http://127.0.0.1:$web_port" --token "$token" --kata deadlock-transfer \
    --file tests/corpus/deadlock-transfer/bug-lock-from-only.cs --runs "$runs" --mode run | tail -1
  # The first (warm-up) submission is left out, as latency.py does.
  psql "$database" -tAc "
    WITH w AS (SELECT EXTRACT(EPOCH FROM \"StartedAt\" - \"CreatedAt\") * 1000 AS ms FROM \"Submissions\"
               WHERE \"CreatedAt\" > '$since' ORDER BY \"CreatedAt\" OFFSET 1)
    SELECT format('long polling %s: queue wait p50 %s ms, p95 %s ms, max %s ms over %s runs (load average %s)', '$polling',
      round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric), round(percentile_cont(0.95) WITHIN GROUP (ORDER BY ms)::numeric),
      round(max(ms)::numeric), count(*), '$(cut -d' ' -f1-3 /proc/loadavg)') FROM w"
  stop_hosts
done
