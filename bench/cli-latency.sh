#!/usr/bin/env bash
# How long a client command takes, as a person at a shell sees it: `pipewright list` against a live
# entry API (and `pipewright --version`, no call) beside `java -version` on the same JDK, each run
# ROUNDS times after one warm-up run (which also writes the launcher's class-data archive). Prints
# the median wall time and the median CPU time (user + system) of each: on a busy machine the wall
# figure moves with the load, the CPU figure much less.
#
#   bench/cli-latency.sh [ROUNDS]        (default 10)
#
# Needs PostgreSQL on 127.0.0.1:5432 and RabbitMQ on 127.0.0.1:5672, as the integration tests do:
# it starts `pipewright serve api` (authentication off) on a throw-away database and drops it after.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
rounds=${1:-10}
pw="$root/bin/pipewright"
suffix=$$
db="pw_cli_bench_$suffix"
port=$((40000 + suffix % 20000))

"$pw" --version >/dev/null # builds the CLI if needed, and finds the JDK the launcher uses
java_bin="$(. "$root/apps/cli/target/launcher-java.env" && printf '%s' "$pw_cached_home")/bin/java"

psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" >/dev/null
server_log=$(mktemp)
times=$(mktemp)
PIPEWRIGHT_AUTH=off PIPEWRIGHT_DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/$db" \
  PIPEWRIGHT_GRPC_PORT=$port PIPEWRIGHT_HTTP_PORT=$((port + 1)) \
  PIPEWRIGHT_QUEUE_PREFIX="pw-cli-bench-$suffix" "$pw" serve api >"$server_log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null || true
  rm -f "$server_log" "$times"
}
trap cleanup EXIT
until "$pw" list --server "127.0.0.1:$port" >/dev/null 2>&1; do
  kill -0 "$server" 2>/dev/null || { cat "$server_log" >&2; exit 1; }
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

measure() { # $1 = label, rest = command
  local label=$1 walls=() cpus=() i t
  shift
  "$@" >/dev/null 2>&1 || true
  for ((i = 0; i < rounds; i++)); do
    /usr/bin/time -o "$times" -f "%e %U %S" "$@" >/dev/null 2>&1 || true
    t=$(tail -n 1 "$times")
    walls+=("$(awk '{ print $1 * 1000 }' <<<"$t")")
    cpus+=("$(awk '{ print ($2 + $3) * 1000 }' <<<"$t")")
  done
  printf '%-22s wall %6.0f ms   cpu %6.0f ms   (median of %d)\n' "$label" \
    "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" "$rounds"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs; $("$java_bin" -version 2>&1 | head -n 1)"
measure "java -version" "$java_bin" -version
measure "pipewright --version" "$pw" --version
measure "pipewright list" "$pw" list --server "127.0.0.1:$port"
