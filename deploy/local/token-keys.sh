#!/usr/bin/env bash
# Makes the token keys of a stack, once, and prints MARKET_TOKEN_VERIFY_KEYS for them: the
# gateway's users key, which alone signs user tokens, and one key per service for its own service
# tokens (openssl genpkey -algorithm ed25519; private keys 0600 in a 0700 folder). Keys already
# there are kept, so a restarted stack still accepts the tokens it issued.
#
#   verify_keys=$(deploy/local/token-keys.sh KEYS_DIR KID_PREFIX)
#   # process X then signs with KEYS_DIR/<X>.pem, kid KID_PREFIX-<X> (the gateway: users)
set -euo pipefail
keys_dir=${1:?keys folder required}
prefix=${2:?kid prefix required}
mkdir -p "$keys_dir"
chmod 700 "$keys_dir"
verify_keys=""
for name in users listings bidding escrow reputation; do
  if [ ! -f "$keys_dir/$name.pem" ]; then
    (umask 077 && openssl genpkey -algorithm ed25519 -out "$keys_dir/$name.pem")
  fi
  openssl pkey -in "$keys_dir/$name.pem" -pubout -out "$keys_dir/$name.pub"
  scope=users
  [ "$name" = users ] || scope="service=$name"
  verify_keys+="${verify_keys:+,}$prefix-$name:$scope:$keys_dir/$name.pub"
done
echo "$verify_keys"
