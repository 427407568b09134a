"""Prints, one per line, what the development environment installs from pyproject.toml: the
build requirements and every optional extra (tests, benchmarks, CLI, metrics, tracing), so the
list is written once, in pyproject.toml."""

import pathlib
import tomllib

project = tomllib.loads((pathlib.Path(__file__).parent.parent / "pyproject.toml").read_text())
wanted = list(project["build-system"]["requires"]) + list(project["project"]["dependencies"])
for extra in project["project"]["optional-dependencies"].values():
    wanted += extra
print("\n".join(dict.fromkeys(wanted)))
