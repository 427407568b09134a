#!/usr/bin/env bash
# Prepares a real Triton Inference Server for the test suite, without GPU or Docker.
#
# The PyPI wheel nvidia-pytriton bundles tritonserver (2.51.0 in 0.7.0) together with the Python
# backend and one backend stub per Python version. This script installs it into a virtualenv of
# its own (it pins numpy<2 and an older tritonclient, so it must stay apart from the project's
# environment), lays out a backend directory for `tritonserver --backend-directory`, and writes
# an env file (KEY=VALUE lines, unquoted) that tests/real_triton.py reads to start the server.
#
# Usage: scripts/setup_triton.sh            (idempotent; silent and fast when already done)
#   TRITONLINK_TRITON_VENV  where the virtualenv goes
#                           (default ${XDG_CACHE_HOME:-$HOME/.cache}/tritonlink/triton-venv)
#   TRITONLINK_PYTHON       interpreter to build it from (default python3); the backend stub
#                           embeds the same Python X.Y, so use the one that runs the tests.
# Prints nothing on success when everything already exists; prints the env file's path with -p.
set -euo pipefail

PYTRITON_VERSION="0.7.0"
# Bump when this script lays things out differently, so existing set-ups are redone.
LAYOUT_VERSION=1
PYTHON="${TRITONLINK_PYTHON:-python3}"
VENV="${TRITONLINK_TRITON_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/tritonlink/triton-venv}"
# Written last: its presence (with a matching fingerprint) means the set-up is complete.
ENV_FILE="$VENV/tritonlink-triton.env"

print_env_path=false
if [[ "${1:-}" == "-p" ]]; then print_env_path=true; fi

log() { echo "setup_triton: $*" >&2; }

finish() {
    if $print_env_path; then echo "$ENV_FILE"; fi
    exit 0
}

# Identifies the interpreter build (version and base installation, the same for a venv of it);
# together with the wheel and layout versions, a change means redo.
python_fingerprint() {
    "$PYTHON" -c 'import platform, sys
print(f"python-{platform.python_version()}@{sys.base_prefix}")'
}

is_complete() {
    [[ -f "$ENV_FILE" ]] && grep -qxF "FINGERPRINT=$FINGERPRINT" "$ENV_FILE"
}

# Refuses to wipe a directory that is not a virtualenv (a mistyped TRITONLINK_TRITON_VENV).
check_safe_to_clear() {
    if [[ -d "$VENV" && -n "$(ls -A "$VENV")" && ! -f "$VENV/pyvenv.cfg" ]]; then
        log "refusing to overwrite $VENV: it exists and is not a virtualenv"
        exit 1
    fi
}

create_venv() {
    check_safe_to_clear
    log "creating $VENV with nvidia-pytriton==$PYTRITON_VERSION (one-off, about 30 s)"
    "$PYTHON" -m venv --clear "$VENV"
    # pip's chatter goes to a log, shown only when the install fails.
    local pip_log="$VENV/pip-install.log"
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check \
        "nvidia-pytriton==$PYTRITON_VERSION" "numpy<2" >"$pip_log" 2>&1; then
        tail -n 40 "$pip_log" >&2
        log "pip install failed; full log in $pip_log"
        exit 1
    fi
}

venv_python_value() {
    "$VENV/bin/python" -c "import sysconfig; print($1)"
}

# Triton wants <backend-directory>/python/{libtriton_python.so, triton_python_backend_utils.py,
# triton_python_backend_stub}; the wheel keeps the stubs apart, one per Python X.Y.
layout_backend_dir() {
    local site="$1" py_xy="$2"
    local wheel_server="$site/pytriton/tritonserver"
    local stub="$wheel_server/python_backend_stubs/$py_xy/triton_python_backend_stub"
    local dir="$VENV/triton-backends/python"
    if [[ ! -x "$stub" ]]; then
        log "no Python backend stub for Python $py_xy in nvidia-pytriton $PYTRITON_VERSION"
        exit 1
    fi
    mkdir -p "$dir"
    ln -sfn "$wheel_server/backends/python/libtriton_python.so" "$dir/libtriton_python.so"
    ln -sfn "$wheel_server/backends/python/triton_python_backend_utils.py" \
        "$dir/triton_python_backend_utils.py"
    ln -sfn "$stub" "$dir/triton_python_backend_stub"
}

# The env file says how to run the server:
# - LD_LIBRARY_PATH: the interpreter's own LIBDIR first, because the stub links libpython3.X.so
#   and the system's copy (Debian's) may be a different patch release whose C runtime does not
#   match this interpreter's standard library; then the wheel's bundled libraries.
# - PATH_PREPEND: the venv's bin. The stub embeds Python in isolated mode (PYTHONPATH is
#   ignored) with the default program name "python3", which it looks up on PATH; finding the
#   venv's python3 first makes the embedded interpreter pick up <venv>/pyvenv.cfg, i.e. this
#   venv's site-packages (numpy<2) instead of the base interpreter's (whose numpy 2.x the stub's
#   pybind11 cannot read: tensors arrive garbled and outputs empty).
write_env_file() {
    local site libdir py_xy
    site="$(venv_python_value 'sysconfig.get_path("platlib")')"
    libdir="$(venv_python_value 'sysconfig.get_config_var("LIBDIR")')"
    py_xy="$(venv_python_value '"%d.%d" % __import__("sys").version_info[:2]')"
    layout_backend_dir "$site" "$py_xy"
    cat >"$ENV_FILE.tmp" <<EOF
FINGERPRINT=$FINGERPRINT
TRITONSERVER=$site/pytriton/tritonserver/bin/tritonserver
BACKEND_DIR=$VENV/triton-backends
LD_LIBRARY_PATH=$libdir:$site/nvidia_pytriton.libs
PATH_PREPEND=$VENV/bin
EOF
    mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

FINGERPRINT="layout-$LAYOUT_VERSION/pytriton-$PYTRITON_VERSION/$(python_fingerprint)"
if is_complete; then finish; fi

# Serialise concurrent first runs (parallel test sessions) on a lock beside the venv.
mkdir -p "$(dirname "$VENV")"
exec 9>"$VENV.lock"
flock 9
if ! is_complete; then
    rm -f "$ENV_FILE"
    create_venv
    write_env_file
    log "done: $ENV_FILE"
fi
finish
