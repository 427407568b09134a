"""Prints, one per line, what the development environment installs from pyproject.toml: the
build requirements and every optional extra (tests, benchmarks, CLI, metrics, tracing), so the
list is written once, in pyproject.toml. With --build, only the build requirements (what
scripts/build_wheels.sh installs for each Python version)."""

import pathlib
import sys
import tomllib

project = tomllib.loads((pathlib.Path(__file__).parent.parent / "pyproject.toml").read_text())
wanted = list(project["build-system"]["requires"])
if sys.argv[1:] != ["--build"]:
    wanted += project["project"]["dependencies"]
    for extra in project["project"]["optional-dependencies"].values():
        wanted += extra
print("\n".join(dict.fromkeys(wanted)))
