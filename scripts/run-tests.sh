#!/usr/bin/env bash
# Builds and runs shortstack's tests. With no argument it runs every stage; `release`, `asan`,
# `fuzz` or `drills` runs one. It ends with one summary line, "N passed, M failed", counting every test case
# (gtest cases in each build, plus one per fuzzer) and exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-20}
stages=("$@")
[ ${#stages[@]} -eq 0 ] && stages=(release asan fuzz drills)
results=$(mktemp -d)
servers=$(mktemp -d)
chmod 755 "$servers"  # PostgreSQL runs as its own user and must reach its directory inside
# The throwaway servers the itests run against are stopped however this script ends.
trap 'scripts/test-postgres.sh "$servers/postgres" stop >/dev/null 2>&1; scripts/test-redis.sh "$servers/redis" stop >/dev/null 2>&1
      scripts/test-nats.sh "$servers/nats" stop >/dev/null 2>&1; scripts/test-s3.sh "$servers/s3" stop >/dev/null 2>&1
      scripts/test-pgbouncer.sh "$servers/pgbouncer" stop >/dev/null 2>&1
      scripts/test-postgres-replica.sh "$servers/pg-replica" 0 stop >/dev/null 2>&1
      scripts/test-redis-sentinel.sh "$servers/redis-sentinel" stop >/dev/null 2>&1; rm -rf "$results" "$servers"' EXIT
passed=0
failed=0

note() { printf '\n==> %s\n' "$*"; }

# Sums tests= and failures= over the gtest XML reports written by one build's run.
tally_gtest() {
  local dir=$1 t f
  for xml in "$dir"/*.xml; do
    [ -f "$xml" ] || continue
    t=$(grep -o '<testsuites [^>]*' "$xml" | grep -o ' tests="[0-9]*"' | grep -o '[0-9]*')
    f=$(grep -o '<testsuites [^>]*' "$xml" | grep -o ' failures="[0-9]*"' | grep -o '[0-9]*')
    e=$(grep -o '<testsuites [^>]*' "$xml" | grep -o ' errors="[0-9]*"' | grep -o '[0-9]*')
    passed=$((passed + ${t:-0} - ${f:-0} - ${e:-0}))
    failed=$((failed + ${f:-0} + ${e:-0}))
  done
}

run_build() {
  local name=$1 dir=$2; shift 2
  note "$name: configure and build ($dir)"
  if ! cmake -S . -B "$dir" -G Ninja "$@" >"$results/$name-cmake.log" 2>&1; then
    cat "$results/$name-cmake.log"; failed=$((failed + 1)); return
  fi
  if ! cmake --build "$dir"; then failed=$((failed + 1)); return; fi
  # The benchmarks are built (not run) too, so a change to a seam cannot leave them broken.
  if [ "$name" = release ] && ! cmake --build "$dir" --target micro_bench loadgen; then failed=$((failed + 1)); return; fi
  note "$name: tests"
  local reports="$results/$name"
  mkdir -p "$reports"
  # ctest runs each test binary; each writes a gtest XML report we tally afterwards.
  GTEST_OUTPUT="xml:$reports/" ctest --test-dir "$dir" --output-on-failure
  local rc=$?
  tally_gtest "$reports"
  # A binary that crashed before writing its report still counts as a failure.
  [ $rc -ne 0 ] && [ "$(ls "$reports"/*.xml 2>/dev/null | wc -l)" -lt 2 ] && failed=$((failed + 1))
}

run_fuzzers() {
  local FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
  note "fuzz: build with clang and libFuzzer ($FUZZ_BUILD)"
  if ! CC=clang CXX=clang++ cmake -S . -B "$FUZZ_BUILD" -G Ninja -DSHORTSTACK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      >"$results/fuzz-cmake.log" 2>&1; then
    cat "$results/fuzz-cmake.log"; failed=$((failed + 1)); return
  fi
  if ! cmake --build "$FUZZ_BUILD"; then failed=$((failed + 1)); return; fi
  for bin in "$FUZZ_BUILD"/*_fuzz; do
    local name corpus
    name=$(basename "$bin")
    corpus=$(mktemp -d)
    cp fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
    note "fuzz: $name for ${FUZZ_SECONDS}s"
    if "$bin" -max_total_time="$FUZZ_SECONDS" -print_final_stats=0 -artifact_prefix="$results/" "$corpus" \
        >"$results/$name.log" 2>&1; then
      tail -n 2 "$results/$name.log"
      passed=$((passed + 1))
    else
      tail -n 40 "$results/$name.log"
      failed=$((failed + 1))
    fi
    rm -rf "$corpus"
  done
}

# One PostgreSQL, Redis, NATS and S3 store for every build's itests (each test works in a schema, key
# prefix, stream or bucket of its own).
if [[ " ${stages[*]} " == *" release "* || " ${stages[*]} " == *" asan "* ]]; then
  note "servers: PostgreSQL"
  if ! SHORTSTACK_TEST_PG_URL=$(scripts/test-postgres.sh "$servers/postgres" start); then
    echo "cannot start the test PostgreSQL"; exit 1
  fi
  export SHORTSTACK_TEST_PG_URL
  echo "$SHORTSTACK_TEST_PG_URL"
  note "servers: PgBouncer (transaction mode)"
  pg_port=${SHORTSTACK_TEST_PG_URL##*:}; pg_port=${pg_port%%/*}
  if ! SHORTSTACK_TEST_PGBOUNCER=$(scripts/test-pgbouncer.sh "$servers/pgbouncer" start 127.0.0.1 "$pg_port"); then
    echo "cannot start the test PgBouncer"; exit 1
  fi
  export SHORTSTACK_TEST_PGBOUNCER
  echo "$SHORTSTACK_TEST_PGBOUNCER"
  note "servers: a streaming replica of that PostgreSQL"
  if ! SHORTSTACK_TEST_PG_REPLICA_URL=$(scripts/test-postgres-replica.sh "$servers/pg-replica" "$pg_port" start); then
    echo "cannot start the test PostgreSQL replica"; exit 1
  fi
  export SHORTSTACK_TEST_PG_REPLICA_URL SHORTSTACK_TEST_PG_REPLICA_CTL="$PWD/scripts/test-postgres-replica.sh $servers/pg-replica $pg_port"
  echo "$SHORTSTACK_TEST_PG_REPLICA_URL"
  note "servers: Redis"
  if ! SHORTSTACK_TEST_REDIS=$(scripts/test-redis.sh "$servers/redis" start); then
    echo "cannot start the test Redis"; exit 1
  fi
  # The outage itests stop and restart it through this command.
  export SHORTSTACK_TEST_REDIS SHORTSTACK_TEST_REDIS_CTL="$PWD/scripts/test-redis.sh $servers/redis"
  echo "$SHORTSTACK_TEST_REDIS"
  note "servers: Redis with Sentinel (the failover itest kills its primary)"
  if ! SHORTSTACK_TEST_REDIS_SENTINEL=$(scripts/test-redis-sentinel.sh "$servers/redis-sentinel" start); then
    echo "cannot start the test Redis with Sentinel"; exit 1
  fi
  export SHORTSTACK_TEST_REDIS_SENTINEL SHORTSTACK_TEST_REDIS_SENTINEL_CTL="$PWD/scripts/test-redis-sentinel.sh $servers/redis-sentinel"
  echo "$SHORTSTACK_TEST_REDIS_SENTINEL"
  note "servers: NATS JetStream"
  if ! SHORTSTACK_TEST_NATS=$(scripts/test-nats.sh "$servers/nats" start); then
    echo "cannot start the test NATS"; exit 1
  fi
  export SHORTSTACK_TEST_NATS
  echo "$SHORTSTACK_TEST_NATS"
  note "servers: S3 (OpenStack Swift with s3api)"
  if ! SHORTSTACK_TEST_S3=$(scripts/test-s3.sh "$servers/s3" start); then
    echo "cannot start the test object store"; exit 1
  fi
  export SHORTSTACK_TEST_S3
  echo "$SHORTSTACK_TEST_S3"
fi

# Failure drills: scripts that run a scenario end to end against real servers and end with PASS or
# FAIL; each counts as one test. They use the release binary.
run_drills() {
  cmake --build "${BUILD:-build}" --target shortstack loadgen >/dev/null || { failed=$((failed + 1)); return; }
  for drill in drills/*.sh; do
    local name; name=$(basename "$drill" .sh)
    note "drill: $name"
    if BIN="$PWD/${BUILD:-build}/shortstack" LOADGEN="$PWD/${BUILD:-build}/loadgen" \
         "$drill" "$servers/drill-$name" >"$results/drill-$name.log" 2>&1; then
      grep '^\[' "$results/drill-$name.log" | grep -v '^\[[a-z0-9-]*\]   ' | tail -n 8
      passed=$((passed + 1))
    else
      tail -n 40 "$results/drill-$name.log"
      failed=$((failed + 1))
    fi
  done
}

for stage in "${stages[@]}"; do
  case "$stage" in
    drills) run_drills ;;
    release) run_build release "${BUILD:-build}" -DCMAKE_BUILD_TYPE=RelWithDebInfo ;;
    asan) ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
            run_build asan "${ASAN_BUILD:-build-asan}" -DCMAKE_BUILD_TYPE=Debug -DSHORTSTACK_SANITIZE=ON ;;
    fuzz) run_fuzzers ;;
    *) echo "unknown stage: $stage (release, asan, fuzz, drills)"; exit 2 ;;
  esac
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
