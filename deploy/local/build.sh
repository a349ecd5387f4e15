#!/usr/bin/env bash
# Installs missing packages, configures and builds the project.
#   build.sh [BUILD_DIR] [extra cmake arguments...]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${1:-$repo/build}
shift || true

"$repo/deploy/local/install-deps.sh"
cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
# Two jobs per core is too many for Beast's templates on small machines; one per core it is.
cmake --build "$build_dir" -j "$(nproc)"
