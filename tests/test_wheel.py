"""The wheel carries its own gRPC/protobuf libraries, its type information and the licence, and
runs from a clean virtual environment; the sdist it was built from carries the licence too.

scripts/wheel_suite.sh names the wheel and sdist that CI built (TRITONLINK_WHEEL, TRITONLINK_SDIST);
run from the source tree's .venv, these tests build their own with scripts/build_wheel.sh."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import tritonlink

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> tuple[Path, Path]:
    """The wheel and the sdist it was built from."""
    if "TRITONLINK_WHEEL" in os.environ:
        return Path(os.environ["TRITONLINK_WHEEL"]), Path(os.environ["TRITONLINK_SDIST"])
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(["bash", str(REPO / "scripts" / "build_wheel.sh"), str(out)], cwd=REPO, check=True,
                   capture_output=True, timeout=900)
    (wheel,) = out.glob("tritonlink-*.whl")
    (sdist,) = out.glob("tritonlink-*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def wheel(dist) -> Path:
    return dist[0]


def test_wheel_bundles_the_grpc_and_protobuf_libraries(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    bundled = [n for n in names if n.startswith("tritonlink.libs/")]
    for lib in ("libgrpc++", "libgrpc-", "libprotobuf", "libgpr"):
        assert any(Path(n).name.startswith(lib) for n in bundled), f"{lib} not bundled: {bundled}"


def test_wheel_carries_type_information(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "tritonlink/py.typed" in names and "tritonlink/_core.pyi" in names


def test_wheel_and_sdist_carry_the_licence(dist):
    wheel, sdist = dist
    licence = (REPO / "LICENSE").read_text()
    with zipfile.ZipFile(wheel) as archive:
        dist_info = f"tritonlink-{tritonlink.__version__}.dist-info"
        assert archive.read(f"{dist_info}/licenses/LICENSE").decode() == licence
        assert "License: BSD-3-Clause" in archive.read(f"{dist_info}/METADATA").decode()
    with tarfile.open(sdist) as archive:
        assert archive.extractfile(f"tritonlink-{tritonlink.__version__}/LICENSE").read().decode() == licence


def test_wheel_and_sdist_names_carry_the_package_version(dist):
    wheel, sdist = dist
    assert wheel.name.startswith(f"tritonlink-{tritonlink.__version__}-")
    assert sdist.name == f"tritonlink-{tritonlink.__version__}.tar.gz"


def test_wheel_runs_in_a_fresh_venv_without_system_grpc(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel), "numpy"],
                   check=True, capture_output=True, timeout=600)
    # scripts/wheel_smoke.py checks the calls, the metadata's version and the libraries mapped.
    run = subprocess.run([str(python), str(REPO / "scripts" / "wheel_smoke.py")], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, env={"PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    extension = run.stdout.strip().splitlines()[-1]
    assert extension.startswith(str(venv))
    # What the dynamic linker resolves for the extension, not only what it mapped this time.
    ldd = subprocess.run(["ldd", extension], capture_output=True, text=True, check=True).stdout
    system_copies = [line for line in ldd.splitlines()
                     if any(lib in line for lib in ("libgrpc", "libprotobuf", "libgpr", "libabsl"))
                     and "tritonlink.libs" not in line]
    assert not system_copies, system_copies


def test_installed_metadata_version_is_the_package_version():
    # Whichever build this suite runs against: the wheel (scripts/wheel_suite.sh) or the .venv's.
    assert importlib.metadata.version("tritonlink") == tritonlink.__version__
