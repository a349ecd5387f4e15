#!/usr/bin/env bash
# End-to-end check of the whole stack as its operators and client apps see it: the five
# service processes start against the private PostgreSQL and Redis of the test fixture,
# migrate their schemas, answer the health RPC to curl in JSON and in binary protobuf and to
# the standard Connect client for Node.js in both codecs (POST and GET), which also decodes the
# field violations of a bad registration; a session rotates its refresh token and a replay
# revokes it; a service off loopback without keys refuses to start; and each service drains and
# exits 0 on SIGTERM while under load.
set -uo pipefail
: "${MARKET_SOURCE_DIR:?}" "${MARKET_BINARY_DIR:?}" "${MARKET_TEST_PG_PORT:?}" "${MARKET_TEST_REDIS_PORT:?}" \
  "${MARKET_TEST_REDIS_CACHE_PORT:?}"

work=$(mktemp -d)
services=(listings bidding escrow reputation gateway)
# Below the ephemeral port range, so no outgoing connection can be holding one of them.
declare -A port=([listings]=28181 [bidding]=28182 [escrow]=28183 [reputation]=28184 [gateway]=28180)
declare -A full=(
  [listings]=market.listings.v1.ListingsService [bidding]=market.bidding.v1.BiddingService
  [escrow]=market.escrow.v1.EscrowService [reputation]=market.reputation.v1.ReputationService
  [gateway]=market.identity.v1.IdentityService)
declare -A pid
passed=0
failed=0

check() {  # check NAME COMMAND...: records one assertion
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL: $name"
  fi
}

cleanup() {
  for svc in "${services[@]}"; do
    [ -n "${pid[$svc]:-}" ] && kill -KILL "${pid[$svc]}" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

admin="postgresql://postgres@127.0.0.1:$MARKET_TEST_PG_PORT"
psql "$admin/postgres" -qc "DROP DATABASE IF EXISTS market_e2e WITH (FORCE)" >/dev/null
psql "$admin/postgres" -qc "CREATE DATABASE market_e2e" >/dev/null
# Throwaway token keys: the gateway's users key and one per service, as deploy/local/run.sh makes.
verify_keys=$("$MARKET_SOURCE_DIR/deploy/local/token-keys.sh" "$work/keys" e2e)

start_service() {
  local svc=$1 signer=$1
  [ "$svc" = gateway ] && signer=users
  MARKET_HTTP_PORT=${port[$svc]} MARKET_PG_PORT=$MARKET_TEST_PG_PORT \
    MARKET_PG_DATABASE=market_e2e MARKET_PG_PASSWORD="e2e-$svc" \
    MARKET_REDIS_EVENTS_PORT=$MARKET_TEST_REDIS_PORT MARKET_REDIS_CACHE_PORT=$MARKET_TEST_REDIS_CACHE_PORT \
    MARKET_TOKEN_SIGNING_KEY="$work/keys/$signer.pem" \
    MARKET_TOKEN_SIGNING_KID="e2e-$signer" MARKET_TOKEN_VERIFY_KEYS="$verify_keys" \
    MARKET_DRAIN_TIMEOUT_MS=5000 \
    MARKET_UPSTREAM_LISTINGS=127.0.0.1:${port[listings]} MARKET_UPSTREAM_BIDDING=127.0.0.1:${port[bidding]} \
    MARKET_UPSTREAM_ESCROW=127.0.0.1:${port[escrow]} MARKET_UPSTREAM_REPUTATION=127.0.0.1:${port[reputation]} \
    "$MARKET_BINARY_DIR/services/$svc/market-$svc" >>"$work/$svc.log" 2>&1 &
  pid[$svc]=$!
}

wait_ready() {
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

for svc in "${services[@]}"; do
  MARKET_DB_PASSWORD="e2e-$svc" "$MARKET_BINARY_DIR/libs/pg/market-db-bootstrap" \
    --admin-dsn "$admin/market_e2e" --schema "$svc" --role "market_$svc" >/dev/null
  start_service "$svc"
done
for svc in "${services[@]}"; do
  if ! wait_ready "${port[$svc]}"; then
    echo "$svc did not become ready; its log:"
    cat "$work/$svc.log"
  fi
  check "$svc becomes ready" wait_ready "${port[$svc]}"
done

# curl, JSON: the README's health call.
for svc in "${services[@]}"; do
  reply=$(curl -s -H 'Content-Type: application/json' -d '{}' \
    "http://127.0.0.1:${port[$svc]}/grpc.health.v1.Health/Check")
  check "$svc answers JSON health ($reply)" [ "$reply" = '{"status":"SERVING"}' ]
done

# curl, binary protobuf: encode the request and decode the reply with protoc.
proto_dir=$MARKET_SOURCE_DIR/proto
for svc in "${services[@]}"; do
  echo "service: \"${full[$svc]}\"" |
    protoc -I "$proto_dir" --encode=grpc.health.v1.HealthCheckRequest grpc/health/v1/health.proto \
      >"$work/request.bin"
  curl -s -H 'Content-Type: application/proto' --data-binary @"$work/request.bin" \
    -o "$work/reply.bin" -w '%{content_type}' \
    "http://127.0.0.1:${port[$svc]}/grpc.health.v1.Health/Check" >"$work/content_type"
  decoded=$(protoc -I "$proto_dir" --decode=grpc.health.v1.HealthCheckResponse \
    grpc/health/v1/health.proto <"$work/reply.bin")
  check "$svc answers binary health ($decoded)" [ "$decoded" = "status: SERVING" ]
  check "$svc replies application/proto" [ "$(cat "$work/content_type")" = "application/proto" ]
done

# The standard Connect client for Node.js, over HTTP/1.1, both codecs, POST and GET.
client_dir=$MARKET_SOURCE_DIR/tests/connect_client
if [ ! -d "$client_dir/node_modules/@connectrpc/connect-node" ]; then
  (cd "$client_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1)
fi
mkdir -p "$work/gen"
# Every proto, so that whatever the checked files import is there too.
mapfile -t protos < <(cd "$proto_dir" && find . -name '*.proto' | sed 's|^\./||' | sort)
protoc --plugin=protoc-gen-es="$client_dir/node_modules/.bin/protoc-gen-es" --es_out="$work/gen" \
  --es_opt=target=js,import_extension=js -I "$proto_dir" "${protos[@]}"
ln -s "$client_dir/node_modules" "$work/node_modules"
targets=()
for svc in "${services[@]}"; do targets+=("$svc=127.0.0.1:${port[$svc]}"); done
cp "$client_dir/check.mjs" "$work/check.mjs"
check "connect-node calls every service in both codecs and reads error details" \
  node "$work/check.mjs" "$work/gen" "${targets[@]}"

# A freelancer through the gateway: register, log in, see oneself, publish a profile (routed to
# listings with the token passed on), read it back; without the token listings refuses.
gateway_url="http://127.0.0.1:${port[gateway]}"
post() {  # post PATH BODY [TOKEN]: prints the body, then the HTTP status on its own line
  curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' \
    ${3:+-H "Authorization: Bearer $3"} -d "$2" "$gateway_url$1"
}
email="e2e-$RANDOM$RANDOM@example.com"
reply=$(post /market.identity.v1.IdentityService/Register \
  '{"email":"'"$email"'","password":"a long e2e password","displayName":"E2E Freelancer","country":"PT","roles":["ROLE_FREELANCER"],"preferredCurrency":"EUR"}')
check "register through the gateway ($reply)" [ "$(tail -n1 <<<"$reply")" = 200 ]
reply=$(post /market.identity.v1.IdentityService/Login '{"email":"'"$email"'","password":"a long e2e password"}')
token=$(head -n1 <<<"$reply" | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
check "login through the gateway returns a token" [ -n "$token" ]
reply=$(post /market.identity.v1.IdentityService/Me '{}' "$token")
account_id=$(head -n1 <<<"$reply" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
check "me through the gateway ($reply)" [ -n "$account_id" ]
profile='{"headline":"E2E profile","overview":"","skills":["go"],"languages":["pt"],"timezone":"Europe/Lisbon","hourlyRate":{"currency":"EUR","minorUnits":"5000"},"weeklyAvailabilityHours":20}'
reply=$(post /market.listings.v1.ListingsService/UpsertMyProfile "$profile" "$token")
check "profile published through the gateway ($reply)" [ "$(tail -n1 <<<"$reply")" = 200 ]
reply=$(post /market.listings.v1.ListingsService/GetProfile '{"freelancerId":"'"$account_id"'"}' "$token")
check "profile read back through the gateway" grep -q '"country":"PT"' <<<"$reply"
reply=$(post /market.listings.v1.ListingsService/UpsertMyProfile "$profile")
check "listings refuses a call without a token ($reply)" [ "$(tail -n1 <<<"$reply")" = 401 ]

# Sessions: the refresh token rotates; the spent one, replayed, ends the session.
reply=$(post /market.identity.v1.IdentityService/Login '{"email":"'"$email"'","password":"a long e2e password"}')
refresh=$(head -n1 <<<"$reply" | sed -n 's/.*"refreshToken":"\([^"]*\)".*/\1/p')
check "login returns a refresh token" [ -n "$refresh" ]
reply=$(post /market.identity.v1.IdentityService/Refresh '{"refreshToken":"'"$refresh"'"}')
rotated=$(head -n1 <<<"$reply" | sed -n 's/.*"refreshToken":"\([^"]*\)".*/\1/p')
check "refresh rotates the refresh token ($reply)" [ -n "$rotated" -a "$rotated" != "$refresh" ]
reply=$(post /market.identity.v1.IdentityService/Refresh '{"refreshToken":"'"$refresh"'"}')
check "a replayed refresh token is refused ($reply)" [ "$(tail -n1 <<<"$reply")" = 401 ]
reply=$(post /market.identity.v1.IdentityService/Refresh '{"refreshToken":"'"$rotated"'"}')
check "the replay revoked the session ($reply)" [ "$(tail -n1 <<<"$reply")" = 401 ]

# Off loopback, a service without keys or database password refuses to start, naming them.
refusal=$(MARKET_HTTP_ADDRESS=0.0.0.0 MARKET_HTTP_PORT=28189 "$MARKET_BINARY_DIR/services/listings/market-listings" 2>&1)
refusal_code=$?
check "listings on 0.0.0.0 without keys exits 1 ($refusal_code)" [ "$refusal_code" -eq 1 ]
check "the refusal names MARKET_TOKEN_VERIFY_KEYS" grep -q 'MARKET_TOKEN_VERIFY_KEYS: must be set' <<<"$refusal"
check "the refusal names MARKET_PG_PASSWORD" grep -q 'MARKET_PG_PASSWORD: must be set' <<<"$refusal"

# SIGTERM under load: in-flight calls finish (no failed responses), the process exits 0.
cat >"$work/health.lua" <<'LUA'
wrk.method = "POST"
wrk.body = "{}"
wrk.headers["Content-Type"] = "application/json"
LUA
for svc in "${services[@]}"; do
  wrk -t 2 -c 32 -d 3s -s "$work/health.lua" "http://127.0.0.1:${port[$svc]}/grpc.health.v1.Health/Check" \
    >"$work/wrk-$svc.txt" 2>&1 &
  load=$!
  sleep 1
  kill -TERM "${pid[$svc]}"
  wait "${pid[$svc]}"
  code=$?
  pid[$svc]=""
  wait $load
  requests=$(awk '/requests in/ {print $1}' "$work/wrk-$svc.txt")
  check "$svc exits 0 on SIGTERM under load (exit $code)" [ "$code" -eq 0 ]
  check "$svc served load before SIGTERM ($requests requests)" [ "${requests:-0}" -gt 100 ]
  check "$svc answered no call with an error while draining" \
    bash -c "! grep -q 'Non-2xx' '$work/wrk-$svc.txt'"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
