#!/usr/bin/env bash
# Configures and builds the developer tools (csrc/tools: the C++ benchmark floor cpp_floor, and
# lease_stress) into build/tools, incrementally, and prints the path of cpp_floor on its last line.
# Needs the system packages scripts/setup.sh installs, and cmake + ninja (the venv's if present).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUILD_DIR=build/tools
[ -d .venv/bin ] && export PATH="$PWD/.venv/bin:$PATH"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DTRITONLINK_BUILD_TOOLS=ON >&2
fi
cmake --build "$BUILD_DIR" --target cpp_floor lease_stress >&2
echo "$PWD/$BUILD_DIR/csrc/tools/cpp_floor"
