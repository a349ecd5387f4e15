#!/usr/bin/env bash
# Ping RPCs per second through the Connect server against a bare Beast server, measured in the
# same run with the same load (wrk, loopback, keep-alive) so the ratio holds on noisy machines.
# The two servers are measured alternately, ROUNDS times each, and the medians compared.
#
#   loadtests/ping_bench.sh [BUILD_DIR]    (env: DURATION=5s CONNECTIONS=32 ROUNDS=3)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/loadtests/wrk_post.sh"
build_dir=${1:-$repo/build}
duration=${DURATION:-5s}
connections=${CONNECTIONS:-32}
rounds=${ROUNDS:-3}
bare_port=29081
connect_port=29082
work=$(mktemp -d)

wrk_post_script "$work/post.lua" '{}'

"$build_dir/loadtests/bare_beast_server" "$bare_port" 1 &
bare_pid=$!
"$build_dir/loadtests/connect_ping_server" "$connect_port" 1 1 &
connect_pid=$!
trap 'kill $bare_pid $connect_pid 2>/dev/null; rm -rf "$work"' EXIT
sleep 0.5

rps() {  # rps URL: requests per second wrk measured (one thread: the servers get the other core)
  wrk -t 1 -c "$connections" -d "$duration" -s "$work/post.lua" "$1" |
    awk '/Requests\/sec/ {print $2}'
}

bare=()
connect=()
for round in $(seq 1 "$rounds"); do
  bare+=("$(rps "http://127.0.0.1:$bare_port/grpc.health.v1.Health/Check")")
  connect+=("$(rps "http://127.0.0.1:$connect_port/grpc.health.v1.Health/Check")")
  echo "round $round: bare beast ${bare[-1]} rps, connect ${connect[-1]} rps"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bare_median=$(median "${bare[@]}")
connect_median=$(median "${connect[@]}")
ratio=$(awk -v c="$connect_median" -v b="$bare_median" 'BEGIN {printf "%.2f", c / b}')
echo "median: bare beast $bare_median rps, connect $connect_median rps, ratio $ratio"
