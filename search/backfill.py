"""Backfill: the items a stream no longer holds, put in the published index once.

A stack deployed onto tables older than their streams' 24 hours, or whose indexer
could not publish for longer, holds items the indexer never saw. `catalog reindex`
reads both tables once (a paged Scan, an operator's one-off: the API never scans)
and publishes them as changes at stream position 0, so any change the indexer
applies, before or after, wins over what the scan read.
"""

from __future__ import annotations

from collections.abc import Iterator

from models import Category, Product
from models.base import CLAIM_PREFIX
from search.records import category_entry, product_entry
from search.snapshots import Manifest, SnapshotWriter
from search.types import CATEGORY, PRODUCT, Change

# Below every stream sequence number: a stream record of the same item always wins.
BACKFILL_POSITION = 0
BATCH = 5000


def changes() -> Iterator[Change]:
    """Every item of both tables as a change at position 0 (None for the not live)."""
    # Slug claims share the tables (models/claims.py): no products or categories.
    for category in Category.scan(~Category.id.startswith(CLAIM_PREFIX)):
        raw = category.serialize()
        yield Change(CATEGORY, category.id, category_entry(raw), BACKFILL_POSITION)
    for product in Product.scan(~Product.id.startswith(CLAIM_PREFIX)):
        raw = product.serialize()
        yield Change(PRODUCT, product.id, product_entry(raw), BACKFILL_POSITION)


def reindex(writer: SnapshotWriter, items: Iterator[Change] | None = None) -> list[Manifest]:
    """Publish the tables' items in batches; the manifests published."""
    published: list[Manifest | None] = []
    batch: list[Change] = []
    for change in items if items is not None else changes():
        batch.append(change)
        if len(batch) >= BATCH:
            published.append(writer.apply(batch))
            batch = []
    if batch:
        published.append(writer.apply(batch))
    return [manifest for manifest in published if manifest is not None]
