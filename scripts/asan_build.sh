# Sourced by cpp_tests.sh and asan_suite.sh: one AddressSanitizer/UBSan build serves both, the
# extension (installed into build/asan-site) and the C++ tests (in build/asan-ext/csrc/tests),
# so the core and the embedded server are compiled with the sanitizers once. Incremental.
ASAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
ASAN_SITE=build/asan-site
ASAN_BUILD=build/asan-ext

build_with_asan() {
  echo "== building the extension and the C++ tests with ${ASAN_FLAGS}"
  PATH="$PWD/.venv/bin:$PATH" .venv/bin/python -m pip install -q --disable-pip-version-check --no-build-isolation \
    --no-deps --upgrade --target "$ASAN_SITE" -C build-dir="$ASAN_BUILD" -C cmake.build-type=RelWithDebInfo \
    -C "cmake.define.CMAKE_CXX_FLAGS=${ASAN_FLAGS}" -C cmake.define.TRITONLINK_BUILD_TESTS=ON . >/dev/null
}
