# Sourced by the wheel scripts, from the source tree's root: the version they package (the one
# in python/tritonlink/__init__.py, which the wheels' metadata reads too), the CPython versions
# they build wheels for, and where each one's interpreter is on this machine.
TRITONLINK_VERSION=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' python/tritonlink/__init__.py)
CPYTHON_VERSIONS=(3.9 3.10 3.11 3.12 3.13)
OWN_CPYTHON=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')

# Prints the interpreter of CPython <X.Y>: the one .venv was made from for its own version,
# otherwise the newest pyenv build of it; fails quietly when there is none.
find_cpython() {
  if [ "$1" = "$OWN_CPYTHON" ]; then
    .venv/bin/python -c 'import sys; print(sys._base_executable)'
    return
  fi
  local root found
  root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
  found=$(ls -d "$root/versions/$1".[0-9]* 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] && [ -x "$found/bin/python" ] && echo "$found/bin/python"
}

# cp3XX, the tag of CPython <X.Y> in a wheel's name.
cpython_tag() { echo "cp${1/./}"; }
