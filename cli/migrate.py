"""Derive the list keys this release adds for products an older release wrote.

Idempotent (a product whose keys are right is not written), resumable (each page
prints the id to resume after) and paced (at most `rate` products examined per
second, so a live table's capacity is left to its clients).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import UpdateError

from models import Product
from store.errors import is_condition_failure

# The attributes this release derives that an older release did not write.
NEW_KEYS = ("shelf", "price_key", "created_key", "category_shelf")


@dataclass
class MigrationReport:
    """What one run did: products examined, updated, skipped, and where it stopped."""

    examined: int = 0
    updated: int = 0
    # Changed by a writer between our read and our write: that writer set the keys.
    raced: int = 0
    position: str | None = None
    complete: bool = False


def stale_keys(product: Product) -> dict[str, str | None]:
    """The list keys the product lacks or holds wrongly, with their right values."""
    stored = {name: getattr(product, name) for name in NEW_KEYS}
    product.set_index_keys()
    derived = {name: getattr(product, name) for name in NEW_KEYS}
    return {name: value for name, value in derived.items() if stored[name] != value}


def migrate(
    *,
    rate: float,
    page_size: int = 100,
    resume_after: str | None = None,
    max_items: int | None = None,
    progress: Callable[[MigrationReport], None] = lambda report: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> MigrationReport:
    """Scan the products table from `resume_after`, writing the keys each product lacks.

    Each write is conditional on the version read, so a product changed meanwhile (by
    this release, which derives the keys itself) is left as its writer left it.
    """
    report = MigrationReport(position=resume_after)
    start = {"id": {"S": resume_after}} if resume_after else None
    interval = 1 / rate
    next_at = clock()
    items = Product.scan(last_evaluated_key=start, page_size=page_size)
    for product in items:
        if max_items is not None and report.examined >= max_items:
            progress(report)
            return report
        wait = next_at - clock()
        if wait > 0:
            sleep(wait)
        next_at = max(next_at, clock()) + interval
        report.examined += 1
        changes = stale_keys(product)
        if changes:
            if write_keys(product, changes):
                report.updated += 1
            else:
                report.raced += 1
        report.position = product.id
        if report.examined % page_size == 0:
            progress(report)
    report.complete = True
    progress(report)
    return report


def write_keys(product: Product, changes: dict[str, Any]) -> bool:
    """Write the keys unless the product changed since it was read; whether it was written."""
    actions = [
        getattr(Product, name).remove() if value is None else getattr(Product, name).set(value)
        for name, value in changes.items()
    ]
    try:
        product.update(actions=actions, condition=Product.version == product.version)
    except UpdateError as error:
        if not is_condition_failure(error):
            raise
        return False
    return True
