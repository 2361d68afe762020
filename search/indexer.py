"""The indexer function: the tables' stream batches in, index snapshots out to S3."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from search.snapshots import SnapshotWriter
    from settings import Settings

Handler = Callable[[Mapping[str, Any], Any], dict[str, Any]]


def create_indexer(config: Settings) -> Handler:
    """The Lambda handler of the indexer, configured by `config`; nothing is imported
    until it runs, so the API function, which shares handler.py, never loads the engine."""
    writer: SnapshotWriter | None = None
    kind_of: dict[str, str] = {}

    def index_changes(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        nonlocal writer
        from search.records import changes, kinds
        from search.snapshots import SnapshotStore, SnapshotWriter, s3_client

        if writer is None:
            if not config.search_bucket:
                raise ValueError("CATALOG_SEARCH_BUCKET must be set for the indexer")
            store = SnapshotStore(
                s3_client(config.region), config.search_bucket, config.search_prefix
            )
            writer = SnapshotWriter(store, Path(tempfile.gettempdir()))
            kind_of.update(kinds(config.products_table, config.categories_table))
        records = event.get("Records", [])
        published = writer.apply(changes(records, kind_of))
        return {"records": len(records), "published": published.version if published else None}

    return index_changes
