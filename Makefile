# Thin wrappers; each target does its own set-up (scripts/setup.sh is incremental).
PY := .venv/bin/python

.PHONY: setup demo test wheel clean

setup:
	@scripts/setup.sh

demo: setup
	$(PY) -m tritonlink demo

# The real Triton server (a cached virtualenv of its own) is prepared first so that its
# one-time download does not count against the tests' timeouts. Then the Python suite (both
# servers), and the C++ tests under ThreadSanitizer and AddressSanitizer.
test: setup
	@TRITONLINK_PYTHON=$(PY) scripts/setup_triton.sh
	$(PY) -m pytest
	scripts/cpp_tests.sh

wheel: setup
	@scripts/build_wheel.sh dist

clean:
	rm -rf build dist .venv
