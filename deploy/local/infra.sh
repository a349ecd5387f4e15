#!/usr/bin/env bash
# Starts and stops a private PostgreSQL 15 cluster and two Redis 7 servers under a state
# directory, on loopback ports of their own: no system services are used or touched.
#
#   infra.sh start    STATE_DIR PG_PORT REDIS_EVENTS_PORT [REDIS_CACHE_PORT] [--secrets]
#   infra.sh stop     STATE_DIR
#   infra.sh remove   STATE_DIR   (stop, then delete the state directory and all its data)
#   infra.sh redis-stop STATE_DIR [ROLE]
#   infra.sh redis-start|redis-restart STATE_DIR PORT [ROLE]
#
# The two Redis roles (ROLE: events, the default, or cache):
#   events  Streams: append-only file, fsync on every write, so no acknowledged event is lost;
#           never evicts.
#   cache   cache entries, rate limits, login throttle: nothing on disk, memory-bounded
#           (MARKET_REDIS_CACHE_MAXMEMORY, default 256mb) with noeviction: a full cache refuses
#           writes (its users then behave as without Redis) rather than evict a live rate-limit
#           or throttle key. Every key written there carries an expiry.
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
#
# With --secrets (the local stack, run.sh) nobody is trusted: the first start generates a
# superuser password and a Redis password into STATE_DIR/secrets (directory 0700, files 0600,
# created once and reused), every role authenticates with scram-sha-256 over loopback, and
# Redis requires its password (from a config file, never the command line, which every local
# user can read). `infra.sh secret STATE_DIR NAME` prints one (pg-superuser, redis, or any other
# it then creates). Once a state directory has secrets, every later command uses them.
#
# Without --secrets (the test servers CTest starts and throws away under the build directory)
# the superuser is trusted over loopback and Redis has no password.
set -euo pipefail

pg_bin=/usr/lib/postgresql/15/bin
cmd=${1:?usage: infra.sh start|stop|remove|redis-stop|redis-start|redis-restart STATE_DIR ...}
state_dir=${2:?state directory required}
mkdir -p "$state_dir"
state_dir=$(cd "$state_dir" && pwd)

secrets_dir="$state_dir/secrets"

# Whether this state directory's servers use passwords.
secured() { [ -f "$secrets_dir/redis" ]; }

# Creates the secret NAME once: 32 random bytes as hex, safe in SQL and config files unquoted.
make_secret() {
  local file="$secrets_dir/$1"
  [ -s "$file" ] && return
  (umask 077 && mkdir -p "$secrets_dir" && chmod 700 "$secrets_dir" &&
    head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file.tmp" && mv "$file.tmp" "$file")
}

secret() { cat "$secrets_dir/$1"; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The postgres user must reach the data directory; a checkout under a private home directory
# is not reachable, so the cluster then lives under /tmp with a link from the state directory.
pg_data_dir() {
  local wanted="$state_dir/pg"
  if [ -L "$wanted" ]; then
    readlink -f "$wanted"
    return
  fi
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$state_dir"; then
    local key
    key=$(printf '%s' "$state_dir" | md5sum | cut -c1-12)
    local elsewhere="/tmp/market-pg-$key"
    mkdir -p "$elsewhere"
    ln -sfn "$elsewhere" "$wanted"
    echo "$elsewhere"
    return
  fi
  echo "$wanted"
}

start_pg() {
  local port=$1 data
  data=$(pg_data_dir)
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data" && chmod 700 "$data"
  if [ ! -f "$data/PG_VERSION" ]; then
    as_pg "$pg_bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$state_dir/initdb.log" 2>&1
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "unix_socket_directories = '$data'"
      echo "max_connections = 200"
      echo "fsync = on"
      echo "shared_buffers = 128MB"
    } >>"$data/postgresql.conf"
    # Trust only the superuser on loopback; service roles prove their password.
    sed -i '/^host/d' "$data/pg_hba.conf"
    {
      echo "host all postgres 127.0.0.1/32 trust"
      echo "host all all 127.0.0.1/32 scram-sha-256"
    } >>"$data/pg_hba.conf"
  fi
  if ! as_pg "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    # One retry: a server that just stopped on this machine can leave its port or shared memory
    # behind for a moment. The server's own log says why when both attempts fail.
    local attempt
    for attempt in 1 2; do
      as_pg "$pg_bin/pg_ctl" -D "$data" -o "-p $port" -l "$data/server.log" -w -t 60 start \
        >/dev/null && break
      if [ "$attempt" = 2 ]; then
        echo "PostgreSQL did not start on port $port; its log ends:" >&2
        tail -n 20 "$data/server.log" >&2
        return 1
      fi
      sleep 2
    done
    echo "$port" >"$state_dir/pg.port"
  fi
  if secured && grep -q '^host.*trust' "$data/pg_hba.conf"; then
    secure_pg "$port" "$data"
  fi
}

# Gives the superuser its password (over loopback, still trusted at this point, with the
# statement on stdin so the password is on no command line), then stops trusting anyone. Runs
# once per cluster, including clusters created before secrets existed.
secure_pg() {
  local port=$1 data=$2
  echo "ALTER ROLE postgres PASSWORD '$(secret pg-superuser)'" |
    psql -q -v ON_ERROR_STOP=1 "postgresql://postgres@127.0.0.1:$port/postgres" >/dev/null
  sed -i 's/^\(host.*\)trust$/\1scram-sha-256/' "$data/pg_hba.conf"
  as_pg "$pg_bin/pg_ctl" -D "$data" reload >/dev/null
}

stop_pg() {
  local data
  [ -e "$state_dir/pg" ] || return 0
  data=$(pg_data_dir)
  if [ -f "$data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  fi
}

redis_paths() {  # redis_paths ROLE: sets redis_dir and redis_pid for a role
  case "$1" in
    events)
      redis_dir="$state_dir/redis"
      redis_pid="$state_dir/redis.pid"
      ;;
    cache)
      redis_dir="$state_dir/redis-cache"
      redis_pid="$state_dir/redis-cache.pid"
      ;;
    *)
      echo "infra: unknown redis role $1 (events or cache)" >&2
      exit 2
      ;;
  esac
}

start_redis() {  # start_redis PORT ROLE
  local port=$1 role=${2:-events} redis_dir redis_pid
  redis_paths "$role"
  mkdir -p "$redis_dir"
  if [ -f "$redis_pid" ] && kill -0 "$(cat "$redis_pid")" 2>/dev/null; then
    return
  fi
  # The password goes in a config file only its owner reads; no file means no password.
  # Both roles share it.
  local config=/dev/null
  if secured; then
    config="$secrets_dir/redis.conf"
    (umask 077 && echo "requirepass $(secret redis)" >"$config")
  fi
  local persistence
  if [ "$role" = events ]; then
    # Append-only file with fsync on every write: events in Streams survive a Redis restart.
    persistence=(--appendonly yes --appendfsync always --save '' --maxmemory-policy noeviction)
  else
    persistence=(--appendonly no --save '' --maxmemory "${MARKET_REDIS_CACHE_MAXMEMORY:-256mb}"
      --maxmemory-policy noeviction)
  fi
  redis-server "$config" --port "$port" --bind 127.0.0.1 --dir "$redis_dir" --daemonize yes \
    --pidfile "$redis_pid" --logfile "$redis_dir/redis.log" "${persistence[@]}" >/dev/null
  # Until its append-only file is loaded Redis answers PING with -LOADING: wait for PONG.
  local auth=
  secured && auth=$(secret redis)
  for _ in $(seq 1 600); do
    [ "$(REDISCLI_AUTH=$auth redis-cli -p "$port" ping 2>/dev/null)" = "PONG" ] && return
    sleep 0.05
  done
  echo "infra: redis ($role) did not start on port $port" >&2
  exit 1
}

stop_redis() {  # stop_redis ROLE
  local redis_dir redis_pid
  redis_paths "${1:-events}"
  [ -f "$redis_pid" ] || return 0
  local pid
  pid=$(cat "$redis_pid")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  rm -f "$redis_pid"
}

case "$cmd" in
  start)
    cache_port=
    for option in "${@:5}"; do
      if [ "$option" = "--secrets" ]; then
        make_secret pg-superuser
        make_secret redis
      elif [[ $option =~ ^[0-9]+$ ]]; then
        cache_port=$option
      else
        echo "infra: unknown option $option; expected a cache Redis port or --secrets" >&2
        exit 2
      fi
    done
    start_pg "${3:?pg port}"
    start_redis "${4:?redis events port}" events
    if [ -n "$cache_port" ]; then start_redis "$cache_port" cache; fi
    ;;
  secret)
    # Prints a secret of a secured state directory, creating it first if new (the local stack
    # keeps its service roles' passwords here too).
    name=${3:?secret name, e.g. pg-superuser or redis}
    secured || { echo "infra: $state_dir has no secrets (started without --secrets)" >&2; exit 1; }
    [[ $name =~ ^[a-z0-9-]+$ ]] || { echo "infra: secret name $name: use a-z, 0-9 and -" >&2; exit 2; }
    make_secret "$name"
    secret "$name"
    ;;
  stop)
    stop_redis cache
    stop_redis events
    stop_pg
    ;;
  remove)
    # A throwaway state directory (benchmarks, tests): the cluster may live under /tmp behind a
    # link (pg_data_dir), which deleting the directory alone would leave behind.
    stop_redis cache
    stop_redis events
    stop_pg
    relocated=$(readlink "$state_dir/pg" 2>/dev/null || true)
    case "$relocated" in /tmp/market-pg-*) rm -rf "$relocated" ;; esac
    rm -rf "$state_dir"
    ;;
  redis-stop) stop_redis "${3:-events}" ;;
  redis-start) start_redis "${3:?redis port}" "${4:-events}" ;;
  redis-restart)
    stop_redis "${4:-events}"
    start_redis "${3:?redis port}" "${4:-events}"
    ;;
  *)
    echo "infra: unknown command $cmd" >&2
    exit 2
    ;;
esac
