#!/usr/bin/env bash
# Builds the source distribution into OUT (default dist/) and prints its path.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${1:-dist}
source scripts/wheel_targets.sh
# No isolation: the build requirements are in .venv already (scripts/setup.sh).
log=$(mktemp)
trap 'rm -f "$log"' EXIT
.venv/bin/python -m build --sdist --no-isolation -o "$OUT" . >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
echo "$OUT/tritonlink-$TRITONLINK_VERSION.tar.gz"
