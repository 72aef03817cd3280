"""The ``ccsim`` command line: parse options, call the library, print. Nothing else.

Sits on top of every other package; nothing in ``ccsim`` imports it.
"""

from ccsim.cli.commands import main

__all__ = ["main"]
