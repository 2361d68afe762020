"""The index this process searches, started on its first search and kept current.

With a search bucket (deployed), the newest snapshot the indexer published to S3 is
downloaded on the first search and replaced when a newer one appears
(search/snapshots.py). Without one (`catalog serve`, tests), the process follows the
tables' DynamoDB streams itself (search/streams.py). Either way nothing is imported or
read before a request searches, and nothing runs between requests but the local
follower's thread.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from search.engine import SearchIndex
    from settings import Settings


class IndexSource(Protocol):
    """Something that hands out the current index."""

    def current(self) -> SearchIndex: ...

    def stop(self) -> None: ...


class FixedIndex:
    """One index, as it is (tests, benchmarks)."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def current(self) -> SearchIndex:
        return self.index

    def stop(self) -> None:
        pass


_lock = threading.Lock()
_source: IndexSource | None = None


def current_index() -> SearchIndex:
    """The process's index, started from the settings on first use."""
    global _source
    if _source is None:
        with _lock:
            if _source is None:
                from settings import settings

                _source = start(settings)
    return _source.current()


def start(config: Settings) -> IndexSource:
    """The index source the settings call for."""
    if config.search_bucket:
        from search.snapshots import SnapshotReader

        return SnapshotReader.from_settings(config)
    from search.streams import StreamFollower

    return StreamFollower.of_models()


def use(source: IndexSource | None) -> None:
    """Search `source` from now on (None: start anew from the settings on next use)."""
    global _source
    with _lock:
        previous, _source = _source, source
    if previous is not None and previous is not source:
        previous.stop()
