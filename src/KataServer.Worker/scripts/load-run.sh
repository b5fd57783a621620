#!/usr/bin/env bash
# The scaled-mode load run (not part of the test suite): a private PostgreSQL cluster, the web host (Workers=0) and
# WORKERS KataServer.Worker processes on this machine, then N submissions posted at once from the corpus mix (load.py).
#   dotnet build src/KataServer.Web && dotnet build src/KataServer.Worker
#   src/KataServer.Worker/scripts/load-run.sh [N=120] [WORKERS=2]
# Exit 0 when nothing was lost, refused or graded twice. Figures: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
root=$PWD
n=${1:-120}
workers=${2:-2}
web_dll=$root/src/KataServer.Web/bin/Debug/net10.0/KataServer.Web.dll
worker_dll=$root/src/KataServer.Worker/bin/Debug/net10.0/KataServer.Worker.dll
for dll in "$web_dll" "$worker_dll"; do [ -f "$dll" ] || { echo "build first: $dll is missing" >&2; exit 2; }; done
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries missing: apt-get install postgresql" >&2; exit 2; }

work=$(mktemp -d /tmp/kataserver-load.XXXXXX)
as_pg=(); [ "$(id -u)" = 0 ] && { chown postgres "$work"; as_pg=(runuser -u postgres --); }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
web_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "${as_pg[@]}" "$bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
  echo "logs kept in $work"
}
trap cleanup EXIT

"${as_pg[@]}" "$bin/initdb" -D "$work/pg" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off -c max_connections=200" start >/dev/null
psql "postgresql://postgres@127.0.0.1:$port/postgres" -qc "CREATE DATABASE kataserver"
database="postgresql://postgres@127.0.0.1:$port/kataserver"
export ConnectionStrings__KataServer="Host=127.0.0.1;Port=$port;Database=kataserver;Username=postgres"
export KataServer__KatasDirectory=$root/katas KataServer__SubmissionsPerMinute=100000 KataServer__MaxQueueDepth=100000

mkdir -p "$work/web"
echo 'load-run-password' | KataServer__DataDirectory=$work/web dotnet "$web_dll" users add load@example.org --role learner >/dev/null
token=$(KataServer__DataDirectory=$work/web dotnet "$web_dll" tokens create load@example.org)
(cd "$work/web" && KataServer__DataDirectory=$work/web KataServer__Workers=0 exec dotnet "$web_dll" --urls "http://127.0.0.1:$web_port" >"$work/web.log" 2>&1) &
pids+=($!)
for i in $(seq 1 "$workers"); do
  mkdir -p "$work/worker$i"
  (cd "$work/worker$i" && KataServer__DataDirectory=$work/worker$i exec dotnet "$worker_dll" >"$work/worker$i.log" 2>&1) &
  pids+=($!)
done

# Wait until the web host answers and every worker has registered with the job store (and warmed its grader).
for _ in $(seq 1 240); do
  seen=$(curl -sf "http://127.0.0.1:$web_port/api/health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["workers"])' 2>/dev/null || echo 0)
  warm=$(grep -l "grader warm" "$work"/worker*.log 2>/dev/null | wc -l || true)
  [ "$seen" -ge "$workers" ] && [ "$warm" -ge "$workers" ] && break
  sleep 1
done
echo "web host and $workers workers up (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 src/KataServer.Worker/scripts/load.py --server "http://127.0.0.1:$web_port" --token "$token" \
  --database "$database" -n "$n" --workers "$workers" && status=0 || status=$?
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
