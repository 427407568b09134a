# Sourced by the build scripts, from the source tree's root. Compiles through ccache when it is
# installed, with paths taken relative to the source tree, so that builds in other directories
# (one per Python version, an unpacked sdist) reuse the objects of csrc/proto, csrc/core and
# csrc/server, which include no Python header; only the bindings compile once per interpreter.
# Release builds only: without -g an object does not record the directory it was built in.
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR="$PWD"
  export CCACHE_NOHASHDIR=1
fi
