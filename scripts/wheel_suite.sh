#!/usr/bin/env bash
# The pytest suite, both servers, against the installed wheel rather than the source tree: DIST's
# (default dist/) wheel for the .venv's Python is installed with the test and lint extras into a
# fresh virtual environment, build/wheel-venv, whose pytest runs the repository's tests/. Nothing
# puts the source tree's python/ on sys.path (pytest's own script, not `python -m`; no pythonpath
# option); tests/conftest.py checks that tritonlink came from that environment and that no
# gRPC, protobuf or abseil library outside the wheel's tritonlink.libs/ is mapped, at the start and
# after the tests. tests/test_wheel.py inspects this wheel and the sdist beside it rather than
# building its own. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DIST=${DIST:-dist}
source scripts/wheel_targets.sh
tag=$(cpython_tag "$OWN_CPYTHON")
wheel=$(ls "$DIST"/tritonlink-"$TRITONLINK_VERSION"-"$tag"-"$tag"-*.whl | tail -1)
venv=build/wheel-venv

rm -rf "$venv"
.venv/bin/python -m venv "$venv"
"$venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel[test,lint]"
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')
echo "== pytest against $wheel, installed in $venv"
TRITONLINK_EXPECT_BUILD="$site/tritonlink" TRITONLINK_EXPECT_BUNDLED_LIBRARIES=1 \
TRITONLINK_WHEEL="$PWD/$wheel" TRITONLINK_SDIST="$PWD/$DIST/tritonlink-$TRITONLINK_VERSION.tar.gz" \
  "$venv/bin/pytest" "$@"
