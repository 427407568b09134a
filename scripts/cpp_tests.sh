#!/usr/bin/env bash
# Builds and runs the C++ tests: the completion sink and client metrics under ThreadSanitizer;
# the async engine (against the embedded server), the embedded server's streams and system
# shared memory under AddressSanitizer and UndefinedBehaviorSanitizer.
# Build directories persist under build/, so re-runs are incremental.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/.venv/bin:$PATH"  # cmake and ninja from the project's environment

run_under() {  # <sanitizer flags> <build dir> <target...>
  local flags=$1 dir=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTRITONLINK_BUILD_TESTS=ON \
    -DCMAKE_CXX_FLAGS="$flags -fno-omit-frame-pointer" >/dev/null
  cmake --build "$dir" --target "$@" >/dev/null
  for target in "$@"; do
    echo "== $target ($flags)"
    timeout 300 "$dir/csrc/tests/$target"
  done
}

run_under "-fsanitize=thread" build/cpp-tsan completion_sink_test client_metrics_test

# The ASan/UBSan tests come from the build that scripts/asan_suite.sh runs the pytest suite against.
source scripts/asan_build.sh
build_with_asan
for target in async_engine_test stream_server_test system_shared_memory_test; do
  echo "== $target (${ASAN_FLAGS})"
  timeout 300 "$ASAN_BUILD/csrc/tests/$target"
done
