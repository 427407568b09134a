"""``python -m tritonlink COMMAND``: see tritonlink._cli for the commands and exit codes."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
