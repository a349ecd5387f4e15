#!/usr/bin/env bash
# The edge's costs, measured in one run against anchors from the same run (wrk, loopback,
# keep-alive), so the ratios hold on noisy machines:
#
#   health   listings' grpc.health.v1.Health/Check        vs  a bare Beast server (same threads)
#   direct   ListingsService/GetProfile straight to listings
#   gateway  the same call through the gateway              vs  direct
#   paced    the call at half the gateway's peak rate, through the gateway and direct: p50, p99
#   getjob   ListingsService/GetJob of a client's job read by the freelancer (served from the
#            cache), through the gateway and direct                 vs  the bare Beast server
#
# It starts its own stack (deploy/local/run.sh on private ports and a throwaway state folder),
# registers a freelancer through the gateway, writes a profile, and reads it back under load;
# a client posts the job that GetJob reads.
# Rate limits are raised for the run: the benchmark measures the edge, not its refusals.
#
#   loadtests/edge_bench.sh [BUILD_DIR]    (env: DURATION=5s CONNECTIONS=16 ROUNDS=3)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/loadtests/wrk_post.sh"
build_dir=${1:-$repo/build}
duration=${DURATION:-5s}
connections=${CONNECTIONS:-16}
rounds=${ROUNDS:-3}
bare_port=29190
work=$(mktemp -d)

export MARKET_BUILD_DIR=$build_dir MARKET_STACK_DIR=$work/stack
export MARKET_STACK_PG_PORT=29432 MARKET_STACK_REDIS_PORT=29379 MARKET_STACK_REDIS_CACHE_PORT=29380
export MARKET_STACK_GATEWAY_PORT=29180 MARKET_STACK_LISTINGS_PORT=29181
export MARKET_STACK_BIDDING_PORT=29182 MARKET_STACK_ESCROW_PORT=29183
export MARKET_STACK_REPUTATION_PORT=29184
export MARKET_RATE_ACCOUNT_PER_SECOND=100000 MARKET_RATE_ACCOUNT_BURST=1000000
export MARKET_RATE_ADDRESS_PER_SECOND=100000 MARKET_RATE_ADDRESS_BURST=1000000
export MARKET_LOG_LEVEL=warn
gateway=http://127.0.0.1:$MARKET_STACK_GATEWAY_PORT
listings=http://127.0.0.1:$MARKET_STACK_LISTINGS_PORT

stack_pid=
bare_pid=
cleanup() {
  [ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null
  if [ -n "$stack_pid" ]; then
    kill -TERM "$stack_pid" 2>/dev/null
    wait "$stack_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$repo/deploy/local/run.sh" >"$work/stack.log" 2>&1 &
stack_pid=$!
for _ in $(seq 1 600); do
  grep -q '^Ready' "$work/stack.log" && break
  kill -0 "$stack_pid" 2>/dev/null || { cat "$work/stack.log" >&2; exit 1; }
  sleep 0.5
done
grep -q '^Ready' "$work/stack.log" || { echo "the stack did not start" >&2; exit 1; }
# The same single network thread as each service's default.
"$build_dir/loadtests/bare_beast_server" "$bare_port" 1 &
bare_pid=$!

call() {  # call BASE PROCEDURE JSON [BEARER]: the answer's body; a failed call ends the run
  local out
  # Register and Login share a per-address budget for password work: a refusal (429) is waited
  # out, as a client honouring its RetryInfo would.
  for _ in $(seq 1 50); do
    out=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' \
      ${4:+-H "Authorization: Bearer $4"} -d "$3" "$1/$2")
    [ "${out##*$'\n'}" = 429 ] || break
    sleep 0.2
  done
  if [ "${out##*$'\n'}" != 200 ]; then
    echo "$2 failed: ${out%$'\n'*}" >&2
    return 1
  fi
  printf '%s' "${out%$'\n'*}"
}
json_field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# new_account ROLE COUNTRY CURRENCY: registers a fresh account through the gateway, logs it in,
# and prints its access token.
new_account() {
  local email="bench-$RANDOM$RANDOM@example.com"
  call "$gateway" market.identity.v1.IdentityService/Register \
    "{\"email\":\"$email\",\"password\":\"correct horse battery\",\"displayName\":\"Bench\",
      \"country\":\"$2\",\"roles\":[\"$1\"],\"preferredCurrency\":\"$3\"}" >/dev/null
  call "$gateway" market.identity.v1.IdentityService/Login \
    "{\"email\":\"$email\",\"password\":\"correct horse battery\"}" | json_field accessToken
}

token=$(new_account ROLE_FREELANCER PL PLN)
account=$(call "$gateway" market.identity.v1.IdentityService/Me '{}' "$token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["account"]["id"])')
call "$gateway" market.listings.v1.ListingsService/UpsertMyProfile \
  '{"headline":"Benchmark profile","overview":"Measured.","skills":["c++"],"languages":["en"],
    "timezone":"Europe/Warsaw","hourlyRate":{"currency":"EUR","minorUnits":"5000"},
    "weeklyAvailabilityHours":20}' "$token" >/dev/null

client_token=$(new_account ROLE_CLIENT DE EUR)
job_id=$(call "$gateway" market.listings.v1.ListingsService/PostJob \
  "{\"job\":{\"title\":\"Benchmark job\",\"description\":\"Read under load.\",\"skills\":[\"c++\"],
    \"budget\":{\"fixedPrice\":{\"currency\":\"EUR\",\"minorUnits\":\"100000\"}},
    \"expectedDuration\":\"JOB_DURATION_ONE_TO_FOUR_WEEKS\",\"visibility\":\"JOB_VISIBILITY_PUBLIC\",
    \"bidDeadline\":\"$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)\"}}" "$client_token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["job"]["id"])')

wrk_post_script "$work/health.lua" '{}'
wrk_post_script "$work/profile.lua" "{\"freelancerId\":\"$account\"}" "$token"
wrk_post_script "$work/getjob.lua" "{\"jobId\":\"$job_id\"}" "$token"

# rps URL SCRIPT: requests per second (one wrk thread: the servers get the other core). Any
# non-2xx answer fails the run: a benchmark of refusals measures nothing.
rps() {
  local out
  out=$(wrk -t 1 -c "$connections" -d "$duration" -s "$2" "$1")
  if grep -q 'Non-2xx' <<<"$out"; then
    echo "non-2xx answers from $1:" >&2
    echo "$out" >&2
    exit 1
  fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

bare=() health=() direct=() proxied=() job_direct=() job_proxied=()
for round in $(seq 1 "$rounds"); do
  bare+=("$(rps "http://127.0.0.1:$bare_port/grpc.health.v1.Health/Check" "$work/health.lua")")
  health+=("$(rps "$listings/grpc.health.v1.Health/Check" "$work/health.lua")")
  direct+=("$(rps "$listings/market.listings.v1.ListingsService/GetProfile" "$work/profile.lua")")
  proxied+=("$(rps "$gateway/market.listings.v1.ListingsService/GetProfile" "$work/profile.lua")")
  job_direct+=("$(rps "$listings/market.listings.v1.ListingsService/GetJob" "$work/getjob.lua")")
  job_proxied+=("$(rps "$gateway/market.listings.v1.ListingsService/GetJob" "$work/getjob.lua")")
  echo "round $round: bare ${bare[-1]}  health ${health[-1]}  direct ${direct[-1]}" \
    " gateway ${proxied[-1]}  GetJob direct ${job_direct[-1]}  GetJob gateway ${job_proxied[-1]} rps"
done
bare_m=$(median "${bare[@]}")
health_m=$(median "${health[@]}")
direct_m=$(median "${direct[@]}")
gateway_m=$(median "${proxied[@]}")
job_direct_m=$(median "${job_direct[@]}")
job_gateway_m=$(median "${job_proxied[@]}")

# Half the gateway's peak, paced: each connection waits connections/rate seconds between calls.
# A 5-second window's p99 rests on its slowest 30 calls, so one checkpoint can swing it: each
# round paces the call direct and through the gateway, and the medians are reported, the direct
# one showing how much of the tail is the service's own.
half=$(awk -v r="$gateway_m" 'BEGIN {printf "%d", r / 2}')
delay_ms=$(awk -v c="$connections" -v r="$half" 'BEGIN {printf "%.3f", 1000 * c / r}')
cat "$work/profile.lua" >"$work/paced.lua"
echo "function delay() return $delay_ms end" >>"$work/paced.lua"
to_ms() { awk '{v = $1; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0;
                else if (v ~ /s$/) v = v * 1000; printf "%.2f", v}' <<<"$1"; }
paced() {  # paced URL: "p50 p99" in milliseconds
  local out
  out=$(wrk -t 1 -c "$connections" -d "$duration" --latency -s "$work/paced.lua" "$1")
  echo "$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")" \
    "$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
}
gw_p50=() gw_p99=() direct_p50=() direct_p99=()
for round in $(seq 1 "$rounds"); do
  read -r a b <<<"$(paced "$listings/market.listings.v1.ListingsService/GetProfile")"
  direct_p50+=("$a") direct_p99+=("$b")
  read -r a b <<<"$(paced "$gateway/market.listings.v1.ListingsService/GetProfile")"
  gw_p50+=("$a") gw_p99+=("$b")
  echo "paced round $round at $half rps: direct p50 ${direct_p50[-1]} ms p99 ${direct_p99[-1]} ms," \
    " gateway p50 ${gw_p50[-1]} ms p99 ${gw_p99[-1]} ms"
done

echo "median rps: bare beast $bare_m, health $health_m, GetProfile direct $direct_m," \
  "through the gateway $gateway_m"
echo "health / bare beast:      $(ratio "$health_m" "$bare_m")"
echo "gateway / direct:         $(ratio "$gateway_m" "$direct_m")"
echo "GetJob, warm cache: direct $job_direct_m rps ($(ratio "$job_direct_m" "$bare_m")x bare Beast)," \
  "through the gateway $job_gateway_m rps ($(ratio "$job_gateway_m" "$bare_m")x bare Beast)"
echo "at $half rps (half the gateway's peak), median of $rounds rounds:" \
  "gateway p50 $(median "${gw_p50[@]}") ms, p99 $(median "${gw_p99[@]}") ms;" \
  "direct p50 $(median "${direct_p50[@]}") ms, p99 $(median "${direct_p99[@]}") ms"
