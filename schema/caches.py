"""Per-container caches bounded in bytes as well as entries, counting what the process holds.

Every cache a request can fill (persisted queries, parsed and validated documents, the
requests measured within the limits) is one of these, with its own share of
`TOTAL_CACHE_BYTES`: whatever clients send, the caches together hold at most that.
A cost is what the entry keeps alive, counted as CPython stores it: a `str` of one
4-byte character costs 4 bytes a character (`sys.getsizeof`), not its UTF-8 length.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from graphql import DocumentNode

MIB = 1024 * 1024
# The shares of every per-container cache; docs/security.md lists them.
APQ_CACHE_BYTES = 8 * MIB
DOCUMENT_CACHE_BYTES = 16 * MIB
LIMITS_CACHE_BYTES = 4 * MIB
# Content negotiation's caches keep only short headers (web/negotiation.py).
NEGOTIATION_CACHE_BYTES = 1 * MIB
TOTAL_CACHE_BYTES = 32 * MIB
# A parsed document holds its source text, a copy of each comment's and string's text
# in its tokens, and a few hundred bytes per token and node: tests/unit/test_caches.py
# checks this estimate stays above the real size.
DOCUMENT_OVERHEAD_BYTES = 4096
TOKEN_BYTES = 640
# A key's tuple and the cache's own bookkeeping for one entry.
ENTRY_OVERHEAD_BYTES = 256

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def text_bytes(text: str) -> int:
    """What CPython holds for `text`: 1, 2 or 4 bytes a character, and the object's header."""
    return sys.getsizeof(text)


def document_bytes(text: str, document: DocumentNode) -> int:
    """An upper bound of the memory a parsed document and its text keep alive."""
    tokens = 0
    token = document.loc.start_token if document.loc else None
    while token is not None:
        tokens += 1
        token = token.next
    return DOCUMENT_OVERHEAD_BYTES + 2 * text_bytes(text) + TOKEN_BYTES * tokens


class BoundedCache(Generic[K, V]):
    """A least-recently-used map of at most `max_entries` entries and `max_bytes` bytes.

    Each entry is put with its cost in bytes; the least recently used entries are
    dropped until a new one fits, and an entry costing more than `max_bytes` is not kept.
    """

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: K, value: V, cost: int) -> None:
        cost += ENTRY_OVERHEAD_BYTES
        self.discard(key)
        if cost > self.max_bytes:
            return
        while self._entries and (
            self.bytes + cost > self.max_bytes or len(self._entries) >= self.max_entries
        ):
            _, (_, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped
        self._entries[key] = (value, cost)
        self.bytes += cost

    def discard(self, key: K) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.bytes -= entry[1]

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0
