#!/usr/bin/env bash
# Adds EF Core migration NAME for BOTH database providers of PlatformDb, from the current model:
#   SQLite (the embedded default)  -> src/KataServer.Platform/Data/Migrations
#   PostgreSQL (scaled mode)       -> src/KataServer.Platform.PostgreSql/Migrations
# No database server is needed. `--check` instead fails when the model has changes no migration covers (either provider).
#   src/KataServer.Platform/scripts/add-migration.sh AddScreenings
#   src/KataServer.Platform/scripts/add-migration.sh --check
set -euo pipefail
cd "$(dirname "$0")/../../.."

usage() { echo "usage: $0 NAME | --check   (NAME: letters and digits, starting with a letter)" >&2; exit 2; }
[ $# -eq 1 ] || usage
dotnet tool restore >/dev/null   # dotnet-ef, pinned in dotnet-tools.json
# dotnet-ef reads project metadata before it builds: a fresh clone needs the assets files first.
dotnet restore src/KataServer.Platform.PostgreSql >/dev/null

sqlite=(--project src/KataServer.Platform --startup-project src/KataServer.Platform)
postgres=(--project src/KataServer.Platform.PostgreSql --startup-project src/KataServer.Platform.PostgreSql)

if [ "$1" = "--check" ]; then
  dotnet ef migrations has-pending-model-changes "${sqlite[@]}"
  dotnet ef migrations has-pending-model-changes "${postgres[@]}"
  exit 0
fi

name=$1
[[ $name =~ ^[A-Za-z][A-Za-z0-9]*$ ]] || usage
dotnet ef migrations add "$name" "${sqlite[@]}" --output-dir Data/Migrations
if ! dotnet ef migrations add "$name" "${postgres[@]}" --output-dir Migrations; then
  echo "the PostgreSQL migration failed: the SQLite one was added; undo it with" >&2
  echo "  dotnet ef migrations remove ${sqlite[*]}" >&2
  exit 1
fi
echo "added migration $name for SQLite and PostgreSQL"
