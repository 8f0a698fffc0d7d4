"""``python -m mgraph``: the same as the ``mgraph`` command."""

from mgraph.cli import entry

entry()
