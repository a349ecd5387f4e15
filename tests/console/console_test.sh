#!/usr/bin/env bash
# The operator console's browser test: starts the whole stack with deploy/local/run.sh on
# private ports and a throwaway state directory (the existing build, via MARKET_BUILD_DIR), with
# its demo data (users, contracts, disputes, reviews; the demo operator), runs console_test.mjs
# in Debian's chromium as the demo operator, and stops the stack whatever happened.
#
# Screenshots go to $MARKET_BINARY_DIR/test-artefacts/console/. With MARKET_CONSOLE_DOCS=1 the
# overview and queue screenshots are also copied into docs/ for the README.
#
# Ports are below Linux's ephemeral range (32768-60999), where any outgoing connection may
# hold the port a server is about to bind.
# Ports (MARKET_CONSOLE_TEST_PORT_BASE, default 22180): gateway +0, listings +1, bidding +2,
# escrow +3, reputation +4; PostgreSQL 22432 and Redis 22379 / 22380 (MARKET_CONSOLE_TEST_PG_PORT,
# _REDIS_PORT, _REDIS_CACHE_PORT). CTest holds a RESOURCE_LOCK on them.
set -uo pipefail
: "${MARKET_SOURCE_DIR:?}" "${MARKET_BINARY_DIR:?}"

base=${MARKET_CONSOLE_TEST_PORT_BASE:-22180}
test_dir=$MARKET_SOURCE_DIR/tests/console
artefacts=$MARKET_BINARY_DIR/test-artefacts/console
state_dir=$(mktemp -d /tmp/market-console-test.XXXXXX)
stack_log=$state_dir/run.log
stack_pid=

stop_stack() {
  if [ -n "$stack_pid" ] && kill -0 "$stack_pid" 2>/dev/null; then
    # run.sh stops the services and its PostgreSQL and Redis on SIGTERM.
    kill -TERM "$stack_pid"
    for _ in $(seq 1 300); do
      kill -0 "$stack_pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  # The cluster may live under /tmp with a link from the state directory (infra.sh, as root).
  "$MARKET_SOURCE_DIR/deploy/local/infra.sh" remove "$state_dir" >/dev/null 2>&1 || true
}
trap stop_stack EXIT

if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  echo "chromium is missing: run deploy/local/install-deps.sh"
  exit 1
fi
# npm's registry is reachable; installing only when the lockfile's packages are missing keeps
# later runs offline.
if [ ! -d "$test_dir/node_modules/puppeteer-core" ]; then
  (cd "$test_dir" && npm ci --no-audit --no-fund --loglevel=error) || exit 1
fi

# Generous password and rate budgets: every call of the test comes from 127.0.0.1. run.sh's
# services inherit them.
export MARKET_PASSWORD_RATE_ADDRESS_BURST=1000 MARKET_PASSWORD_RATE_ADDRESS_PER_MINUTE=6000
export MARKET_RATE_ADDRESS_BURST=10000 MARKET_RATE_ADDRESS_PER_SECOND=10000
MARKET_BUILD_DIR=$MARKET_BINARY_DIR MARKET_STACK_DIR=$state_dir MARKET_STACK_SKIP_BUILD=1 \
  MARKET_STACK_DEMO=1 \
  MARKET_STACK_PG_PORT=${MARKET_CONSOLE_TEST_PG_PORT:-22432} \
  MARKET_STACK_REDIS_PORT=${MARKET_CONSOLE_TEST_REDIS_PORT:-22379} \
  MARKET_STACK_REDIS_CACHE_PORT=${MARKET_CONSOLE_TEST_REDIS_CACHE_PORT:-22380} \
  MARKET_STACK_GATEWAY_PORT=$base MARKET_STACK_LISTINGS_PORT=$((base + 1)) \
  MARKET_STACK_BIDDING_PORT=$((base + 2)) MARKET_STACK_ESCROW_PORT=$((base + 3)) \
  MARKET_STACK_REPUTATION_PORT=$((base + 4)) \
  "$MARKET_SOURCE_DIR/deploy/local/run.sh" >"$stack_log" 2>&1 &
stack_pid=$!

for _ in $(seq 1 3000); do
  grep -q '^Ready\.' "$stack_log" 2>/dev/null && break
  kill -0 "$stack_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q '^Ready\.' "$stack_log"; then
  echo "the stack did not start:"
  cat "$stack_log"
  tail -n 20 "$state_dir"/logs/*.log 2>/dev/null
  exit 1
fi

if ! grep -q '^demo data: loaded' "$stack_log"; then
  echo "the demo data did not load:"
  cat "$stack_log"
  exit 1
fi

docs_dir=
[ "${MARKET_CONSOLE_DOCS:-0}" = 1 ] && docs_dir=$MARKET_SOURCE_DIR/docs
rm -rf "$artefacts"
(cd "$test_dir" && CONSOLE_GATEWAY="http://127.0.0.1:$base" CONSOLE_ARTEFACTS=$artefacts \
  CONSOLE_DOCS_DIR=$docs_dir node console_test.mjs)
status=$?
if [ $status -ne 0 ]; then
  echo "--- gateway log (tail)"
  tail -n 30 "$state_dir/logs/gateway.log" 2>/dev/null
fi
exit $status
