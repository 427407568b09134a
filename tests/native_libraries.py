"""Which gRPC, protobuf and abseil shared libraries this process has mapped, read from
/proc/self/maps. A wheel's extension must map only the copies in its own tritonlink.libs/, never
the build machine's (Debian's libgrpc++ and friends). Imported by tests/conftest.py and
scripts/wheel_smoke.py."""

from __future__ import annotations

import os

PREFIXES = ("libgrpc", "libgpr", "libprotobuf", "libabsl", "libupb", "libaddress_sorting")


def grpc_family_libraries() -> set[str]:
    """The paths of every mapped gRPC/protobuf/abseil library."""
    with open("/proc/self/maps") as maps:
        paths = {line.split(maxsplit=5)[5].strip() for line in maps if len(line.split(maxsplit=5)) == 6}
    return {path for path in paths if os.path.basename(path).startswith(PREFIXES)}


def foreign_grpc_family_libraries() -> list[str]:
    """The mapped gRPC/protobuf/abseil libraries that are not a wheel's bundled copies."""
    return sorted(path for path in grpc_family_libraries() if "/tritonlink.libs/" not in path)
