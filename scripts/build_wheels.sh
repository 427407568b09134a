#!/usr/bin/env bash
# make wheels: a wheel for each CPython from 3.9 to 3.13 that this machine has (scripts/wheel_targets.sh),
# each built from the sdist into OUT (default dist/) by scripts/build_wheel.sh. Versions other than
# the .venv's get a build environment each (build/build-venvs/X.Y, kept until pyproject.toml
# changes). Through ccache they share one build of csrc/proto, csrc/core and csrc/server; only
# the bindings compile for each version.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${1:-dist}
source scripts/wheel_targets.sh

build_venv() {  # <interpreter> <X.Y>: prints the python of a venv holding the build requirements
  local venv=build/build-venvs/$2
  local stamp="$venv/.deps-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    rm -rf "$venv"
    "$1" -m venv "$venv"
    mapfile -t requirements < <(.venv/bin/python scripts/requirements.py --build)
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "${requirements[@]}" >&2
    touch "$stamp"
  fi
  echo "$venv/bin/python"
}

for version in "${CPYTHON_VERSIONS[@]}"; do
  if [ "$version" = "$OWN_CPYTHON" ]; then
    python=.venv/bin/python
  elif interpreter=$(find_cpython "$version"); then
    python=$(build_venv "$interpreter" "$version")
  else
    echo "wheels: no CPython $version on this machine (pyenv), skipped" >&2
    continue
  fi
  start=$SECONDS
  wheel=$(scripts/build_wheel.sh "$OUT" "$python")
  echo "wheels: $wheel ($((SECONDS - start)) s, $(du -k "$wheel" | cut -f1) KiB)"
done
