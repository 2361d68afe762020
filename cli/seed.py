"""Write the sample catalog through the resolvers, so it obeys every rule a client does."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from cli.sample import CATEGORIES, PRODUCTS
from cli.sample_images import post_form, sample_png
from errors import CatalogError
from models import Category, Product
from models import images as image_files
from resolvers import categories, images, product_bulk, products
from resolvers.product_bulk import BulkInput
from store.entities import get_many

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


class Sample(Protocol):
    @property
    def id(self) -> str: ...

    def changes(self) -> dict[str, Any]: ...


@dataclass
class SeedReport:
    """What seeding did to each kind of item, and what it could not write."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{kind}: " + ", ".join(f"{counts[o]} {o}" for o in (CREATED, UPDATED, UNCHANGED))
            for kind, counts in self.counts.items()
        ]


def catalog_is_empty() -> bool:
    """True when neither table holds any item, deleted ones included."""
    return not any(Category.scan(limit=1)) and not any(Product.scan(limit=1))


def seed() -> SeedReport:
    """Create or update the sample items by their fixed ids; unchanged ones are not written."""
    report = SeedReport()
    _seed(
        report,
        "categories",
        CATEGORIES,
        lambda item_id: categories.get_category(item_id, include_deleted=True),
        categories.upsert_category,
    )
    _seed_products(report)
    if image_files.config().bucket is not None:
        _seed_images(report)
    return report


def _seed_products(report: SeedReport) -> None:
    """The sample products through `upsertProducts`' code: one read and a few transactions
    for each 100, not a read and a transaction each (a third of a first `catalog serve`'s
    seeding), every one applied as `upsertProduct` would apply it."""
    counts = report.counts.setdefault("products", Counter())
    for start in range(0, len(PRODUCTS), product_bulk.MAX_INPUTS):
        samples = PRODUCTS[start : start + product_bulk.MAX_INPUTS]
        stored = get_many(Product, [sample.id for sample in samples], consistent=True)
        changed = []
        for sample in samples:
            changes = sample.changes()
            current = stored.get(sample.id)
            if current is not None and _same(current, changes):
                counts[UNCHANGED] += 1
            else:
                changed.append((sample, BulkInput(sample.id, changes, None)))
        if not changed:
            continue
        results = product_bulk.upsert_products([given for _, given in changed], stored=stored)
        for (sample, _), result in zip(changed, results, strict=True):
            if result.error is not None:
                report.failures.append(f"{sample.id}: {result.error.message}")
            else:
                counts[CREATED if sample.id not in stored else UPDATED] += 1


def _seed_images(report: SeedReport) -> None:
    """Give each live sample product without an image a picture, as an admin would.

    Each goes through the API's own flow: an upload form, a POST to the bucket, and
    the attach that checks the file.
    """
    counts = report.counts.setdefault("images", Counter())
    for sample in PRODUCTS:
        current = products.get_product(sample.id)
        if current is None or current.image_key is not None:
            counts[UNCHANGED] += 1
            continue
        picture = sample_png(sample.id)
        try:
            upload = images.create_upload(sample.id, "image/png", len(picture))
            post_form(upload.url, upload.fields, picture, "image/png")
            images.attach_image(sample.id, upload.upload_id, None)
        except (CatalogError, OSError) as error:
            report.failures.append(f"{sample.id} image: {error}")
            continue
        counts[CREATED] += 1


def _seed(
    report: SeedReport,
    kind: str,
    samples: Iterable[Sample],
    get: Callable[[str], Any],
    upsert: Callable[[str, dict[str, Any], int | None], Any],
) -> None:
    counts = report.counts.setdefault(kind, Counter())
    for sample in samples:
        changes = sample.changes()
        current = get(sample.id)
        if current is not None and _same(current, changes):
            counts[UNCHANGED] += 1
            continue
        try:
            upsert(sample.id, changes, None)
        except CatalogError as error:
            report.failures.append(f"{sample.id}: {error.message}")
            continue
        counts[CREATED if current is None else UPDATED] += 1


def _same(current: Any, changes: dict[str, Any]) -> bool:
    """Whether the stored item is live and already holds every sample field."""
    return current.deleted_at is None and all(
        getattr(current, name) == value for name, value in changes.items()
    )
