#!/usr/bin/env bash
# Installs each wheel in DIST (default dist/) that matches a CPython on this machine into a fresh
# virtual environment of its own (build/smoke-venvs/X.Y, with numpy only) and runs
# scripts/wheel_smoke.py there, outside the source tree and without the .venv on PATH, and checks
# that the extension it loaded is the installed one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIST=${1:-dist}
source scripts/wheel_targets.sh
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT

for version in "${CPYTHON_VERSIONS[@]}"; do
  tag=$(cpython_tag "$version")
  wheel=$(ls "$DIST"/tritonlink-"$TRITONLINK_VERSION"-"$tag"-"$tag"-*.whl 2>/dev/null | tail -1)
  if [ -z "$wheel" ] || ! interpreter=$(find_cpython "$version"); then
    echo "smoke: no $tag wheel in $DIST or no CPython $version here, skipped" >&2
    continue
  fi
  start=$SECONDS
  venv=$PWD/build/smoke-venvs/$version
  rm -rf "$venv"
  "$interpreter" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" numpy
  # From an empty directory, with neither the source tree's python/ nor the .venv in reach.
  extension=$(cd "$empty" && env -i PATH=/usr/bin:/bin "$venv/bin/python" "$OLDPWD/scripts/wheel_smoke.py" | tail -1)
  [[ $extension = "$venv"/* ]] || { echo "smoke: $wheel loaded its extension from $extension" >&2; exit 1; }
  echo "smoke: $wheel passed with CPython $version ($((SECONDS - start)) s)"
done
