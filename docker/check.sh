#!/usr/bin/env bash
# Checks docker/compose.yaml against the compose specification's JSON schema with dclint (npm; no Docker engine needed).
# Warnings fail too. Run from anywhere: docker/check.sh
set -euo pipefail
cd "$(dirname "$0")"
tools=${KATASERVER_TOOLS:-${TMPDIR:-/tmp}/kataserver-dclint}
[ -x "$tools/node_modules/.bin/dclint" ] || npm install --prefix "$tools" --no-audit --no-fund --silent dclint@3.1.0
KATASERVER_DB_PASSWORD=check "$tools/node_modules/.bin/dclint" compose.yaml --max-warnings 0 --color false
echo "docker/compose.yaml: valid"
