#!/usr/bin/env bash
# Builds the extension itself with AddressSanitizer and UBSan (scripts/asan_build.sh: into
# build/asan-site, apart from the .venv's normal build) and runs the pytest suite, both servers, against that build.
# CPython is not instrumented: the ASan runtime is preloaded, leak detection is off (the
# interpreter keeps memory until exit on purpose), and UBSan stops at its first finding.
# pytest captures at the sys level only, so that a sanitizer's report on file descriptor 2
# reaches the log even when it ends the process.
# Left out, with why: tests marked `timing` or `memory` (ASan slows code 2-3x and keeps
# freed memory in quarantine; their margins are for the normal build) and tests/test_wheel.py (it builds and installs a wheel: packaging, not
# memory safety). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/asan_build.sh
build_with_asan

echo "== pytest against the ASan/UBSan build"
# libstdc++ is preloaded too: ASan's __cxa_throw interceptor must find the real one at start-up,
# and the interpreter itself does not link it.
PYTHONPATH="$PWD/$ASAN_SITE" \
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libstdc++.so.6)" \
ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:abort_on_error=1" \
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
TRITONLINK_EXPECT_BUILD="$PWD/$ASAN_SITE" \
  .venv/bin/python -m pytest -q -p no:cacheprovider --capture=sys -m "not timing and not memory" \
  --ignore=tests/test_wheel.py "$@"
