"""glibc's allocator told to give large freed blocks back to the system at once.

A request body can hold 128 KiB of text that CPython stores in up to 512 KiB. glibc
serves such blocks with mmap and returns them on free, but its threshold rises to the
largest block freed (up to 32 MiB): from then on they come from the heap, which
fragments and never shrinks, so resident memory grew by 170 MB over 600 hostile
requests while Python held 24 MB (tests/unit/test_caches.py). Fixing the threshold
keeps large blocks mmap-ed. Elsewhere than glibc (macOS) this does nothing.
"""

from __future__ import annotations

import ctypes

# mallopt's parameter number in glibc's malloc.h, and the threshold glibc starts with.
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD_BYTES = 128 * 1024


def return_large_blocks() -> bool:
    """Fix glibc's mmap threshold at 128 KiB; whether glibc took it."""
    try:
        # The process's own symbols, libc's among them: no library search, which would
        # run ldconfig in a subprocess during the cold start.
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
