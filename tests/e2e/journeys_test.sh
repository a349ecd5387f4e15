#!/usr/bin/env bash
# The marketplace's user journeys end to end (tests/e2e/journeys/*.mjs): starts the whole stack
# as the README's run command does (deploy/local/run.sh, without its demo data, on ports of its
# own, in a throwaway state directory), checks that its PostgreSQL and Redis refuse callers
# without the stack's generated secrets, creates an operator as whoever runs the marketplace
# would (market-create-operator), runs each journey against the gateway's public Connect API
# only, and stops the stack. The SME journey SIGKILLs services along the way and relies on
# run.sh's supervisor to restart them.
#
# Ports are below Linux's ephemeral range (32768-60999), where any outgoing connection may
# hold the port a server is about to bind.
# Ports (override with the MARKET_JOURNEY_* variables): gateway 21180, listings 21181, bidding
# 21182, escrow 21183, reputation 21184, PostgreSQL 21432, Redis 21379 (events) and 21380
# (cache). `journeys_test.sh sme_hiring` runs one journey.
set -uo pipefail
: "${MARKET_SOURCE_DIR:?}" "${MARKET_BINARY_DIR:?}"

base=${MARKET_JOURNEY_PORT_BASE:-21180}
declare -A port=([gateway]=$base [listings]=$((base + 1)) [bidding]=$((base + 2))
                 [escrow]=$((base + 3)) [reputation]=$((base + 4)))
journeys_dir=$MARKET_SOURCE_DIR/tests/e2e/journeys
journeys=("$@")
[ ${#journeys[@]} -eq 0 ] && journeys=(sme_hiring offer_sale hourly_engagement operator_desk)

state=$(mktemp -d /tmp/market-journeys.XXXXXX)
chmod 0755 "$state"  # PostgreSQL runs as its own user and lives inside
stack=""
stop_stack() {
  if [ -n "$stack" ] && kill -0 "$stack" 2>/dev/null; then
    kill -TERM "$stack"
    for _ in $(seq 1 600); do kill -0 "$stack" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$stack" 2>/dev/null && echo "the stack did not stop within a minute" >&2
  fi
  stack=""
}
cleanup() {
  stop_stack
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

show_logs() {
  echo "--- run.sh"
  tail -n 40 "$state/run.log"
  for svc in "${!port[@]}"; do
    echo "--- $svc (last lines)"
    tail -n 30 "$state/logs/$svc.log" 2>/dev/null
  done
}

export MARKET_BUILD_DIR=$MARKET_BINARY_DIR MARKET_STACK_DIR=$state MARKET_STACK_SKIP_BUILD=1 \
  MARKET_STACK_DEMO=0 \
  MARKET_STACK_GATEWAY_PORT=${port[gateway]} MARKET_STACK_LISTINGS_PORT=${port[listings]} \
  MARKET_STACK_BIDDING_PORT=${port[bidding]} MARKET_STACK_ESCROW_PORT=${port[escrow]} \
  MARKET_STACK_REPUTATION_PORT=${port[reputation]} \
  MARKET_STACK_PG_PORT=${MARKET_JOURNEY_PG_PORT:-21432} \
  MARKET_STACK_REDIS_PORT=${MARKET_JOURNEY_REDIS_PORT:-21379} \
  MARKET_STACK_REDIS_CACHE_PORT=${MARKET_JOURNEY_REDIS_CACHE_PORT:-21380}
# Escrow's review window for every contract from a bid or an offer: short, so that the SME
# journey sees its second milestone approved automatically. Reputation opens the review window
# of an ended contract for as long, so the journeys write their reviews right away.
export MARKET_ESCROW_REVIEW_WINDOW_S=12
# The same for weekly invoices: the hourly journey watches one released and disputes another
# within its window.
export MARKET_ESCROW_INVOICE_REVIEW_WINDOW_S=15
# Every journey user calls from 127.0.0.1: the per-address budgets of the gateway are raised
# so that they do not all share one person's.
export MARKET_RATE_ADDRESS_PER_SECOND=1000 MARKET_RATE_ADDRESS_BURST=2000 \
  MARKET_PASSWORD_RATE_ADDRESS_PER_MINUTE=600 MARKET_PASSWORD_RATE_ADDRESS_BURST=100

started=$SECONDS
"$MARKET_SOURCE_DIR/deploy/local/run.sh" >"$state/run.log" 2>&1 &
stack=$!
all_ready() {
  for svc in "${!port[@]}"; do
    curl -sf "http://127.0.0.1:${port[$svc]}/readyz" >/dev/null 2>&1 || return 1
  done
}
for _ in $(seq 1 1200); do
  all_ready && break
  kill -0 "$stack" 2>/dev/null || break
  sleep 0.1
done
if ! all_ready; then
  echo "FAIL: the stack did not start"
  show_logs
  exit 1
fi
echo "stack ready in $((SECONDS - started)) s"

# The local stack trusts nobody: its secrets are readable by this user only, and PostgreSQL's
# superuser and both Redis servers turn away a caller without them.
refused=()
[ "$(stat -c %a "$state/secrets")" = 700 ] || refused+=("the secrets folder is not mode 0700")
for file in "$state"/secrets/*; do
  [ "$(stat -c %a "$file")" = 600 ] || refused+=("secret $(basename "$file") is not mode 0600")
done
if env -u PGPASSWORD PGCONNECT_TIMEOUT=5 psql -w -h 127.0.0.1 -p "$MARKET_STACK_PG_PORT" \
  -U postgres -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
  refused+=("PostgreSQL let its superuser in without a password")
fi
for redis_port in "$MARKET_STACK_REDIS_PORT" "$MARKET_STACK_REDIS_CACHE_PORT"; do
  redis-cli -p "$redis_port" PING 2>&1 | grep -q NOAUTH ||
    refused+=("Redis on port $redis_port answered without a password")
done
if [ ${#refused[@]} -gt 0 ]; then
  printf 'FAIL: %s\n' "${refused[@]}"
  exit 1
fi
echo "the stack's PostgreSQL and Redis refuse callers without its secrets"

# An operator, created as the gateway's README says: with the gateway's database settings.
operator_email="operator-$RANDOM$RANDOM@example.com"
operator_password="an operator's long password $RANDOM$RANDOM"
if ! MARKET_OPERATOR_PASSWORD=$operator_password MARKET_PG_PORT=$MARKET_STACK_PG_PORT \
  MARKET_PG_PASSWORD=$("$MARKET_SOURCE_DIR/deploy/local/infra.sh" secret "$state" pg-gateway) \
  "$MARKET_BINARY_DIR/services/gateway/market-create-operator" --email "$operator_email" \
  --display-name "Journey operations" --country DE --currency EUR; then
  echo "FAIL: market-create-operator"
  exit 1
fi

export MARKET_JOURNEY_GATEWAY=http://127.0.0.1:${port[gateway]}
export MARKET_JOURNEY_PORTS=$(for svc in "${!port[@]}"; do printf '%s=%s,' "$svc" "${port[$svc]}"; done | sed 's/,$//')
export MARKET_JOURNEY_OPERATOR_EMAIL=$operator_email MARKET_JOURNEY_OPERATOR_PASSWORD=$operator_password
export MARKET_JOURNEY_REVIEW_WINDOW_S=$MARKET_ESCROW_REVIEW_WINDOW_S
export MARKET_JOURNEY_INVOICE_REVIEW_WINDOW_S=$MARKET_ESCROW_INVOICE_REVIEW_WINDOW_S

failed=()
for journey in "${journeys[@]}"; do
  node "$journeys_dir/$journey.mjs" || failed+=("$journey")
done
restarts=$(grep -c 'restarting in' "$state/run.log")
echo "the supervisor restarted services $restarts times"
[ ${#failed[@]} -gt 0 ] && show_logs
stop_stack
echo "journeys: ${#journeys[@]} run, ${#failed[@]} failed ${failed[*]:+(${failed[*]})} in $((SECONDS - started)) s"
[ ${#failed[@]} -eq 0 ]
