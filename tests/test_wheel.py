"""`make wheel` gives a wheel that carries its own gRPC/protobuf libraries and runs from a
clean virtual environment."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

SMOKE = """
import numpy as np, tritonlink
from tritonlink.testing import Server
with Server() as server, tritonlink.Client(server.url) as client:
    out = client.infer("identity", {"INPUT0": np.arange(4, dtype=np.float32)}).as_numpy("OUTPUT0")
assert out.tolist() == [0.0, 1.0, 2.0, 3.0]
print(tritonlink._core.__file__)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(["bash", str(REPO / "scripts" / "build_wheel.sh"), str(out)], cwd=REPO, check=True,
                   capture_output=True, timeout=600)
    (found,) = out.glob("tritonlink-*.whl")
    return found


def test_wheel_bundles_the_grpc_and_protobuf_libraries(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    bundled = [n for n in names if n.startswith("tritonlink.libs/")]
    for lib in ("libgrpc++", "libgrpc-", "libprotobuf", "libgpr"):
        assert any(Path(n).name.startswith(lib) for n in bundled), f"{lib} not bundled: {bundled}"


def test_wheel_carries_type_information(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "tritonlink/py.typed" in names and "tritonlink/_core.pyi" in names


def test_wheel_runs_in_a_fresh_venv_without_system_grpc(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel), "numpy"],
                   check=True, capture_output=True, timeout=600)
    run = subprocess.run([str(python), "-c", SMOKE], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    extension = run.stdout.strip().splitlines()[-1]
    assert extension.startswith(str(venv))
    # Every gRPC/protobuf library the extension loads must be the wheel's own copy.
    ldd = subprocess.run(["ldd", extension], capture_output=True, text=True, check=True).stdout
    system_copies = [line for line in ldd.splitlines()
                     if any(lib in line for lib in ("libgrpc", "libprotobuf", "libgpr", "libabsl"))
                     and "tritonlink.libs" not in line]
    assert not system_copies, system_copies
