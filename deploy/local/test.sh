#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit, integration (against a private
# PostgreSQL and Redis that CTest's `infra` fixture starts and stops), wire and end-to-end.
#   test.sh [extra ctest arguments...]
# MARKET_SANITIZE=1 builds with AddressSanitizer and UBSan into build-sanitize instead.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [ "${MARKET_SANITIZE:-0}" = 1 ]; then
  build_dir=${MARKET_BUILD_DIR:-$repo/build-sanitize}
  "$repo/deploy/local/build.sh" "$build_dir" -DMARKET_SANITIZE=ON
else
  build_dir=${MARKET_BUILD_DIR:-$repo/build}
  "$repo/deploy/local/build.sh" "$build_dir"
fi
cd "$build_dir"
ctest --output-on-failure --timeout 600 "$@"
