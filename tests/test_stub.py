"""The checked-in stub of the compiled module, python/tritonlink/_core.pyi, is what pybind11-stubgen
makes of the built module today, so mypy and editors see the bindings as they are."""

import pathlib
import subprocess
import sys

import pytest

CHECKED_IN = pathlib.Path(__file__).resolve().parent.parent / "python" / "tritonlink" / "_core.pyi"


def test_checked_in_stub_matches_the_built_module(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("pybind11_stubgen", reason="pybind11-stubgen is not installed (pyproject's lint extra)")
    subprocess.run(
        [sys.executable, "-m", "pybind11_stubgen", "tritonlink._core", "-o", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    generated = (tmp_path / "tritonlink" / "_core.pyi").read_text()
    assert generated == CHECKED_IN.read_text(), (
        "python/tritonlink/_core.pyi is out of date with the compiled module; regenerate it with `make stub`"
    )
