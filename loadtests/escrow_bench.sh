#!/usr/bin/env bash
# Escrow money movements per second against pgbench's tpcb-like transactions per second, on the
# same private PostgreSQL in the same run with the same number of clients, durable commits
# (synchronous_commit on, fsync on) for both; for each client count in CLIENTS: ledger movements
# batched as the service runs them, the same one transaction each (as before the batches), the
# same money through the service's handlers (fund, submit, approve: milestone rows and events
# included), then releases through the platform fee revenue, sharded (as the service runs) and
# on a single row. Movements are batched from concurrent calls, so the ratio grows with the clients; each
# count gets its own pgbench run.
#
#   loadtests/escrow_bench.sh [BUILD_DIR]
#   (env: CLIENTS="8 16 32" SECONDS_PER_RUN=10 PG_PORT=29432 REDIS_PORT=29379
#    REDIS_CACHE_PORT=29380; MARKET_ESCROW_MOVE_WRITERS and _BATCH reach the batcher)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$repo/build}
client_counts=${CLIENTS:-8 16 32}
seconds=${SECONDS_PER_RUN:-10}
pg_port=${PG_PORT:-29432}
state=$(mktemp -d)
trap '"$repo/deploy/local/infra.sh" remove "$state" >/dev/null 2>&1 || true' EXIT

"$repo/deploy/local/infra.sh" start "$state" "$pg_port" "${REDIS_PORT:-29379}" \
  "${REDIS_CACHE_PORT:-29380}" >/dev/null
admin_dsn="postgresql://postgres@127.0.0.1:$pg_port/postgres"
psql "$admin_dsn" -qAtc "SHOW synchronous_commit" | grep -qx on
psql "$admin_dsn" -qAtc "SHOW fsync" | grep -qx on

pgbench -i -q -s 10 "$admin_dsn" >/dev/null 2>&1
bench="$build_dir/loadtests/escrow_ledger_bench"
for clients in $client_counts; do
  tps=$(pgbench -n -b tpcb-like -c "$clients" -j 2 -T "$seconds" "$admin_dsn" 2>/dev/null |
    awk '/^tps/ {print int($3)}')
  echo "pgbench tpcb-like, $clients clients: $tps tps"
  movements=$("$bench" "$admin_dsn" "$clients" "$seconds" movements)
  echo "escrow $movements"
  mps=$(echo "$movements" | sed -E 's/.*: ([0-9]+)\/s.*/\1/')
  echo "ratio escrow movements / pgbench tps, $clients clients:" \
    "$(awk -v m="$mps" -v t="$tps" 'BEGIN {printf "%.2f", m / t}')"
  echo "escrow $("$bench" "$admin_dsn" "$clients" "$seconds" movements-alone)"
  milestones=$("$bench" "$admin_dsn" "$clients" "$seconds" milestones 2>/dev/null)
  echo "escrow $milestones"
  mps=$(echo "$milestones" | sed -E 's/.*: ([0-9]+)\/s.*/\1/')
  echo "ratio escrow movements through the handlers / pgbench tps, $clients clients:" \
    "$(awk -v m="$mps" -v t="$tps" 'BEGIN {printf "%.2f", m / t}')"
  echo "escrow $("$bench" "$admin_dsn" "$clients" "$seconds" fee-sharded)"
  echo "escrow $("$bench" "$admin_dsn" "$clients" "$seconds" fee-single-row)"
done
