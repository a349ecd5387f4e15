#!/usr/bin/env bash
# Runs the whole stack on this machine: installs what is missing, builds, starts a private
# PostgreSQL and Redis under .local/stack (git-ignored), bootstraps one database role and
# schema per service, starts the five services, prints where each listens, and on Ctrl-C (or
# SIGTERM) stops everything cleanly.
#
# It supervises the services: one that dies unexpectedly (a crash, a SIGKILL) is restarted after
# a short backoff (1 s, doubling up to 30 s, back to 1 s once a run lasted a minute), and each
# restart is logged here and in the service's log. $state_dir/pids/<service> holds the pid of
# each running service process, so a test can kill one and wait for it to come back.
# MARKET_STACK_SKIP_BUILD=1 skips installing and building (tests reuse MARKET_BUILD_DIR).
#
# Ports: gateway 8080, listings 8081, bidding 8082, escrow 8083, reputation 8084,
# PostgreSQL 15432, Redis 16379 (events: Streams, durable) and 16380 (cache: rate limits,
# throttles; nothing on disk). Override with MARKET_STACK_* variables below.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${MARKET_BUILD_DIR:-$repo/build}
state_dir=${MARKET_STACK_DIR:-$repo/.local/stack}
pg_port=${MARKET_STACK_PG_PORT:-15432}
redis_port=${MARKET_STACK_REDIS_PORT:-16379}
redis_cache_port=${MARKET_STACK_REDIS_CACHE_PORT:-16380}
address=${MARKET_STACK_ADDRESS:-127.0.0.1}
declare -A ports=(
  [gateway]=${MARKET_STACK_GATEWAY_PORT:-8080}
  [listings]=${MARKET_STACK_LISTINGS_PORT:-8081}
  [bidding]=${MARKET_STACK_BIDDING_PORT:-8082}
  [escrow]=${MARKET_STACK_ESCROW_PORT:-8083}
  [reputation]=${MARKET_STACK_REPUTATION_PORT:-8084}
)
services=(listings bidding escrow reputation gateway)

if [ "${MARKET_STACK_SKIP_BUILD:-0}" != 1 ]; then
  "$repo/deploy/local/build.sh" "$build_dir"
fi

mkdir -p "$state_dir/logs" "$state_dir/pids"
infra="$repo/deploy/local/infra.sh"
# Passwords for the superuser, Redis and each service role, generated once into
# $state_dir/secrets (mode 0600). They travel in environment variables, which only this user
# can read, never on a command line.
"$infra" start "$state_dir" "$pg_port" "$redis_port" "$redis_cache_port" --secrets
PGPASSWORD=$("$infra" secret "$state_dir" pg-superuser)
export PGPASSWORD
redis_password=$("$infra" secret "$state_dir" redis)
admin_dsn="postgresql://postgres@127.0.0.1:$pg_port/postgres"
if ! psql "$admin_dsn" -Atc "SELECT 1 FROM pg_database WHERE datname = 'market'" | grep -q 1; then
  psql "$admin_dsn" -qc "CREATE DATABASE market"
fi

# Token keys, generated once and kept with the stack's data (mode 0600 in a 0700 folder): the
# gateway's users key, which alone signs user tokens, and one key per service for its own
# service tokens. Every process verifies with all the public keys, each limited to its scope.
keys_dir=$state_dir/keys
verify_keys=$("$repo/deploy/local/token-keys.sh" "$keys_dir" local)

supervisors=()
stop_all() {
  trap - INT TERM EXIT
  echo "stopping services..."
  for pid in "${supervisors[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${supervisors[@]}"; do wait "$pid" 2>/dev/null || true; done
  "$repo/deploy/local/infra.sh" stop "$state_dir"
  echo "stopped."
}
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

# The gateway routes to the services where this script starts them, overridden ports included.
upstreams=()
for svc in listings bidding escrow reputation; do
  upstreams+=("MARKET_UPSTREAM_${svc^^}=127.0.0.1:${ports[$svc]}")
done

start_service() {  # start_service SVC PASSWORD: one process of the service, in the background
  local svc=$1 signer=$1
  [ "$svc" = gateway ] && signer=users
  # The services need no superuser.
  env -u PGPASSWORD MARKET_HTTP_ADDRESS="$address" MARKET_HTTP_PORT="${ports[$svc]}" \
    MARKET_PG_PORT="$pg_port" MARKET_PG_PASSWORD="$2" \
    MARKET_REDIS_EVENTS_PORT="$redis_port" MARKET_REDIS_EVENTS_PASSWORD="$redis_password" \
    MARKET_REDIS_CACHE_PORT="$redis_cache_port" MARKET_REDIS_CACHE_PASSWORD="$redis_password" \
    MARKET_TOKEN_SIGNING_KEY="$keys_dir/$signer.pem" MARKET_TOKEN_SIGNING_KID="local-$signer" \
    MARKET_TOKEN_VERIFY_KEYS="$verify_keys" "${upstreams[@]}" \
    "$build_dir/services/$svc/market-$svc" >>"$state_dir/logs/$svc.log" 2>&1 &
}

# supervise SVC PASSWORD (in a subshell): runs the service until SIGTERM, restarting it whenever
# it exits on its own. On SIGTERM it passes the signal on and waits for the service to drain.
supervise() {
  local svc=$1 child="" sleeper="" stopping=0 delay=1 started status
  trap 'stopping=1; kill -TERM $child $sleeper 2>/dev/null || true' TERM
  while [ "$stopping" = 0 ]; do
    started=$SECONDS
    start_service "$svc" "$2"
    child=$!
    [ "$stopping" = 1 ] && kill -TERM "$child"
    echo "$child" >"$state_dir/pids/$svc.new"
    mv "$state_dir/pids/$svc.new" "$state_dir/pids/$svc"
    # A trapped signal interrupts wait; wait again until the process has really gone. (wait's
    # stderr would carry bash's own "Killed" line, which the line below says better.)
    status=0
    wait "$child" 2>/dev/null || status=$?
    while kill -0 "$child" 2>/dev/null; do wait "$child" 2>/dev/null || status=$?; done
    child=""
    [ "$stopping" = 1 ] && break
    [ $((SECONDS - started)) -ge 60 ] && delay=1
    echo "$(date -u +%FT%TZ) run.sh: $svc exited with status $status; restarting in ${delay}s" |
      tee -a "$state_dir/logs/$svc.log" >&2
    sleep "$delay" &
    sleeper=$!
    wait "$sleeper" || true
    sleeper=""
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
  rm -f "$state_dir/pids/$svc"
}

for svc in "${services[@]}"; do
  password=$("$infra" secret "$state_dir" "pg-$svc")
  MARKET_DB_PASSWORD=$password "$build_dir/libs/pg/market-db-bootstrap" \
    --admin-dsn "postgresql://postgres@127.0.0.1:$pg_port/market" \
    --schema "$svc" --role "market_$svc"
  supervise "$svc" "$password" &
  supervisors+=($!)
done

for svc in "${services[@]}"; do
  for _ in $(seq 1 100); do
    curl -sf "http://$address:${ports[$svc]}/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  if curl -sf "http://$address:${ports[$svc]}/readyz" >/dev/null 2>&1; then
    printf '%-11s http://%s:%s   (logs: %s)\n' "$svc" "$address" "${ports[$svc]}" \
      "$state_dir/logs/$svc.log"
  else
    echo "$svc did not become ready; see $state_dir/logs/$svc.log" >&2
    exit 1
  fi
done
echo "PostgreSQL 127.0.0.1:$pg_port  Redis events 127.0.0.1:$redis_port" \
  " cache 127.0.0.1:$redis_cache_port  (data: $state_dir)"
# Demo users, jobs, offers, contracts and disputes, loaded once through the gateway's public API.
if [ "${MARKET_STACK_DEMO:-1}" != 0 ]; then
  "$repo/deploy/local/demo.sh" "http://$address:${ports[gateway]}" "$state_dir" "$pg_port" \
    "$build_dir" || echo "demo data: not loaded (see above); the stack runs without it" >&2
fi
echo "Ready. Try: curl -s -H 'Content-Type: application/json' -d '{}' http://$address:${ports[gateway]}/grpc.health.v1.Health/Check"
echo "Ctrl-C stops everything."
# The supervisors run until stop_all ends them; a signal interrupts this wait and runs the trap.
wait
