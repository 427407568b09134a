#!/usr/bin/env bash
# Prepares this checkout on a fresh Debian machine: system packages (gRPC C++, protobuf),
# the virtual environment .venv, and an (incremental) build and install of tritonlink into it.
# Safe to re-run: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

APT_PACKAGES=(libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc libconcurrentqueue-dev pkg-config binutils clang libclang-rt-14-dev clang-format ccache)
PYTHON=${PYTHON:-python3}
VENV=.venv

install_system_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "setup: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Build tools and test dependencies; reinstalled only when pyproject.toml changes.
install_python_packages() {
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  local stamp="$VENV/.deps-$(sha1sum pyproject.toml | cut -c1-12)"
  [ -f "$stamp" ] && return
  echo "setup: installing Python packages into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -U pip
  # cmake and ninja: the build runs without isolation (incremental), so they live here too.
  mapfile -t requirements < <("$VENV/bin/python" scripts/requirements.py)
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check cmake ninja "${requirements[@]}"
  rm -f "$VENV"/.deps-*
  touch "$stamp"
}

# No build isolation: the build directory (build/) persists, so rebuilds are incremental.
build_and_install() {
  source scripts/ccache_env.sh
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps .
}

install_system_packages
install_python_packages
build_and_install
