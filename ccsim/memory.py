"""Handing freed memory back to the operating system between the stages of a long run.

A replication of a long horizon allocates millions of short-lived objects (SimPy events,
the draws of every first attempt) while it simulates, then frees them before it is
measured. glibc's allocator keeps much of that freed memory for later reuse rather than
returning it: after a first free of a large block it raises its own threshold for using
fresh pages, so the next large temporaries land in the ordinary heap and stay there. The
process then looks tens of megabytes bigger than what it holds, and the measuring that
follows adds its temporaries on top. :func:`release_free_memory` asks the allocator to hand
the free pages back (``malloc_trim``), once per replication: it costs a few milliseconds
and changes no result.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache


@cache
def _trim_function():
    """glibc's ``malloc_trim``, or None where there is none (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc: its allocator needs no help
        return None


def release_free_memory() -> bool:
    """Return the allocator's free pages to the operating system; True if it could."""
    trim = _trim_function()
    if trim is None:
        return False
    trim(0)
    return True
