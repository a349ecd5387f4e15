#!/usr/bin/env bash
# Installs what is missing, checks formatting, builds with warnings as errors, and runs every
# test: unit, integration (against a private PostgreSQL and Redis that CTest's `infra` fixture
# starts and stops), wire and end-to-end.
#   test.sh [extra ctest arguments...]
# MARKET_SANITIZE=1 builds with AddressSanitizer and UBSan into build-sanitize instead.
# MARKET_WERROR=OFF lets warnings through (default ON; the sanitizer build defaults to OFF,
# since instrumented code gives GCC's flow analysis more to warn about than the code itself).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
"$repo/deploy/local/install-deps.sh"
"$repo/deploy/local/check-format.sh"
if [ "${MARKET_SANITIZE:-0}" = 1 ]; then
  build_dir=${MARKET_BUILD_DIR:-$repo/build-sanitize}
  "$repo/deploy/local/build.sh" "$build_dir" -DMARKET_SANITIZE=ON \
    -DMARKET_WERROR="${MARKET_WERROR:-OFF}"
else
  build_dir=${MARKET_BUILD_DIR:-$repo/build}
  "$repo/deploy/local/build.sh" "$build_dir" -DMARKET_WERROR="${MARKET_WERROR:-ON}"
fi
cd "$build_dir"
status=0
ctest --output-on-failure --timeout 600 "$@" || status=$?
# The failures' own lines again at the end, where a truncated CI log still shows them (the
# services' JSON logs around them can run to thousands of lines).
if [ "$status" -ne 0 ] && [ -f Testing/Temporary/LastTest.log ]; then
  echo "== what the failed tests reported (Testing/Temporary/LastTest.log) =="
  grep -E ': failed:|FAILED|AssertionError|Error:|REQUIRE|CHECK\(' Testing/Temporary/LastTest.log |
    grep -v '"level":' | tail -n 60 || true
fi
exit "$status"
