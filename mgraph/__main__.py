"""``python -m mgraph``: the same as the ``mgraph`` command."""

import sys

from mgraph.cli import main

sys.exit(main())
