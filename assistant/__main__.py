"""``python -m assistant``: the same as the ``incident-assistant`` command."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main())
