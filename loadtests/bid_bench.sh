#!/usr/bin/env bash
# PlaceBid throughput against PostgreSQL's own yardstick, measured in one run on one server, so
# the ratio holds on noisy machines:
#
#   pgbench  tpcb-like (the default script: 5 statements, 3 updates, in one transaction)
#   spread   PlaceBid on 1000 open jobs (bid_bench)
#   storm    PlaceBid on 10 hot jobs: every call locks one of ten job rows (bid_bench)
#
# Both sides run CONNECTIONS clients for DURATION_S seconds, ROUNDS times; the medians are
# compared. It starts its own PostgreSQL and Redis (deploy/local/infra.sh, throwaway state folder)
# on the ports below, and the bidding service in bid_bench's process.
#
#   loadtests/bid_bench.sh [BUILD_DIR]
#   env: DURATION_S=5 CONNECTIONS=16 ROUNDS=3 BENCH_PG_PORT=29532 BENCH_REDIS_PORT=29579
#        BENCH_REDIS_CACHE_PORT=29580; MARKET_BIDDING_PLACE_WRITERS and _BATCH reach the service
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$repo/build}
duration=${DURATION_S:-5}
connections=${CONNECTIONS:-16}
rounds=${ROUNDS:-3}
pg_port=${BENCH_PG_PORT:-29532}
redis_port=${BENCH_REDIS_PORT:-29579}
redis_cache_port=${BENCH_REDIS_CACHE_PORT:-29580}
work=$(mktemp -d)

cleanup() {
  "$repo/deploy/local/infra.sh" remove "$work/infra" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$repo/deploy/local/infra.sh" start "$work/infra" "$pg_port" "$redis_port" "$redis_cache_port" \
  >"$work/infra.log" 2>&1 || { cat "$work/infra.log" >&2; exit 1; }
export MARKET_TEST_PG_ADMIN_DSN="postgresql://postgres@127.0.0.1:$pg_port/postgres"
export MARKET_TEST_PG_PORT=$pg_port MARKET_TEST_REDIS_PORT=$redis_port
export MARKET_TEST_REDIS_CACHE_PORT=$redis_cache_port
export MARKET_TEST_INFRA=$repo/deploy/local/infra.sh MARKET_TEST_STATE_DIR=$work/infra

pg=(-h 127.0.0.1 -p "$pg_port" -U postgres)
createdb "${pg[@]}" pgbench_yardstick
pgbench "${pg[@]}" -i -q -s 10 pgbench_yardstick >/dev/null 2>&1

tps() {
  pgbench "${pg[@]}" -b tpcb-like -c "$connections" -j 1 -T "$duration" pgbench_yardstick 2>/dev/null |
    awk '/^tps/ {printf "%d", $3}'
}
bids() {  # bids JOBS: PlaceBid calls per second; the mean batch goes to $work/batch
  "$build_dir/loadtests/bid_bench" "$1" "$connections" "$duration" 2>"$work/bench.err" |
    awk -v batch="$work/batch" '{for (i = 1; i <= NF; ++i) {
      if ($i ~ /^rps=/) print substr($i, 5)
      if ($i ~ /^mean_batch=/) print substr($i, 12) > batch }}' ||
    { cat "$work/bench.err" >&2; exit 1; }
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

pgbench_runs=() spread_runs=() storm_runs=()
for round in $(seq 1 "$rounds"); do
  pgbench_runs+=("$(tps)")
  spread_runs+=("$(bids 1000)")
  spread_batch=$(cat "$work/batch")
  storm_runs+=("$(bids 10)")
  echo "round $round: pgbench ${pgbench_runs[-1]} tps  PlaceBid spread ${spread_runs[-1]}" \
    " storm ${storm_runs[-1]} rps (bids per batch: $spread_batch, $(cat "$work/batch"))"
done
pgbench_m=$(median "${pgbench_runs[@]}")
spread_m=$(median "${spread_runs[@]}")
storm_m=$(median "${storm_runs[@]}")
echo "median: pgbench tpcb-like $pgbench_m tps, PlaceBid on 1000 jobs $spread_m rps," \
  "on 10 hot jobs $storm_m rps ($connections connections, ${duration}s)"
echo "PlaceBid spread / pgbench: $(ratio "$spread_m" "$pgbench_m")"
echo "PlaceBid storm / pgbench:  $(ratio "$storm_m" "$pgbench_m")"
