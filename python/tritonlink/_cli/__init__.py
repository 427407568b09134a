"""Command line: ``tritonlink COMMAND`` (or ``python -m tritonlink COMMAND``).

Exit codes, for scripts:
  0  success (health: the server, and the model if asked, is live and ready)
  1  the server answered with an error (health: not live or not ready)
  2  bad usage: arguments, or input files that cannot be read
  3  the server could not be reached (UNAVAILABLE) or did not answer in time (DEADLINE_EXCEEDED)
"""

from __future__ import annotations

import argparse
import sys
from typing import Optional, Sequence

from ..errors import DeadlineExceededError, InferenceServerError, ServerUnavailableError
from . import bench, describe, infer, local
from ._connect import UsageError

EXIT_OK, EXIT_SERVER_ERROR, EXIT_USAGE, EXIT_UNREACHABLE = 0, 1, 2, 3


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="tritonlink", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (local, describe, infer, bench):
        group.add_commands(commands)
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
        return code
    except (ServerUnavailableError, DeadlineExceededError) as error:
        print(f"tritonlink {args.command}: cannot reach {getattr(args, 'url', 'the server')}: {error}",
              file=sys.stderr)
        return EXIT_UNREACHABLE
    except InferenceServerError as error:
        print(f"tritonlink {args.command}: {error}", file=sys.stderr)
        return EXIT_SERVER_ERROR
    except (UsageError, ValueError, TypeError, OSError) as error:
        print(f"tritonlink {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE
