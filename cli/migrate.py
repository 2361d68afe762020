"""Derive the list keys, slugs and tree keys this release adds for items an older release
wrote.

Products get their stock-aware list keys and a slug; then categories a slug (made from
the name, claimed in the item's transaction: docs/decisions/0014-url-handles.md) and
their place in the category tree as a root: `level` 0 and the `by_parent`/`by_level`
keys (docs/decisions/0015-category-tree.md); then each category slug claim its `slug`,
which puts it in the `by_slug` index. Idempotent (an item whose keys are right and that
has a slug is not written), resumable (each page prints the position to resume after: a
product id, then `categories/<id>`, then `category-slugs/<claim id>`) and paced (at most
`rate` items examined per second, so a live table's capacity is left to its clients).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import UpdateError

from models import Category, Product
from models.base import CLAIM_PREFIX
from models.claims import CategorySlug
from resolvers.slug_claims import claiming
from store.entities import ItemWrite
from store.errors import Raced, is_condition_failure

# The attributes this release derives that an older release did not write.
NEW_KEYS = ("shelf", "price_key", "created_key", "category_shelf")
TREE_KEYS = ("level", "parent_key", "level_key")
# A resume position in the categories' pass: this, then the last category id done; in
# the category slug claims' pass, the other, then the last claim id done.
CATEGORIES = "categories/"
CATEGORY_SLUGS = "category-slugs/"


@dataclass
class MigrationReport:
    """What one run did: products examined, updated, skipped, and where it stopped."""

    examined: int = 0
    updated: int = 0
    # Changed by a writer between our read and our write: that writer set the keys.
    raced: int = 0
    position: str | None = None
    complete: bool = False


def stale_keys(item: Product | Category) -> dict[str, Any]:
    """The keys the item lacks or holds wrongly, with their right values: a product's
    list keys, a category's level (0: an older release's categories are roots) and tree
    index keys."""
    names = NEW_KEYS if isinstance(item, Product) else TREE_KEYS
    stored = {name: getattr(item, name) for name in names}
    if isinstance(item, Category) and item.level is None:
        item.level = 0
    item.set_index_keys()
    derived = {name: getattr(item, name) for name in names}
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
    passes: list[tuple[type[Product] | type[Category] | type[CategorySlug], str]] = [
        (Product, ""),
        (Category, CATEGORIES),
        (CategorySlug, CATEGORY_SLUGS),
    ]
    for number, (_, prefix) in enumerate(passes):
        if prefix and resume_after is not None and resume_after.startswith(prefix):
            passes = passes[number:]
    for model, prefix in passes:
        after = resume_after.removeprefix(prefix) if resume_after else ""
        start = {"id": {"S": after}} if after else None
        claims = model.id.startswith(CLAIM_PREFIX)
        items = model.scan(
            claims if model is CategorySlug else ~claims,
            last_evaluated_key=start,
            page_size=page_size,
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


def migrate_item(item: Product | Category | CategorySlug) -> bool | None:
    """Write what the item lacks: True when written, False when changed meanwhile,
    None when it lacked nothing."""
    if isinstance(item, CategorySlug):
        return label_claim(item)
    changes = stale_keys(item)
    if item.slug is None:
        return give_slug(item, changes)
    if changes:
        return write_keys(item, changes)
    return None


def label_claim(claim: CategorySlug) -> bool | None:
    """Give a category slug claim an older release wrote its `slug` (for `by_slug`),
    unless it was released or changed hands meanwhile."""
    if claim.slug is not None:
        return None
    try:
        claim.update(
            actions=[CategorySlug.slug.set(claim.id.removeprefix(CLAIM_PREFIX))],
            condition=CategorySlug.owner == claim.owner,
        )
    except UpdateError as error:
        if not is_condition_failure(error):
            raise
        return False
    return True


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


def write_keys(item: Product | Category, changes: dict[str, Any]) -> bool:
    """Write the keys unless the item changed since it was read; whether it was written."""
    model = type(item)
    actions = [
        getattr(model, name).remove() if value is None else getattr(model, name).set(value)
        for name, value in changes.items()
    ]
    try:
        item.update(actions=actions, condition=model.version == item.version)
    except UpdateError as error:
        if not is_condition_failure(error):
            raise
        return False
    return True
