# Thin wrappers; each target does its own set-up (scripts/setup.sh is incremental).
PY := .venv/bin/python

.PHONY: setup demo test fuzz wheel bench bench-quick compare soak clean

setup:
	@scripts/setup.sh

demo: setup
	$(PY) -m tritonlink demo

# The real Triton server (a cached virtualenv of its own) is prepared first so that its
# one-time download does not count against the tests' timeouts. Then the Python suite (both
# servers), the benchmarks once each in quick mode (so they cannot rot), and the C++ tests
# under ThreadSanitizer and AddressSanitizer, and a minute of fuzzing the response decoders.
test: setup
	@TRITONLINK_PYTHON=$(PY) scripts/setup_triton.sh
	$(PY) -m pytest
	TRITONLINK_BENCH_QUICK=1 $(PY) -m pytest benchmarks -q -p no:cacheprovider --benchmark-disable
	scripts/cpp_tests.sh
	scripts/fuzz.sh

# tritonlink vs tritonclient vs the C++ floor on the same server, interleaved, one table with
# ratios (JSON in build/compare.json). COMPARE_ARGS=--real-triton adds the real server.
compare: setup
	$(PY) benchmarks/compare.py --json build/compare.json $(COMPARE_ARGS)

# FUZZ_SECONDS=600 make fuzz fuzzes longer; the corpus grows in build/fuzz/corpus.
fuzz: setup
	scripts/fuzz.sh

wheel: setup
	@scripts/build_wheel.sh dist

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
