"""The images bucket swept of files no product points at: what a failed cleanup left.

A hard delete deletes the product's files right after the product; if S3 fails then,
the product is gone and its image is still served. Replacing an image, or a write that
loses its race after publishing, deletes a file the same way. Nothing retries those
deletes: this sweep does, on a schedule (infra/template.yaml's ImagesSweepFunction,
daily, through compose.py's `sweeper`), so every such file is gone within a day
without an operator.

It deletes, among files older than `min_age` (an attach in flight publishes its copy
before its write lands):
- every file under `images/<id>/` and `uploads/<id>/` of a product that no longer exists;
- every file under `images/<id>/` of a product that exists but points at another image.
Soft-deleted products keep their image: `restoreProduct` brings it back.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from models import Product
from models import images as store
from store.errors import translated_errors

logger = logging.getLogger("catalog")

# Longer than any attach takes between publishing its copy and writing the product.
MIN_AGE = timedelta(hours=1)
# BatchGetItem reads at most 100 keys a call.
BATCH = 100


@dataclass
class SweepReport:
    """What one sweep looked at and deleted."""

    products: int = 0
    deleted: int = 0


def sweep(min_age: timedelta = MIN_AGE, now: datetime | None = None) -> SweepReport:
    """Delete the files of products that are gone, and images their product no longer shows."""
    report = SweepReport()
    if store.config().bucket is None:
        return report
    cutoff = (now or datetime.now(UTC)) - min_age
    files = _old_files(cutoff)
    report.products = len(files)
    ids = sorted(files)
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with translated_errors():
            found = {product.id: product for product in Product.batch_get(batch)}
        for product_id in batch:
            product = found.get(product_id)
            doomed = [
                key
                for key in files[product_id]
                if product is None
                or (key.startswith(store.IMAGES_PREFIX) and key != product.image_key)
            ]
            report.deleted += store.delete_keys(doomed)
    logger.info("image sweep: %d products, %d files deleted", report.products, report.deleted)
    return report


def _old_files(cutoff: datetime) -> dict[str, list[str]]:
    """The keys under images/ and uploads/ last written before `cutoff`, by product id."""
    files: dict[str, list[str]] = defaultdict(list)
    for prefix in (store.IMAGES_PREFIX, store.UPLOADS_PREFIX):
        for key, modified in store.list_prefix(prefix):
            product_id = key.removeprefix(prefix).partition("/")[0]
            if product_id and modified < cutoff:
                files[product_id].append(key)
    return files
