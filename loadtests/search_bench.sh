#!/usr/bin/env bash
# Listings under read load, on a schema filled by market-listings-demo (1,000,000 jobs for the
# numbers in services/listings/README.md):
#
#   search   SearchJobs with mixed queries (text, skills, country, budget in another currency,
#            sorts) at a fixed rate, open loop: p50 and p99 latency (open_loop.py)
#   getjob   GetJob of one job with a warm cache, closed loop (wrk)   vs  a bare Beast server
#
# It uses the Postgres and Redis the MARKET_PG_* / MARKET_REDIS_* settings name (as the service
# reads them), starts market-listings itself on a private loopback port with the development
# token keys, and signs a freelancer token with the development users key.
#
#   loadtests/search_bench.sh [BUILD_DIR]
#   env: RATE=500 DURATION=30 LOAD_JOBS=0 (jobs to generate first) CONNECTIONS=16 WRK=10s
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/loadtests/wrk_post.sh"
build_dir=${1:-$repo/build}
rate=${RATE:-500}
duration=${DURATION:-30}
connections=${CONNECTIONS:-16}
wrk_duration=${WRK:-10s}
listings_port=29281
bare_port=29290
work=$(mktemp -d)
export MARKET_LOG_LEVEL=warn MARKET_HTTP_PORT=$listings_port
listings=http://127.0.0.1:$listings_port

service_pid=
bare_pid=
cleanup() {
  [ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null
  [ -n "$service_pid" ] && kill -TERM "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if [ "${LOAD_JOBS:-0}" -gt 0 ]; then
  "$build_dir/services/listings/market-listings-demo" --jobs "$LOAD_JOBS"
fi

"$build_dir/services/listings/market-listings" >"$work/listings.log" 2>&1 &
service_pid=$!
for _ in $(seq 1 100); do
  curl -sf "$listings/healthz" >/dev/null && break
  sleep 0.2
done
keys=${TMPDIR:-/tmp}/market-dev-keys-$(id -u)
token=$("$repo/loadtests/mint_token.py" "$keys/users.pem" "$(python3 -c 'import uuid; print(uuid.uuid4())')" freelancer PL)

# Mixed query shapes, cycled in order.
cat >"$work/search.jsonl" <<'JSON'
{"query":"kubernetes"}
{"query":"react dashboard","sort":"SEARCH_SORT_NEWEST"}
{"query":"logo design brand identity"}
{"skills":["python","pandas"]}
{"query":"penetration test","country":"PL"}
{"budget":{"min":{"currency":"USD","minorUnits":"500000"},"max":{"currency":"USD","minorUnits":"2000000"}}}
{"query":"translation","language":"de"}
{"sort":"SEARCH_SORT_NEWEST"}
{"query":"bookkeeping xero","budget":{"max":{"currency":"EUR","minorUnits":"300000"}}}
{"query":"mobile app","sort":"SEARCH_SORT_AMOUNT_HIGH_FIRST"}
{"skills":["terraform"],"country":"DE"}
{"query":"video editing subtitles","statuses":["JOB_STATUS_OPEN","JOB_STATUS_CLOSED"]}
JSON

# The job GetJob reads, picked before the search load: a saturated service may still be working
# through its queue when that load ends.
job_id=$(curl -s -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
  -d '{"query":"kubernetes"}' "$listings/market.listings.v1.ListingsService/SearchJobs" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["jobs"][0]["id"])')

echo "search: SearchJobs at $rate requests/s for ${duration}s, open loop"
"$repo/loadtests/open_loop.py" "$listings/market.listings.v1.ListingsService/SearchJobs" \
  "$work/search.jsonl" --rate "$rate" --duration "$duration" --bearer "$token"

wrk_post_script "$work/getjob.lua" "{\"jobId\":\"$job_id\"}" "$token"
wrk_post_script "$work/bare.lua" '{}'
# A service the search load saturated may still hold queued searches: wait until a GetJob comes
# back quickly, so that the closed loop below measures GetJob and not the backlog.
for _ in $(seq 1 120); do
  took=$(curl -s -o /dev/null --max-time 2 -w '%{time_total}' -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $token" -d "{\"jobId\":\"$job_id\"}" \
    "$listings/market.listings.v1.ListingsService/GetJob" || echo 9)
  awk -v t="$took" 'BEGIN {exit !(t < 0.05)}' && break
  sleep 1
done
"$build_dir/loadtests/bare_beast_server" "$bare_port" 1 &
bare_pid=$!
sleep 0.5
rps() { wrk -t1 -c"$connections" -d"$wrk_duration" -s "$2" "$1" | awk '/Requests\/sec/ {print $2}'; }
get=$(rps "$listings/market.listings.v1.ListingsService/GetJob" "$work/getjob.lua")
bare=$(rps "http://127.0.0.1:$bare_port/" "$work/bare.lua")
python3 -c "import sys; g,b=map(float,sys.argv[1:]); print(f'getjob: {g:.0f} rps, bare Beast {b:.0f} rps, ratio {g/b:.2f}')" "$get" "$bare"
