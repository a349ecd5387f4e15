#!/usr/bin/env bash
# Loads the local stack's demo data and prints the "try it" block: creates the demo operator
# (market-create-operator, with the gateway's database settings), then runs demo/seed.mjs, which
# loads everything else through the gateway's public API as the users themselves would.
#
#   demo.sh GATEWAY_URL STATE_DIR PG_PORT BUILD_DIR
#
# run.sh calls it once every service is ready, unless MARKET_STACK_DEMO=0. Running it again is
# harmless: an existing operator is kept and the seeder sees its data is there. Exits non-zero
# with a message naming what failed; the stack keeps running either way.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gateway=${1:?usage: demo.sh GATEWAY_URL STATE_DIR PG_PORT BUILD_DIR}
state_dir=${2:?state directory required}
pg_port=${3:?PostgreSQL port required}
build_dir=${4:?build directory required}

fail() {
  echo "demo data: FAILED: $*" >&2
  exit 1
}
command -v node >/dev/null || fail "Node.js 20 is needed to load the demo data (node is not on PATH)"

# The demo credentials live in one place, demo/catalog.mjs.
read -r operator_email password < <(node --input-type=module -e \
  "import { OPERATOR, DEMO_PASSWORD } from '$here/demo/catalog.mjs';
   console.log(OPERATOR.email, DEMO_PASSWORD);") || fail "cannot read demo/catalog.mjs"

# The operator is created with the gateway's own database role; the superuser is not needed.
created=$(env -u PGPASSWORD MARKET_PG_PORT="$pg_port" \
  MARKET_PG_PASSWORD="$("$here/infra.sh" secret "$state_dir" pg-gateway)" \
  MARKET_OPERATOR_PASSWORD="$password" "$build_dir/services/gateway/market-create-operator" \
  --email "$operator_email" --display-name "Demo Operations" --country DE --currency EUR 2>&1) ||
  grep -q "already exists" <<<"$created" || fail "creating the demo operator: $created"

node "$here/demo/seed.mjs" "$gateway"

cat <<TRY

Try it (demo accounts, password $password; access tokens last 15 minutes):
  G=$gateway
  J='Content-Type: application/json'
  # The demo client (an SME in Germany paying in EUR) signs in, posts a job, finds freelancers
  # by reputation and lists its contracts:
  CLIENT=\$(curl -s -H "\$J" -d '{"email":"demo-client@market.example","password":"$password"}' \$G/market.identity.v1.IdentityService/Login | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
  DEADLINE=\$(node -e 'console.log(new Date(Date.now() + 7 * 86400000).toISOString())')
  JOB=\$(curl -s -H "\$J" -H "Authorization: Bearer \$CLIENT" -d '{"job":{"title":"Import our carrier invoices into PostgreSQL","description":"Parse the monthly PDF and CSV invoices of three carriers and load them into our database.","skills":["postgresql","python"],"budget":{"fixedPrice":{"currency":"EUR","minorUnits":"150000"}},"expectedDuration":"JOB_DURATION_ONE_TO_FOUR_WEEKS","visibility":"JOB_VISIBILITY_PUBLIC","bidDeadline":"'\$DEADLINE'"}}' \$G/market.listings.v1.ListingsService/PostJob | sed -n 's/^{"job":{"id":"\([^"]*\)".*/\1/p'); echo "job \$JOB"
  curl -s -H "\$J" -H "Authorization: Bearer \$CLIENT" -d '{"skills":["go"],"sort":"SEARCH_SORT_REPUTATION"}' \$G/market.listings.v1.ListingsService/SearchFreelancers; echo
  curl -s -H "\$J" -H "Authorization: Bearer \$CLIENT" -d '{}' \$G/market.escrow.v1.EscrowService/ListMyContracts; echo
  # The demo freelancer (India, paid in INR) signs in, searches jobs, bids on the new one and
  # sees the bid credits it spent:
  FREELANCER=\$(curl -s -H "\$J" -d '{"email":"demo-freelancer@market.example","password":"$password"}' \$G/market.identity.v1.IdentityService/Login | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
  curl -s -H "\$J" -H "Authorization: Bearer \$FREELANCER" -d '{"query":"postgresql invoices","budget":{"min":{"currency":"USD","minorUnits":"100000"}}}' \$G/market.listings.v1.ListingsService/SearchJobs; echo
  curl -s -H "\$J" -H "Authorization: Bearer \$FREELANCER" -d '{"jobId":"'\$JOB'","terms":{"fixedPrice":{"currency":"EUR","minorUnits":"140000"},"deliveryDays":14,"milestones":[{"title":"Parsers for three carriers","amount":{"currency":"EUR","minorUnits":"60000"}},{"title":"Nightly import and checks","amount":{"currency":"EUR","minorUnits":"80000"}}],"coverLetter":"I have built invoice importers for two logistics companies."},"payoutCurrency":"INR"}' \$G/market.bidding.v1.BiddingService/PlaceBid; echo
  curl -s -H "\$J" -H "Authorization: Bearer \$FREELANCER" -d '{}' \$G/market.bidding.v1.BiddingService/GetCreditBalance; echo
  # The demo operator sees the money held in escrow, the open disputes (largest first) and the
  # ledger check:
  OPERATOR=\$(curl -s -H "\$J" -d '{"email":"$operator_email","password":"$password"}' \$G/market.identity.v1.IdentityService/Login | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p')
  curl -s -H "\$J" -H "Authorization: Bearer \$OPERATOR" -d '{}' \$G/market.escrow.v1.EscrowService/GetEscrowSummary; echo
  curl -s -H "\$J" -H "Authorization: Bearer \$OPERATOR" -d '{"order":"DISPUTE_ORDER_AMOUNT"}' \$G/market.escrow.v1.EscrowService/ListDisputes; echo
  curl -s -H "\$J" -H "Authorization: Bearer \$OPERATOR" -d '{}' \$G/market.escrow.v1.EscrowService/CheckLedger; echo
TRY
