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


def create_indexer(config: Settings | None = None) -> Handler:
    """The Lambda handler of the indexer; nothing is imported or read until it runs, so
    the API function, which shares handler.py, never loads the engine."""
    writer: SnapshotWriter | None = None
    kind_of: dict[str, str] = {}

    def index_changes(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        nonlocal writer
        from search.records import changes
        from search.snapshots import SnapshotStore, SnapshotWriter, s3_client
        from search.types import CATEGORY, PRODUCT

        if writer is None:
            settings = config or _settings()
            if not settings.search_bucket:
                raise ValueError("CATALOG_SEARCH_BUCKET must be set for the indexer")
            store = SnapshotStore(
                s3_client(settings.region), settings.search_bucket, settings.search_prefix
            )
            writer = SnapshotWriter(store, Path(tempfile.gettempdir()))
            kind_of.update({settings.products_table: PRODUCT, settings.categories_table: CATEGORY})
        records = event.get("Records", [])
        published = writer.apply(changes(records, kind_of))
        return {"records": len(records), "published": published.version if published else None}

    return index_changes


def _settings() -> Settings:
    from settings import settings

    return settings
