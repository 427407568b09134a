# Thin wrappers; each target does its own set-up (scripts/setup.sh is incremental).
PY := .venv/bin/python

.PHONY: setup demo test wheel clean

setup:
	@scripts/setup.sh

demo: setup
	$(PY) -m tritonlink demo

# The real Triton server (a cached virtualenv of its own) is prepared first so that its
# one-time download does not count against the tests' timeouts.
test: setup
	@TRITONLINK_PYTHON=$(PY) scripts/setup_triton.sh
	$(PY) -m pytest

wheel: setup
	@scripts/build_wheel.sh dist

clean:
	rm -rf build dist .venv
