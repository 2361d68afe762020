"""Derive the list keys and slugs this release adds for items an older release wrote.

Products get their stock-aware list keys and a slug, then categories a slug (made from
the name, claimed in the item's transaction: docs/decisions/0014-url-handles.md).
Idempotent (an item whose keys are right and that has a slug is not written),
resumable (each page prints the position to resume after: a product id, then
`categories/<id>`) and paced (at most `rate` items examined per second, so a live
table's capacity is left to its clients).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import UpdateError

from models import Category, Product
from models.base import CLAIM_PREFIX
from resolvers.slug_claims import claiming
from store.entities import ItemWrite
from store.errors import Raced, is_condition_failure

# The attributes this release derives that an older release did not write.
NEW_KEYS = ("shelf", "price_key", "created_key", "category_shelf")
# A resume position in the categories' pass: this, then the last category id done.
CATEGORIES = "categories/"


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
    """Scan the products table from `resume_after`, then the categories table, writing
    what each item lacks.

    Each write is conditional on the version read, so an item changed meanwhile (by
    this release, which derives the keys itself) is left as its writer left it.
    """
    report = MigrationReport(position=resume_after)
    interval = 1 / rate
    next_at = clock()
    passes: list[tuple[type[Product] | type[Category], str]] = [
        (Product, ""),
        (Category, CATEGORIES),
    ]
    if resume_after is not None and resume_after.startswith(CATEGORIES):
        passes = passes[1:]
    for model, prefix in passes:
        after = resume_after.removeprefix(prefix) if resume_after else ""
        start = {"id": {"S": after}} if after else None
        items = model.scan(
            ~model.id.startswith(CLAIM_PREFIX), last_evaluated_key=start, page_size=page_size
        )
        for item in items:
            if max_items is not None and report.examined >= max_items:
                progress(report)
                return report
            wait = next_at - clock()
            if wait > 0:
                sleep(wait)
            next_at = max(next_at, clock()) + interval
            report.examined += 1
            written = migrate_item(item)
            if written is True:
                report.updated += 1
            elif written is False:
                report.raced += 1
            report.position = prefix + item.id
            if report.examined % page_size == 0:
                progress(report)
        resume_after = None
    report.complete = True
    progress(report)
    return report


def migrate_item(item: Product | Category) -> bool | None:
    """Write what the item lacks: True when written, False when changed meanwhile,
    None when it lacked nothing."""
    changes = stale_keys(item) if isinstance(item, Product) else {}
    if item.slug is None:
        return give_slug(item, changes)
    if changes:
        assert isinstance(item, Product)
        return write_keys(item, changes)
    return None


def give_slug(item: Product | Category, changes: dict[str, Any]) -> bool:
    """Claim a slug made from the item's name and write it (and the keys in `changes`)
    in one transaction, unless the item changed since it was read."""
    model = type(item)

    def write() -> bool:
        actions = [
            getattr(model, name).remove() if value is None else getattr(model, name).set(value)
            for name, value in changes.items()
        ]
        actions.append(model.slug.set(item.slug))
        condition = (model.version == item.version) & model.slug.does_not_exist()
        ItemWrite(model(item.id), condition, claims=[str(item.slug)], actions=actions).commit()
        return True

    try:
        return claiming(item, None, write)
    except Raced:
        return False


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
