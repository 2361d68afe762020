"""The index a schema searches, started on its first search and kept current.

With a search bucket (deployed), the newest snapshot the indexer published to S3 is
downloaded on the first search and replaced when a newer one appears
(search/snapshots.py). Without one (`catalog serve`, tests), the process follows the
tables' DynamoDB streams itself (search/streams.py). Either way nothing is imported or
read before a request searches, and nothing runs between requests but the local
follower's thread.

The composition root builds one `SearchService` per schema from the settings
(`schema/root.py`'s `build_schema`); nothing here reads the environment or a global.
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


class SearchService:
    """The index one schema searches: its source, started from `settings` on first use."""

    def __init__(self, settings: Settings, source: IndexSource | None = None) -> None:
        self.settings = settings
        self._source = source
        self._lock = threading.Lock()

    def current_index(self) -> SearchIndex:
        """The current index, its source started on first use."""
        source = self._source
        if source is None:
            with self._lock:
                if self._source is None:
                    self._source = start(self.settings)
                source = self._source
        return source.current()

    def use(self, source: IndexSource | None) -> None:
        """Search `source` from now on (None: start anew from the settings on next use)."""
        with self._lock:
            previous, self._source = self._source, source
        if previous is not None and previous is not source:
            previous.stop()

    def freeze(self) -> None:
        """Search the current index as it is from now on: no follower runs beside requests."""
        self.use(FixedIndex(self.current_index()))

    def stop(self) -> None:
        self.use(None)


def start(settings: Settings) -> IndexSource:
    """The index source the settings call for."""
    if settings.search_bucket:
        from search.snapshots import SnapshotReader

        return SnapshotReader.from_settings(settings)
    from search.streams import StreamFollower

    return StreamFollower.of_settings(settings)
