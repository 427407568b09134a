#!/usr/bin/env bash
# Builds the extension itself with AddressSanitizer and UBSan (into build/asan-site, apart from
# the .venv's normal build) and runs the pytest suite, both servers, against that build.
# CPython is not instrumented: the ASan runtime is preloaded, leak detection is off (the
# interpreter keeps memory until exit on purpose), and UBSan stops at its first finding.
# Left out, with why: tests marked `timing` (ASan slows code 2-3x; their margins are for
# the normal build) and tests/test_wheel.py (it builds and installs a wheel: packaging, not
# memory safety). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/.venv/bin:$PATH"  # cmake and ninja from the project's environment
site=build/asan-site
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

echo "== building the extension with ${flags}"
.venv/bin/python -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps --upgrade \
  --target "$site" -C build-dir=build/asan-ext -C cmake.build-type=RelWithDebInfo \
  -C "cmake.define.CMAKE_CXX_FLAGS=${flags}" . >/dev/null

echo "== pytest against the ASan/UBSan build"
# Reports go to files: pytest captures the process's stderr, and an abort would lose them.
logs="$PWD/build/asan-logs"
rm -rf "$logs" && mkdir -p "$logs"
status=0
# libstdc++ is preloaded too: ASan's __cxa_throw interceptor must find the real one at start-up,
# and the interpreter itself does not link it.
PYTHONPATH="$PWD/$site" \
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libstdc++.so.6)" \
ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:log_path=$logs/asan" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan" \
TRITONLINK_EXPECT_BUILD="$PWD/$site" \
  .venv/bin/python -m pytest -q -p no:cacheprovider -m "not timing" --ignore=tests/test_wheel.py "$@" || status=$?
if compgen -G "$logs/*" >/dev/null; then
  echo "== sanitizer reports"
  head -n 80 "$logs"/*
  exit 1
fi
exit "$status"
