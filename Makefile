# Thin wrappers; each target does its own set-up (scripts/setup.sh is incremental).
PY := .venv/bin/python

.PHONY: setup demo lint stub test fuzz sdist wheel wheels bench bench-quick compare soak clean

setup:
	@scripts/setup.sh

demo: setup
	$(PY) -m tritonlink demo

# ruff (config in pyproject.toml), mypy --strict on python/tritonlink, and clang-format (.clang-format)
# over csrc/. That _core.pyi matches the built module is checked by tests/test_stub.py.
CXX_SOURCES = $(shell find csrc -name '*.h' -o -name '*.cc')
lint: setup
	$(PY) -m ruff check python tests benchmarks scripts
	$(PY) -m mypy
	@echo "clang-format --dry-run -Werror csrc/..."
	@clang-format --dry-run -Werror $(CXX_SOURCES)

# Regenerates python/tritonlink/_core.pyi from the module that setup built, after the bindings change.
stub: setup
	rm -rf build/stub
	.venv/bin/pybind11-stubgen tritonlink._core -o build/stub
	cp build/stub/tritonlink/_core.pyi python/tritonlink/_core.pyi

# Lint first (it fails fast). The real Triton server (a cached virtualenv of its own) is prepared
# next so that its one-time download does not count against the tests' timeouts. Then the sdist
# and a wheel from it for each CPython 3.9-3.13 here (as make wheels, into build/dist), each
# smoke-tested in a fresh venv of its own; the Python suite (both servers) against the .venv
# Python's wheel, installed in a fresh venv; the benchmarks once each in quick mode (so they cannot rot), the C++ tests under
# ThreadSanitizer and AddressSanitizer, the pytest suite again against the extension built with
# AddressSanitizer and UBSan, and a minute of fuzzing the response decoders.
test: setup lint
	@TRITONLINK_PYTHON=$(PY) scripts/setup_triton.sh
	rm -rf build/dist
	scripts/build_wheels.sh build/dist
	scripts/smoke_wheels.sh build/dist
	DIST=build/dist scripts/wheel_suite.sh
	TRITONLINK_BENCH_QUICK=1 $(PY) -m pytest benchmarks -q -p no:cacheprovider --benchmark-disable
	scripts/cpp_tests.sh
	scripts/asan_suite.sh
	scripts/fuzz.sh

# tritonlink vs tritonclient vs the C++ floor on the same server, interleaved, one table with
# ratios (JSON in build/compare.json). COMPARE_ARGS=--real-triton adds the real server.
compare: setup
	$(PY) benchmarks/compare.py --json build/compare.json $(COMPARE_ARGS)

# FUZZ_SECONDS=600 make fuzz fuzzes longer; the corpus grows in build/fuzz/corpus.
fuzz: setup
	scripts/fuzz.sh

# dist/: the sdist; wheel adds a self-contained wheel built from it for the .venv's Python, wheels
# one for each CPython from 3.9 to 3.13 that pyenv has (sharing one build of the core).
sdist: setup
	@scripts/build_sdist.sh dist

wheel: setup
	@scripts/build_wheel.sh dist

wheels: setup
	@scripts/build_wheels.sh dist

# pytest-benchmark microbenchmarks (benchmarks/, kept out of the test suite), against the
# embedded server in a child process. bench-quick runs each once with a few iterations, for CI.
bench: setup
	$(PY) -m pytest benchmarks --benchmark-only

bench-quick: setup
	TRITONLINK_BENCH_QUICK=1 $(PY) -m pytest benchmarks -q -p no:cacheprovider --benchmark-disable

# A million requests at 256 in flight, every style mixed, memory sampled (benchmarks/soak.py;
# SOAK_ARGS=--requests 200000 for a shorter one). The suite runs a short one (tests/test_soak.py).
soak: setup
	$(PY) benchmarks/soak.py --json build/soak.json $(SOAK_ARGS)

clean:
	rm -rf build dist .venv
